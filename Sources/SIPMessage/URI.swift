/// A URI as SIP carries it: a SIP/SIPS URI (RFC 3261 §19.1), a tel URI (RFC 3966), or any
/// other absolute URI kept as written (http/https in Call-Info, mailto in Reply-To …).
public enum URI: Hashable, Sendable, CustomStringConvertible {
    case sip(SIPURI)
    case tel(TelURI)
    case absolute(AbsoluteURI)

    /// The scheme, lower-cased (`sip`, `sips`, `tel`, `http` …).
    public var scheme: String {
        switch self {
        case .sip(let uri): return uri.isSecure ? "sips" : "sip"
        case .tel: return "tel"
        case .absolute(let uri): return uri.scheme.lowercased()
        }
    }

    /// The SIP URI, when this is one.
    public var sipURI: SIPURI? {
        if case .sip(let uri) = self { return uri }
        return nil
    }

    public var description: String {
        switch self {
        case .sip(let uri): return uri.description
        case .tel(let uri): return uri.description
        case .absolute(let uri): return uri.description
        }
    }

    /// Parses a URI from text.
    public init(_ text: String) throws(SIPParseError) {
        self = try ByteScanner.over(text, context: "URI") { scanner throws(SIPParseError) in
            try URI.parse(scanner.subScanner(scanner.index..<scanner.end))
        }
    }

    /// Parses the URI occupying exactly the scanner's remaining range.
    static func parse(_ scanner: ByteScanner) throws(SIPParseError) -> URI {
        let bytes = scanner.bytes
        let range = scanner.index..<scanner.end
        // Fast path for the scheme nearly every URI here has: "sip:" in any case.
        if range.count > 4, bytes[range.lowerBound + 3] == ASCII.colon,
           bytes[range.lowerBound] | 0x20 == UInt8(ascii: "s"), bytes[range.lowerBound + 1] | 0x20 == UInt8(ascii: "i"),
           bytes[range.lowerBound + 2] | 0x20 == UInt8(ascii: "p") {
            return .sip(try SIPURI.parse(scanner.subScanner((range.lowerBound + 4)..<range.upperBound),
                                         uriStart: range.lowerBound, secure: false))
        }
        guard let colon = schemeEnd(bytes, range) else {
            throw .malformedURI("missing scheme in '\(bytes.string(range).prefix(80))'")
        }
        let scheme = range.lowerBound..<colon
        let rest = (colon + 1)..<range.upperBound
        if bytes.equalsIgnoringCase(scheme, "sip") {
            return .sip(try SIPURI.parse(scanner.subScanner(rest), uriStart: range.lowerBound, secure: false))
        }
        if bytes.equalsIgnoringCase(scheme, "sips") {
            return .sip(try SIPURI.parse(scanner.subScanner(rest), uriStart: range.lowerBound, secure: true))
        }
        if bytes.equalsIgnoringCase(scheme, "tel") {
            return .tel(try TelURI.parse(bytes, rest))
        }
        return .absolute(try AbsoluteURI.parse(scanner, scheme: scheme, rest: rest))
    }

    /// Index of the `:` ending a valid scheme (ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )).
    private static func schemeEnd(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard let first = range.first, ASCII.has(bytes[first], .alpha) else { return nil }
        var index = first + 1
        while index < range.upperBound, ASCII.has(bytes[index], .scheme) { index += 1 }
        return index < range.upperBound && bytes[index] == ASCII.colon ? index : nil
    }
}

/// A URI of a scheme SIP does not interpret, kept as written (RFC 3986 absolute-URI).
public struct AbsoluteURI: Hashable, Sendable, CustomStringConvertible {
    /// `scheme:specific` as written.
    let text: ByteSlice
    /// Where the scheme ends (the colon), as an offset in `text`'s storage.
    let colon: Int

    public init(scheme: String, specific: String) {
        text = ByteSlice(Array((scheme + ":" + specific).utf8))
        colon = scheme.utf8.count
    }

    init(text: ByteSlice, colon: Int) {
        self.text = text
        self.colon = colon
    }

    public var scheme: String { text.string(Span(start: text.start, end: Int32(colon))) ?? "" }
    /// Everything after `scheme:`.
    public var specific: String { text.string(Span(start: Int32(colon + 1), end: text.end)) ?? "" }

    public var description: String { text.string }

    public static func == (lhs: AbsoluteURI, rhs: AbsoluteURI) -> Bool { lhs.text.bytesEqual(rhs.text) }
    public func hash(into hasher: inout Hasher) { text.hash(into: &hasher) }

    static func parse(_ scanner: ByteScanner, scheme: Range<Int>, rest: Range<Int>) throws(SIPParseError) -> AbsoluteURI {
        let bytes = scanner.bytes
        // RFC 3261 §25.1 absoluteURI: no whitespace, no angle brackets, no quotes.
        for index in rest {
            let byte = bytes[index]
            if byte <= ASCII.space || byte == ASCII.lessThan || byte == ASCII.greaterThan || byte == ASCII.quote || byte >= 0x7F {
                throw .malformedURI("invalid character in \(bytes.string(scheme)) URI")
            }
        }
        guard !rest.isEmpty else { throw .malformedURI("empty \(bytes.string(scheme)) URI") }
        return AbsoluteURI(text: scanner.slice(scheme.lowerBound..<rest.upperBound), colon: scheme.upperBound)
    }
}

/// A tel URI (RFC 3966): a global (`+` and digits) or local number with parameters.
public struct TelURI: Hashable, Sendable, CustomStringConvertible {
    // `parameters` comes first: its storage reference gives `URI` spare bits for its case tag.
    public var parameters: ParameterList
    /// The number as written, visual separators included (`+1-201-555-0123`).
    public var number: String

    public init(number: String, parameters: [GenericParameter] = []) {
        self.number = number
        self.parameters = ParameterList(parameters)
    }

    /// Whether the number is global (starts with `+`, RFC 3966 §5.1.4).
    public var isGlobal: Bool { number.hasPrefix("+") }

    /// The number without visual separators `-.()` (RFC 3966 §5.1.1), for comparison.
    public var digits: String { String(number.filter { !"-.()".contains($0) }) }

    public var description: String { "tel:" + number + parameters.description }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(SIPParseError) -> TelURI {
        var index = range.lowerBound
        let start = index
        if index < range.upperBound, bytes[index] == UInt8(ascii: "+") { index += 1 }
        // RFC 3966 §3: phonedigit-hex / visual-separator; '*' and '#' for local numbers.
        while index < range.upperBound {
            let byte = bytes[index]
            guard ASCII.has(byte, .hex) || "-.()*#pPwW".utf8.contains(byte) else { break }
            index += 1
        }
        guard index > start, bytes[start..<index].contains(where: { ASCII.has($0, .hex) || $0 == 0x2A || $0 == 0x23 }) else {
            throw .malformedURI("tel URI without a number")
        }
        let number = bytes.string(start..<index)
        var parameters: [GenericParameter] = []
        while index < range.upperBound, parameters.count <= 64 {
            guard bytes[index] == ASCII.semicolon else { throw .malformedURI("invalid character in tel URI") }
            index += 1
            let nameStart = index
            while index < range.upperBound, ASCII.has(bytes[index], .token) { index += 1 }
            guard index > nameStart else { throw .malformedURI("empty tel URI parameter") }
            let name = bytes.string(nameStart..<index)
            var value: String? = nil
            if index < range.upperBound, bytes[index] == ASCII.equals {
                index += 1
                let valueStart = index
                while index < range.upperBound, ASCII.has(bytes[index], .param) { index += 1 }
                value = bytes.string(valueStart..<index)
            }
            parameters.append(GenericParameter(name: name, value: value))
        }
        guard index == range.upperBound else { throw .malformedURI("too many tel URI parameters") }
        return TelURI(number: number, parameters: parameters)
    }
}

/// A `name-addr` or `addr-spec` with header parameters (RFC 3261 §20.10, §20.20, §20.39):
/// the shape of From, To, Contact, Route, Record-Route, Reply-To, Refer-To and Referred-By.
public struct NameAddress: Hashable, Sendable, CustomStringConvertible {
    /// The display name, unquoted and unescaped; nil when absent.
    public var displayName: String?
    public var uri: URI
    /// Header parameters after the URI (`;tag=…`, `;expires=…`, `;q=…`).
    public var parameters: [GenericParameter]

    public init(displayName: String? = nil, uri: URI, parameters: [GenericParameter] = []) {
        self.displayName = displayName
        self.uri = uri
        self.parameters = parameters
    }

    /// The tag parameter (RFC 3261 §19.3).
    public var tag: String? {
        get { parameters["tag"] }
        set { parameters.set("tag", newValue) }
    }

    /// Always written in name-addr form (`"Name" <uri>`), which §20.10 requires whenever
    /// the URI has parameters, headers, or `,;?` characters.
    public var description: String {
        var out = ""
        if let displayName, !displayName.isEmpty {
            out += NameAddress.isTokenSequence(displayName) ? displayName : Quoting.quote(displayName)
            out += " "
        }
        return out + "<" + uri.description + ">" + parameters.serialized
    }

    private static func isTokenSequence(_ text: String) -> Bool {
        text.utf8.allSatisfy { ASCII.isToken($0) }
    }

    /// Parses one name-addr or addr-spec with parameters.
    public init(_ text: String) throws(SIPParseError) {
        self = try text.withBytes { bytes throws(SIPParseError) in
            var scanner = ByteScanner(bytes, context: "address")
            let value = try NameAddress.parse(&scanner)
            try scanner.expectEnd()
            return value
        }
    }

    /// Parses a comma-separated list of name-addr values (Contact, Route, Record-Route).
    static func parseList(_ bytes: UnsafeBufferPointer<UInt8>, context: StaticString, into result: inout [NameAddress]) throws(SIPParseError) {
        var scanner = ByteScanner(bytes, context: context)
        repeat {
            result.append(try parse(&scanner))
            if result.count > 256 { throw scanner.error("too many values") }
        } while try scanner.nextListElement()
    }

    /// Parses a header that holds exactly one address (From, To, Refer-To …).
    static func parseSingle(_ bytes: UnsafeBufferPointer<UInt8>, context: StaticString) throws(SIPParseError) -> NameAddress {
        var scanner = ByteScanner(bytes, context: context)
        let value = try parse(&scanner)
        try scanner.expectEnd()
        return value
    }

    /// `( name-addr / addr-spec ) *( SEMI generic-param )`.
    static func parse(_ scanner: inout ByteScanner) throws(SIPParseError) -> NameAddress {
        let bytes = scanner.bytes
        scanner.skipWhitespace()
        var displayName: String? = nil
        var hasAngle = false
        if scanner.peek() == ASCII.quote {
            displayName = Quoting.unquote(bytes.string(try scanner.quotedString()))
            scanner.skipWhitespace()
            guard scanner.peek() == ASCII.lessThan else { throw scanner.error("expected '<' after display name") }
            hasAngle = true
        } else {
            // display-name = *(token LWS); UTF-8 is tolerated, as phones send it unquoted.
            let start = scanner.index
            var cursor = start
            while cursor < scanner.end, ASCII.isToken(bytes[cursor]) || ASCII.isWhitespace(bytes[cursor]) || bytes[cursor] >= 0x80 {
                cursor += 1
            }
            if cursor < scanner.end, bytes[cursor] == ASCII.lessThan {
                var nameEnd = cursor
                while nameEnd > start, ASCII.isWhitespace(bytes[nameEnd - 1]) { nameEnd -= 1 }
                if nameEnd > start { displayName = bytes.string(start..<nameEnd) }
                scanner.index = cursor
                hasAngle = true
            }
        }

        let uri: URI
        if hasAngle {
            scanner.index += 1  // '<'
            let start = scanner.index
            while let byte = scanner.peek(), byte != ASCII.greaterThan { scanner.index += 1 }
            guard scanner.consume(ASCII.greaterThan) else { throw scanner.error("missing '>'") }
            uri = try URI.parse(bytes, start..<(scanner.index - 1))
        } else {
            // addr-spec: parameters after it belong to the header (RFC 3261 §20.10).
            let start = scanner.index
            while let byte = scanner.peek(), byte != ASCII.semicolon, byte != ASCII.comma, !ASCII.isWhitespace(byte) {
                scanner.index += 1
            }
            guard scanner.index > start else { throw scanner.error("expected an address") }
            uri = try URI.parse(bytes, start..<scanner.index)
        }
        return NameAddress(displayName: displayName, uri: uri, parameters: try scanner.parameters())
    }
}

/// The Contact header (RFC 3261 §20.10): `*` (in REGISTER, to remove all bindings) or addresses.
public enum ContactValue: Hashable, Sendable {
    case wildcard
    case addresses([NameAddress])
}

extension NameAddress {
    /// The `expires` parameter of a Contact (RFC 3261 §20.10), in seconds.
    public var expires: UInt32? { parameters["expires"].flatMap { UInt32($0) } }

    /// The `q` parameter of a Contact (0 … 1, RFC 3261 §20.10), nil when absent or malformed.
    public var q: Double? {
        guard let text = parameters["q"], let value = Double(text), (0...1).contains(value) else { return nil }
        return value
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A `name-addr` or `addr-spec` with header parameters (RFC 3261 §20.10, §20.20, §20.39):
/// the shape of From, To, Contact, Route, Record-Route, Reply-To, Refer-To and Referred-By.
public struct NameAddress: Hashable, Sendable, CustomStringConvertible {
    /// The whole value as written, parameters included.
    let text: ByteSlice
    /// The display name as written (quoted or a token sequence), within `text`'s storage.
    let displayNameSpan: Span
    public let uri: URI
    let parametersSpan: Span
    /// Where the tag parameter's value lies, found while decoding (dialogs look it up often).
    let tagSpan: Span

    /// Header parameters after the URI (`;tag=…`, `;expires=…`, `;q=…`).
    public var parameters: ParameterList { ParameterList(text: text.slice(parametersSpan)) }

    /// An address from its parts, written in name-addr form (`"Name" <uri>;params`), which
    /// §20.10 requires whenever the URI has parameters, headers, or `,;?` characters.
    public init(displayName: String? = nil, uri: URI, parameters: [GenericParameter] = []) {
        self.init(displayName: displayName, uri: uri, parameters: ParameterList(parameters))
    }

    init(displayName: String?, uri: URI, parameters: ParameterList) {
        var builder = TextBuilder()
        var nameRange: Range<Int>? = nil
        if let displayName, !displayName.isEmpty {
            let isTokens = displayName.utf8.allSatisfy { ASCII.isToken($0) }
            nameRange = builder.part(isTokens ? displayName : Quoting.quote(displayName))
            builder.append(ASCII.space)
        }
        builder.append("<" + uri.description + ">")
        let parametersRange = builder.part(parameters.description)
        // Find the tag in the text just built, as decoding would.
        var tagRange: Range<Int>? = nil
        let bytes = builder.bytes
        bytes.withUnsafeBufferPointer { buffer in
            var cursor = ParameterCursor(bytes: buffer, range: parametersRange, separator: ASCII.semicolon)
            while tagRange == nil, let (name, value) = cursor.next() {
                if buffer.equalsIgnoringCase(name, "tag") { tagRange = value }
            }
        }
        self.init(text: ByteSlice(bytes), displayNameRange: nameRange, uri: uri, parametersRange: parametersRange, tagRange: tagRange)
    }

    init(text: ByteSlice, displayNameRange: Range<Int>?, uri: URI, parametersRange: Range<Int>, tagRange: Range<Int>?) {
        self.text = text
        self.displayNameSpan = Span(displayNameRange)
        self.uri = uri
        self.parametersSpan = Span(parametersRange)
        self.tagSpan = Span(tagRange)
    }

    /// The display name, unquoted and unescaped; nil when absent.
    public var displayName: String? {
        guard !displayNameSpan.isAbsent else { return nil }
        return text.withBytes { bytes, _ in Quoting.unquote(bytes, displayNameSpan.range) }
    }

    /// The tag parameter (RFC 3261 §19.3).
    public var tag: String? { text.string(tagSpan) }

    /// This address with the parameter `name` set (e.g. a To tag added by a UAS, §8.2.6.2).
    public func with(parameter name: String, _ value: String?) -> NameAddress {
        var parameters = self.parameters
        parameters.set(name, value)
        return NameAddress(displayName: displayName, uri: uri, parameters: parameters)
    }

    /// This address with another URI.
    public func with(uri: URI) -> NameAddress {
        NameAddress(displayName: displayName, uri: uri, parameters: parameters)
    }

    public var description: String { text.string }

    public static func == (lhs: NameAddress, rhs: NameAddress) -> Bool { lhs.text.bytesEqual(rhs.text) }

    public func hash(into hasher: inout Hasher) {
        text.hash(into: &hasher)
    }

    /// Parses one name-addr or addr-spec with parameters.
    public init(_ text: String) throws(SIPParseError) {
        self = try ByteScanner.over(text, context: "address") { scanner throws(SIPParseError) in
            try NameAddress.parseSingle(&scanner)
        }
    }

    /// Parses a comma-separated list of name-addr values (Contact, Route, Record-Route).
    static func parseList(_ scanner: inout ByteScanner, into result: inout [NameAddress]) throws(SIPParseError) {
        repeat {
            result.append(try parse(&scanner))
            if result.count > 256 { throw scanner.error("too many values") }
        } while try scanner.nextListElement()
    }

    /// Parses a header that holds exactly one address (From, To, Refer-To …).
    static func parseSingle(_ scanner: inout ByteScanner) throws(SIPParseError) -> NameAddress {
        let value = try parse(&scanner)
        try scanner.expectEnd()
        return value
    }

    /// `( name-addr / addr-spec ) *( SEMI generic-param )`.
    static func parse(_ scanner: inout ByteScanner) throws(SIPParseError) -> NameAddress {
        let bytes = scanner.bytes
        scanner.skipWhitespace()
        let start = scanner.index
        var displayName: Range<Int>? = nil
        var hasAngle = false
        if scanner.peek() == ASCII.quote {
            displayName = try scanner.quotedString()
            scanner.skipWhitespace()
            guard scanner.peek() == ASCII.lessThan else { throw scanner.error("expected '<' after display name") }
            hasAngle = true
        } else {
            // display-name = *(token LWS); UTF-8 is tolerated, as phones send it unquoted.
            var cursor = start
            while cursor < scanner.end, ASCII.isToken(bytes[cursor]) || ASCII.isWhitespace(bytes[cursor]) || bytes[cursor] >= 0x80 {
                cursor += 1
            }
            if cursor < scanner.end, bytes[cursor] == ASCII.lessThan {
                var nameEnd = cursor
                while nameEnd > start, ASCII.isWhitespace(bytes[nameEnd - 1]) { nameEnd -= 1 }
                if nameEnd > start { displayName = start..<nameEnd }
                scanner.index = cursor
                hasAngle = true
            }
        }

        let uri: URI
        if hasAngle {
            scanner.index += 1  // '<'
            let uriStart = scanner.index
            guard let base = bytes.baseAddress, uriStart < scanner.end,
                  let found = memchr(base + uriStart, Int32(ASCII.greaterThan), scanner.end - uriStart)
            else { throw scanner.error("missing '>'") }
            let close = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            scanner.index = close + 1
            uri = try URI.parse(scanner.subScanner(uriStart..<close))
        } else {
            // addr-spec: parameters after it belong to the header (RFC 3261 §20.10).
            while let byte = scanner.peek(), byte != ASCII.semicolon, byte != ASCII.comma, !ASCII.isWhitespace(byte) {
                scanner.index += 1
            }
            guard scanner.index > start else { throw scanner.error("expected an address") }
            uri = try URI.parse(scanner.subScanner(start..<scanner.index))
        }
        let (parametersRange, tagRange) = try scanner.parameterRange(findingTag: true)
        return NameAddress(text: scanner.slice(start..<scanner.index), displayNameRange: displayName,
                           uri: uri, parametersRange: parametersRange, tagRange: tagRange)
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

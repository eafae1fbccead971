/// The CSeq header (RFC 3261 §20.16): a 32-bit sequence number and the request method.
public struct CSeq: Hashable, Sendable, CustomStringConvertible {
    /// Less than 2**31 when chosen by a UAC (§8.1.1.5), but any 32-bit value is accepted.
    public var sequence: UInt32
    public var method: SIPMethod

    public init(_ sequence: UInt32, _ method: SIPMethod) {
        self.sequence = sequence
        self.method = method
    }

    public var description: String { String(sequence) + " " + method.name }

    public init(_ text: String) throws(SIPParseError) {
        self = try ByteScanner.over(text, context: "CSeq") { scanner throws(SIPParseError) in try CSeq.parse(&scanner) }
    }

    /// CSeq = 1*DIGIT LWS Method.
    static func parse(_ scanner: inout ByteScanner) throws(SIPParseError) -> CSeq {
        let number = try scanner.number("sequence number", limit: UInt64(UInt32.max))
        let beforeSpace = scanner.index
        scanner.skipWhitespace()
        guard scanner.index > beforeSpace else { throw scanner.error("expected whitespace before method") }
        let method = try scanner.token("method")
        try scanner.expectEnd()
        return CSeq(UInt32(number), SIPMethod.parse(scanner.bytes, method))
    }
}

/// A media type with parameters (RFC 3261 §20.15 Content-Type, §20.1 Accept).
public struct MediaType: Hashable, Sendable, CustomStringConvertible {
    public var type: String
    public var subtype: String
    public var parameters: ParameterList

    public init(type: String, subtype: String, parameters: [GenericParameter] = []) {
        self.type = type
        self.subtype = subtype
        self.parameters = ParameterList(parameters)
    }

    public static let sdp = MediaType(type: "application", subtype: "sdp")
    public static let html = MediaType(type: "text", subtype: "html")

    /// Whether type and subtype match (case-insensitive), `*` matching anything.
    public func matches(_ other: MediaType) -> Bool {
        (type == "*" || other.type == "*" || type.caseInsensitiveEquals(other.type))
            && (subtype == "*" || other.subtype == "*" || subtype.caseInsensitiveEquals(other.subtype))
    }

    public var description: String { type + "/" + subtype + parameters.description }

    public init(_ text: String) throws(SIPParseError) {
        self = try ByteScanner.over(text, context: "Content-Type") { scanner throws(SIPParseError) in
            let value = try MediaType.parse(&scanner)
            try scanner.expectEnd()
            return value
        }
    }

    /// m-type SLASH m-subtype *( SEMI m-parameter ).
    static func parse(_ scanner: inout ByteScanner) throws(SIPParseError) -> MediaType {
        scanner.skipWhitespace()
        let type = try scanner.token("media type")
        guard scanner.consumeSeparator(ASCII.slash) else { throw scanner.error("expected '/' in media type") }
        let subtype = try scanner.token("media subtype")
        var value = MediaType(type: scanner.string(type), subtype: scanner.string(subtype))
        value.parameters = try scanner.parameters()
        return value
    }

    static func parseList(_ scanner: inout ByteScanner, into result: inout [MediaType]) throws(SIPParseError) {
        scanner.skipWhitespace()
        if scanner.isAtEnd { return }  // An empty Accept is allowed (RFC 3261 §20.1).
        repeat {
            result.append(try parse(&scanner))
            if result.count > 256 { throw scanner.error("too many values") }
        } while try scanner.nextListElement()
    }
}

/// Credentials or a challenge (RFC 3261 §20.7, §20.27, §20.28, §20.44; RFC 7616):
/// `Digest realm="x", nonce="y", …` — the scheme and its comma-separated auth-params.
public struct AuthenticationValue: Hashable, Sendable, CustomStringConvertible {
    public var scheme: String
    /// Parameters with values as written (quoted values keep quotes; use `value(_:)`).
    public var parameters: [GenericParameter]

    public init(scheme: String, parameters: [GenericParameter]) {
        self.scheme = scheme
        self.parameters = parameters
    }

    /// The unquoted value of the auth-param `name` (case-insensitive name).
    public func value(_ name: String) -> String? {
        parameters.first { $0.name.caseInsensitiveEquals(name) }?.unquotedValue
    }

    public var description: String {
        scheme + " " + parameters.map { $0.name + "=" + ($0.value ?? "\"\"") }.joined(separator: ", ")
    }

    public init(_ text: String) throws(SIPParseError) {
        self = try ByteScanner.over(text, context: "Authorization") { scanner throws(SIPParseError) in
            try AuthenticationValue.parse(&scanner)
        }
    }

    /// auth-scheme LWS auth-param *(COMMA auth-param).
    static func parse(_ scanner: inout ByteScanner) throws(SIPParseError) -> AuthenticationValue {
        scanner.skipWhitespace()
        let scheme = try scanner.token("authentication scheme")
        var parameters: [GenericParameter] = []
        scanner.skipWhitespace()
        while !scanner.isAtEnd {
            let name = try scanner.token("auth-param name")
            guard scanner.consumeSeparator(ASCII.equals) else { throw scanner.error("expected '=' after auth-param name") }
            let value = scanner.peek() == ASCII.quote ? try scanner.quotedString() : try scanner.token("auth-param value")
            parameters.append(GenericParameter(name: scanner.string(name), value: scanner.string(value)))
            if parameters.count > 64 { throw scanner.error("too many parameters") }
            scanner.skipWhitespace()
            if scanner.isAtEnd { break }
            guard scanner.consumeSeparator(ASCII.comma) else { throw scanner.error("expected ',' between auth-params") }
        }
        return AuthenticationValue(scheme: scanner.string(scheme), parameters: parameters)
    }
}

/// One Via value (RFC 3261 §20.42): `SIP/2.0/UDP host:port;branch=…;received=…;rport`.
public struct Via: Hashable, Sendable, CustomStringConvertible {
    /// Protocol name, normally `SIP`.
    public var protocolName: String
    /// Protocol version, normally `2.0`.
    public var protocolVersion: String
    /// Transport as written (`UDP`, `TCP`, `TLS`, `SCTP`, `WS` …).
    public var transport: String
    /// Sent-by host: a name, IPv4 address or IPv6 reference in brackets.
    public var host: String
    /// Sent-by port; nil when absent.
    public var port: UInt16?
    public var parameters: [GenericParameter]

    public init(transport: String = "UDP", host: String, port: UInt16? = nil, parameters: [GenericParameter] = [],
                protocolName: String = "SIP", protocolVersion: String = "2.0") {
        self.protocolName = protocolName
        self.protocolVersion = protocolVersion
        self.transport = transport
        self.host = host
        self.port = port
        self.parameters = parameters
    }

    /// The branch parameter (RFC 3261 §8.1.1.7).
    public var branch: String? {
        get { parameters["branch"] }
        set { parameters.set("branch", newValue) }
    }

    /// Whether the branch carries the RFC 3261 magic cookie `z9hG4bK` (§17.2.3).
    public var hasRFC3261Branch: Bool { branch?.hasPrefix("z9hG4bK") ?? false }

    /// The received parameter (RFC 3261 §18.2.1).
    public var received: String? { parameters["received"] }

    /// The maddr parameter (RFC 3261 §18.2.2).
    public var maddr: String? { parameters["maddr"] }

    /// The ttl parameter (0–255).
    public var ttl: Int? { parameters["ttl"].flatMap { Int($0) }.flatMap { (0...255).contains($0) ? $0 : nil } }

    /// The rport parameter (RFC 3581): absent, requested (no value) or filled in with a port.
    public var rport: RPort {
        guard let parameter = parameters.first(named: "rport") else { return .absent }
        guard let value = parameter.value else { return .requested }
        return UInt16(value).map(RPort.port) ?? .requested
    }

    /// State of the rport parameter (RFC 3581 §3, §4).
    public enum RPort: Hashable, Sendable {
        case absent, requested, port(UInt16)
    }

    /// `host` or `host:port`.
    public var sentBy: String { port.map { host + ":" + String($0) } ?? host }

    public var description: String {
        protocolName + "/" + protocolVersion + "/" + transport + " " + sentBy + parameters.serialized
    }

    /// Parses one or more comma-separated Via values.
    public static func parseList(_ text: String) throws(SIPParseError) -> [Via] {
        try text.withBytes { bytes throws(SIPParseError) in
            var result: [Via] = []
            try parseList(bytes, into: &result)
            return result
        }
    }

    /// Parses the values of one Via header line, appending them to `result`.
    static func parseList(_ bytes: UnsafeBufferPointer<UInt8>, into result: inout [Via]) throws(SIPParseError) {
        var scanner = ByteScanner(bytes, context: "Via")
        repeat {
            result.append(try parse(&scanner))
            if result.count > 256 { throw scanner.error("too many values") }
        } while try scanner.nextListElement()
    }

    /// via-parm = sent-protocol LWS sent-by *( SEMI via-params ) (RFC 3261 §25.1).
    static func parse(_ scanner: inout ByteScanner) throws(SIPParseError) -> Via {
        let name = try scanner.token("protocol name")
        guard scanner.consumeSeparator(ASCII.slash) else { throw scanner.error("expected '/' after protocol name") }
        let version = try scanner.token("protocol version")
        guard scanner.consumeSeparator(ASCII.slash) else { throw scanner.error("expected '/' after protocol version") }
        let transport = try scanner.token("transport")
        let beforeSpace = scanner.index
        scanner.skipWhitespace()
        guard scanner.index > beforeSpace else { throw scanner.error("expected whitespace before sent-by") }
        let (host, port) = try HostPort.parse(&scanner)
        let parameters = try scanner.parameters()
        let bytes = scanner.bytes
        return Via(transport: bytes.string(transport), host: host, port: port, parameters: parameters,
                   protocolName: bytes.string(name), protocolVersion: bytes.string(version))
    }
}

/// `host [ COLON port ]` as used by Via sent-by (RFC 3261 §25.1), IPv6 per RFC 5118.
enum HostPort {
    static func parse(_ scanner: inout ByteScanner) throws(SIPParseError) -> (String, UInt16?) {
        let bytes = scanner.bytes
        let start = scanner.index
        if scanner.consume(ASCII.leftBracket) {
            while let byte = scanner.peek(), ASCII.has(byte, .hex) || byte == ASCII.colon || byte == UInt8(ascii: ".") {
                scanner.index += 1
            }
            guard scanner.consume(ASCII.rightBracket), scanner.index > start + 2 else {
                throw scanner.error("bad IPv6 reference")
            }
        } else {
            while let byte = scanner.peek(), ASCII.has(byte, .alpha) || ASCII.isDigit(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") {
                scanner.index += 1
            }
            guard scanner.index > start else { throw scanner.error("expected host") }
        }
        let host = bytes.string(start..<scanner.index)
        var port: UInt16? = nil
        if scanner.consumeSeparator(ASCII.colon) {
            port = UInt16(try scanner.number("port", limit: 65535))
        }
        return (host, port)
    }
}

/// One Via value (RFC 3261 §20.42): `SIP/2.0/UDP host:port;branch=…;received=…;rport`.
/// Like every typed value here, it keeps the text it was decoded from and reads parts on demand.
public struct Via: Hashable, Sendable, CustomStringConvertible {
    let text: ByteSlice
    let protocolSpan: Span
    let versionSpan: Span
    let transportSpan: Span
    let hostSpan: Span
    let parametersSpan: Span
    /// The sent-by port, or -1 when absent.
    let portValue: Int32

    /// Sent-by port; nil when absent.
    public var port: UInt16? { portValue < 0 ? nil : UInt16(truncatingIfNeeded: portValue) }

    /// Via parameters (branch, received, rport, maddr, ttl, extensions), as written.
    public var parameters: ParameterList { ParameterList(text: text.slice(parametersSpan)) }

    /// A Via from its parts (the protocol defaults to SIP/2.0).
    public init(transport: String = "UDP", host: String, port: UInt16? = nil, branch: String? = nil,
                parameters: [GenericParameter] = [], protocolName: String = "SIP", protocolVersion: String = "2.0") {
        var all = parameters
        if let branch { all.insert(GenericParameter(name: "branch", value: branch), at: 0) }
        self.init(transport: transport, host: host, port: port, parameters: ParameterList(all),
                  protocolName: protocolName, protocolVersion: protocolVersion)
    }

    init(transport: String, host: String, port: UInt16?, parameters: ParameterList, protocolName: String, protocolVersion: String) {
        var builder = TextBuilder()
        let name = builder.part(protocolName)
        builder.append(ASCII.slash)
        let version = builder.part(protocolVersion)
        builder.append(ASCII.slash)
        let transport = builder.part(transport)
        builder.append(ASCII.space)
        let host = builder.part(host)
        if let port { builder.append(":" + String(port)) }
        let parametersRange = builder.part(parameters.description)
        self.init(text: ByteSlice(builder.bytes), protocolRange: name, versionRange: version,
                  transportRange: transport, hostRange: host, port: port, parametersRange: parametersRange)
    }

    init(text: ByteSlice, protocolRange: Range<Int>, versionRange: Range<Int>, transportRange: Range<Int>,
         hostRange: Range<Int>, port: UInt16?, parametersRange: Range<Int>) {
        self.text = text
        self.protocolSpan = Span(protocolRange)
        self.versionSpan = Span(versionRange)
        self.transportSpan = Span(transportRange)
        self.hostSpan = Span(hostRange)
        self.parametersSpan = Span(parametersRange)
        self.portValue = port.map(Int32.init) ?? -1
    }

    private func part(_ span: Span) -> String { text.string(span) ?? "" }

    /// Protocol name, normally `SIP`.
    public var protocolName: String { part(protocolSpan) }
    /// Protocol version, normally `2.0`.
    public var protocolVersion: String { part(versionSpan) }
    /// Transport as written (`UDP`, `TCP`, `TLS`, `SCTP`, `WS` …).
    public var transport: String { part(transportSpan) }
    /// Sent-by host: a name, IPv4 address or IPv6 reference in brackets.
    public var host: String { part(hostSpan) }

    /// The branch parameter (RFC 3261 §8.1.1.7).
    public var branch: String? { parameters["branch"] }

    /// Whether the branch carries the RFC 3261 magic cookie `z9hG4bK` (§17.2.3) followed by
    /// an identifier: the cookie alone identifies nothing (RFC 4475 §3.2.1), so such a
    /// request falls back to RFC 2543 matching.
    public var hasRFC3261Branch: Bool {
        guard let branch else { return false }
        return branch.utf8.count > 7 && branch.hasPrefix("z9hG4bK")
    }

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

    /// This Via with the parameter `name` set (e.g. `received`, `rport` by a server, RFC 3581 §4).
    public func with(parameter name: String, _ value: String?) -> Via {
        var parameters = self.parameters
        parameters.set(name, value)
        return Via(transport: transport, host: host, port: port, parameters: parameters,
                   protocolName: protocolName, protocolVersion: protocolVersion)
    }

    public var description: String { text.string }

    public static func == (lhs: Via, rhs: Via) -> Bool { lhs.text.bytesEqual(rhs.text) }

    public func hash(into hasher: inout Hasher) {
        text.hash(into: &hasher)
    }

    /// Parses one or more comma-separated Via values.
    public static func parseList(_ text: String) throws(SIPParseError) -> [Via] {
        try ByteScanner.over(text, context: "Via") { scanner throws(SIPParseError) in
            var result: [Via] = []
            try parseList(&scanner, into: &result)
            return result
        }
    }

    /// Parses the values of one Via header line, appending them to `result`.
    static func parseList(_ scanner: inout ByteScanner, into result: inout [Via]) throws(SIPParseError) {
        repeat {
            result.append(try parse(&scanner))
            if result.count > 256 { throw scanner.error("too many values") }
        } while try scanner.nextListElement()
    }

    /// via-parm = sent-protocol LWS sent-by *( SEMI via-params ) (RFC 3261 §25.1).
    static func parse(_ scanner: inout ByteScanner) throws(SIPParseError) -> Via {
        scanner.skipWhitespace()
        let start = scanner.index
        let name: Range<Int>, version: Range<Int>
        if scanner.end - start > 8, scanner.bytes.isSIP20Slash(at: start) {
            // Nearly every Via starts so; the general path below handles spaces and others.
            name = start..<(start + 3)
            version = (start + 4)..<(start + 7)
            scanner.index = start + 8
            scanner.skipWhitespace()
        } else {
            name = try scanner.token("protocol name")
            guard scanner.consumeSeparator(ASCII.slash) else { throw scanner.error("expected '/' after protocol name") }
            version = try scanner.token("protocol version")
            guard scanner.consumeSeparator(ASCII.slash) else { throw scanner.error("expected '/' after protocol version") }
        }
        let transport = try scanner.token("transport")
        let beforeSpace = scanner.index
        scanner.skipWhitespace()
        guard scanner.index > beforeSpace else { throw scanner.error("expected whitespace before sent-by") }
        let (host, port) = try HostPort.parse(&scanner)
        let parametersRange = try scanner.parameterRange()
        return Via(text: scanner.slice(start..<scanner.index), protocolRange: name, versionRange: version,
                   transportRange: transport, hostRange: host, port: port, parametersRange: parametersRange)
    }
}

/// `host [ COLON port ]` as used by Via sent-by (RFC 3261 §25.1), IPv6 per RFC 5118.
enum HostPort {
    static func parse(_ scanner: inout ByteScanner) throws(SIPParseError) -> (Range<Int>, UInt16?) {
        let start = scanner.index
        if scanner.consume(ASCII.leftBracket) {
            while let byte = scanner.peek(), ASCII.has(byte, .hex) || byte == ASCII.colon || byte == UInt8(ascii: ".") {
                scanner.index += 1
            }
            guard scanner.consume(ASCII.rightBracket), IPLiteral.isIPv6Reference(scanner.bytes, start..<scanner.index) else {
                throw scanner.error("bad IPv6 reference")
            }
        } else {
            _ = scanner.scan(.hostName)
            guard scanner.index > start else { throw scanner.error("expected host") }
        }
        let host = start..<scanner.index
        var port: UInt16? = nil
        if scanner.consumeSeparator(ASCII.colon) {
            port = UInt16(try scanner.number("port", limit: 65535))
        }
        return (host, port)
    }
}

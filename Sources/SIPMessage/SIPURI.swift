/// A SIP or SIPS URI (RFC 3261 §19.1): `sip:user:password@host:port;params?headers`.
///
/// Components are kept as written, %-escapes included, so a URI serializes back to the
/// same text; `isEquivalent(to:)` applies the comparison rules of §19.1.4.
public struct SIPURI: Hashable, Sendable, CustomStringConvertible {
    /// `sips:` rather than `sip:`.
    public var isSecure: Bool
    /// The user part as written (may hold %-escapes); nil when absent.
    public var user: String?
    /// The password as written; nil when absent.
    public var password: String?
    /// The host: a name, an IPv4 address, or an IPv6 reference with its brackets.
    public var host: String
    /// The port; nil when absent (the default port applies).
    public var port: UInt16?
    /// URI parameters (`;transport=tcp;lr`), in order.
    public var parameters: [GenericParameter]
    /// URI headers (`?subject=x&priority=urgent`) as name/value pairs, in order.
    public var headers: [GenericParameter]

    public init(isSecure: Bool = false, user: String? = nil, password: String? = nil, host: String,
                port: UInt16? = nil, parameters: [GenericParameter] = [], headers: [GenericParameter] = []) {
        self.isSecure = isSecure
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.parameters = parameters
        self.headers = headers
    }

    /// Parses a `sip:` or `sips:` URI from text.
    public init(_ text: String) throws(SIPParseError) {
        guard case .sip(let uri) = try URI(text) else { throw .malformedURI("not a sip or sips URI") }
        self = uri
    }

    /// The user part with %-escapes resolved.
    public var unescapedUser: String? { user.map(PercentEncoding.decode) }

    /// The host without IPv6 brackets.
    public var bareHost: String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    /// The `transport` parameter, lower-cased.
    public var transport: String? { parameters["transport"]?.lowercased() }

    /// Whether the `lr` parameter marks a loose router (RFC 3261 §19.1.1).
    public var isLooseRouter: Bool { parameters.contains(named: "lr") }

    /// `host` or `host:port` as written in the URI.
    public var hostPort: String { port.map { host + ":" + String($0) } ?? host }

    public var description: String {
        var out = isSecure ? "sips:" : "sip:"
        if let user {
            out += user
            if let password { out += ":" + password }
            out += "@"
        }
        out += hostPort
        out += parameters.serialized
        for (index, header) in headers.enumerated() {
            out += (index == 0 ? "?" : "&") + header.name + "=" + (header.value ?? "")
        }
        return out
    }
}

extension SIPURI {
    /// Parses the part after `sip:`/`sips:` occupying exactly `range` (RFC 3261 §25.1 SIP-URI).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, secure: Bool) throws(SIPParseError) -> SIPURI {
        var index = range.lowerBound
        let end = range.upperBound
        var user: String? = nil, password: String? = nil

        // userinfo: the only '@' a SIP URI may hold unescaped ends it.
        var at = index
        while at < end, bytes[at] != ASCII.at { at += 1 }
        if at < end {
            var userEnd = index
            while userEnd < at, bytes[userEnd] != ASCII.colon { userEnd += 1 }
            try validate(bytes, index..<userEnd, .user, "user")
            guard userEnd > index else { throw .malformedURI("empty user part") }
            user = bytes.string(index..<userEnd)
            if userEnd < at {
                try validate(bytes, (userEnd + 1)..<at, .password, "password")
                password = bytes.string((userEnd + 1)..<at)
            }
            index = at + 1
        }

        // hostport (RFC 3261 §25.1; IPv6 references per RFC 5118).
        let hostStart = index
        if index < end, bytes[index] == ASCII.leftBracket {
            index += 1
            while index < end, ASCII.has(bytes[index], .hex) || bytes[index] == ASCII.colon || bytes[index] == UInt8(ascii: ".") {
                index += 1
            }
            guard index < end, bytes[index] == ASCII.rightBracket, index > hostStart + 1 else {
                throw .malformedURI("bad IPv6 reference")
            }
            index += 1
        } else {
            while index < end, ASCII.has(bytes[index], .unreserved), bytes[index] != UInt8(ascii: "!") {
                index += 1
            }
            try validateHostName(bytes, hostStart..<index)
        }
        let host = bytes.string(hostStart..<index)
        var port: UInt16? = nil
        if index < end, bytes[index] == ASCII.colon {
            index += 1
            let portStart = index
            var value = 0
            while index < end, ASCII.isDigit(bytes[index]), value <= 65535 {
                value = value * 10 + Int(bytes[index] - 0x30)
                index += 1
            }
            guard index > portStart, value <= 65535 else { throw .malformedURI("bad port") }
            port = UInt16(value)
        }

        // uri-parameters: *( ";" pname [ "=" pvalue ] )
        var parameters: [GenericParameter] = []
        while index < end, bytes[index] == ASCII.semicolon {
            index += 1
            let nameStart = index
            while index < end, ASCII.has(bytes[index], .param) { index += 1 }
            guard index > nameStart else { throw .malformedURI("empty URI parameter name") }
            let name = bytes.string(nameStart..<index)
            var value: String? = nil
            if index < end, bytes[index] == ASCII.equals {
                index += 1
                let valueStart = index
                while index < end, ASCII.has(bytes[index], .param) { index += 1 }
                try validateEscapes(bytes, valueStart..<index)
                value = bytes.string(valueStart..<index)
            }
            try validateEscapes(bytes, nameStart..<index)
            parameters.append(GenericParameter(name: name, value: value))
        }

        // headers: "?" header *( "&" header ), header = hname "=" hvalue
        var headers: [GenericParameter] = []
        if index < end, bytes[index] == ASCII.question {
            repeat {
                index += 1
                let nameStart = index
                while index < end, ASCII.has(bytes[index], .uriHeader), bytes[index] != ASCII.equals { index += 1 }
                guard index > nameStart, index < end, bytes[index] == ASCII.equals else {
                    throw .malformedURI("bad URI header")
                }
                let name = bytes.string(nameStart..<index)
                index += 1
                let valueStart = index
                while index < end, ASCII.has(bytes[index], .uriHeader) || bytes[index] == ASCII.at { index += 1 }
                try validateEscapes(bytes, valueStart..<index)
                headers.append(GenericParameter(name: name, value: bytes.string(valueStart..<index)))
            } while index < end && bytes[index] == ASCII.ampersand
        }
        guard index == end else {
            throw .malformedURI("unexpected character in '\(bytes.string(range).prefix(80))'")
        }
        return SIPURI(isSecure: secure, user: user, password: password, host: host, port: port,
                      parameters: parameters, headers: headers)
    }

    private static func validate(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ cls: ASCII.Class, _ what: String) throws(SIPParseError) {
        for index in range where !ASCII.has(bytes[index], cls) {
            throw .malformedURI("invalid character in \(what)")
        }
        try validateEscapes(bytes, range)
    }

    /// Every `%` must start a two-hex-digit escape (RFC 3261 §25.1 `escaped`).
    private static func validateEscapes(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(SIPParseError) {
        var index = range.lowerBound
        while index < range.upperBound {
            if bytes[index] == ASCII.percent {
                guard index + 2 < range.upperBound,
                      ASCII.hexValue(bytes[index + 1]) != nil, ASCII.hexValue(bytes[index + 2]) != nil
                else { throw .malformedURI("bad %-escape") }
                index += 3
            } else {
                index += 1
            }
        }
    }

    /// hostname = *( domainlabel "." ) toplabel [ "." ], labels alphanumeric with inner '-';
    /// or an IPv4 address. Underscores are tolerated (seen in the wild).
    private static func validateHostName(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(SIPParseError) {
        guard !range.isEmpty else { throw .malformedURI("missing host") }
        var labelStart = range.lowerBound
        for index in range {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                guard index > labelStart || index == range.upperBound - 1 else { throw .malformedURI("empty host label") }
                labelStart = index + 1
            } else if !(ASCII.has(byte, .alpha) || ASCII.isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")) {
                throw .malformedURI("invalid character in host")
            }
        }
    }
}

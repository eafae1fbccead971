#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A SIP or SIPS URI (RFC 3261 §19.1): `sip:user:password@host:port;params?headers`.
///
/// The URI keeps the text it was written in (a view into the message it came from) and
/// the positions of its parts, so decoding costs no copy and it serializes back to exactly
/// what was received; each part becomes a `String` when read. Setting a part rewrites the
/// text. `==` compares the text; `isEquivalent(to:)` applies RFC 3261 §19.1.4.
public struct SIPURI: Hashable, Sendable, CustomStringConvertible {
    /// The whole URI, `sip:` included.
    let text: ByteSlice
    let userSpan: Span
    let passwordSpan: Span
    let hostSpan: Span
    let parametersSpan: Span
    let headersSpan: Span
    /// The port, or -1 when absent.
    let portValue: Int32
    let secure: Int32

    /// `sips:` rather than `sip:`.
    public var isSecure: Bool { secure != 0 }
    /// The port; nil when absent (the default port applies).
    public var port: UInt16? { portValue < 0 ? nil : UInt16(truncatingIfNeeded: portValue) }

    /// URI parameters (`;transport=tcp;lr`), in order.
    public var parameters: ParameterList { ParameterList(text: text.slice(parametersSpan), namesAreEscaped: true) }
    /// URI headers (`?subject=x&priority=urgent`), in order.
    public var headers: ParameterList {
        ParameterList(text: text.slice(headersSpan), separator: ASCII.ampersand, namesAreEscaped: true)
    }

    /// A URI from its parts; parts are written as given (escape a user part with
    /// `PercentEncoding.encodeUser` first if it may hold reserved characters).
    public init(isSecure: Bool = false, user: String? = nil, password: String? = nil, host: String,
                port: UInt16? = nil, parameters: [GenericParameter] = [], headers: [GenericParameter] = []) {
        self.init(isSecure: isSecure, user: user, password: password, host: host, port: port,
                  parameters: ParameterList(parameters),
                  headers: ParameterList(headers, separator: ASCII.ampersand, leading: ASCII.question))
    }

    init(isSecure: Bool, user: String?, password: String?, host: String, port: UInt16?,
         parameters: ParameterList, headers: ParameterList) {
        var builder = TextBuilder()
        builder.append(isSecure ? "sips:" : "sip:")
        var userRange: Range<Int>? = nil, passwordRange: Range<Int>? = nil
        if let user {
            userRange = builder.part(user)
            if let password {
                builder.append(ASCII.colon)
                passwordRange = builder.part(password)
            }
            builder.append(ASCII.at)
        }
        let hostRange = builder.part(host)
        if let port { builder.append(":" + String(port)) }
        let parametersRange = builder.part(parameters.description)
        let headersRange = builder.part(headers.description)
        self.init(text: ByteSlice(builder.bytes), userRange: userRange, passwordRange: passwordRange, hostRange: hostRange,
                  isSecure: isSecure, port: port, parametersRange: parametersRange, headersRange: headersRange)
    }

    private init(text: ByteSlice, userRange: Range<Int>?, passwordRange: Range<Int>?, hostRange: Range<Int>,
                 isSecure: Bool, port: UInt16?, parametersRange: Range<Int>, headersRange: Range<Int>) {
        self.text = text
        self.userSpan = Span(userRange)
        self.passwordSpan = Span(passwordRange)
        self.hostSpan = Span(hostRange)
        self.parametersSpan = Span(parametersRange)
        self.headersSpan = Span(headersRange)
        self.portValue = port.map(Int32.init) ?? -1
        self.secure = isSecure ? 1 : 0
    }

    /// Parses a `sip:` or `sips:` URI from text.
    public init(_ text: String) throws(SIPParseError) {
        guard case .sip(let uri) = try URI(text) else { throw .malformedURI("not a sip or sips URI") }
        self = uri
    }

    /// The user part as written (may hold %-escapes); nil when absent.
    public var user: String? { text.string(userSpan) }
    /// The password as written; nil when absent.
    public var password: String? { text.string(passwordSpan) }
    /// The host: a name, an IPv4 address, or an IPv6 reference with its brackets.
    public var host: String { text.string(hostSpan) ?? "" }

    /// The user part with %-escapes resolved.
    public var unescapedUser: String? { user.map(PercentEncoding.decode) }

    /// The host without IPv6 brackets.
    public var bareHost: String {
        let host = self.host
        return host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    /// The `transport` parameter, lower-cased.
    public var transport: String? { parameters["transport"]?.lowercased() }

    /// Whether the `lr` parameter marks a loose router (RFC 3261 §19.1.1).
    public var isLooseRouter: Bool { parameters.contains(named: "lr") }

    /// `host` or `host:port` as written in the URI.
    public var hostPort: String { port.map { host + ":" + String($0) } ?? host }

    public var description: String { text.string }

    public static func == (lhs: SIPURI, rhs: SIPURI) -> Bool { lhs.text.bytesEqual(rhs.text) }

    public func hash(into hasher: inout Hasher) {
        text.hash(into: &hasher)
    }

    // MARK: Copies with one part changed

    /// This URI with another user part.
    public func with(user: String?) -> SIPURI { rebuilt(user: .some(user)) }
    /// This URI with another host.
    public func with(host: String) -> SIPURI { rebuilt(host: host) }
    /// This URI with another port (nil removes it).
    public func with(port: UInt16?) -> SIPURI { rebuilt(port: .some(port)) }
    /// This URI with other parameters.
    public func with(parameters: ParameterList) -> SIPURI { rebuilt(parameters: parameters) }
    /// This URI with other headers (nil removes them, as §12.1.1 does for a Contact's headers).
    public func with(headers: [GenericParameter]) -> SIPURI {
        rebuilt(headers: ParameterList(headers, separator: ASCII.ampersand, leading: ASCII.question))
    }
    /// This URI with the parameter `name` set to `value`.
    public func with(parameter name: String, _ value: String?) -> SIPURI {
        var parameters = self.parameters
        parameters.set(name, value)
        return rebuilt(parameters: parameters)
    }

    private func rebuilt(user: String?? = nil, host: String? = nil, port: UInt16?? = nil,
                         parameters: ParameterList? = nil, headers: ParameterList? = nil) -> SIPURI {
        SIPURI(isSecure: isSecure, user: user ?? self.user, password: user == nil ? password : nil,
               host: host ?? self.host, port: port ?? self.port,
               parameters: parameters ?? self.parameters, headers: headers ?? self.headers)
    }
}

extension SIPURI {
    /// Parses the part after `sip:`/`sips:`; the URI is `scanner`'s range from `uriStart`
    /// to its end (RFC 3261 §25.1 SIP-URI).
    static func parse(_ scanner: ByteScanner, uriStart: Int, secure: Bool) throws(SIPParseError) -> SIPURI {
        let bytes = scanner.bytes
        var index = scanner.index
        let end = scanner.end
        // Escapes are rare: look for '%' once, and check escapes part by part only if found.
        let hasEscapes = bytes.baseAddress.map { memchr($0 + index, Int32(ASCII.percent), end - index) != nil } ?? false
        var userRange: Range<Int>? = nil, passwordRange: Range<Int>? = nil

        // userinfo = ( user / telephone-subscriber ) [ ":" password ] "@". Scan it as if it
        // were there; if no '@' ends it, the URI has no userinfo and the scan is dropped.
        var cursor = CharacterClass.user.span(bytes, from: index, to: end)
        let userEnd = cursor
        var passwordEnd: Int? = nil
        if cursor < end, bytes[cursor] == ASCII.colon {
            cursor = CharacterClass.password.span(bytes, from: cursor + 1, to: end)
            passwordEnd = cursor
        }
        if cursor < end, bytes[cursor] == ASCII.at {
            guard userEnd > index else { throw .malformedURI("empty user part") }
            if hasEscapes { try validateEscapes(bytes, index..<cursor) }
            userRange = index..<userEnd
            if let passwordEnd { passwordRange = (userEnd + 1)..<passwordEnd }
            index = cursor + 1
        }

        // hostport (RFC 3261 §25.1; IPv6 references per RFC 5118).
        let hostStart = index
        if index < end, bytes[index] == ASCII.leftBracket {
            index += 1
            while index < end, ASCII.has(bytes[index], .hex) || bytes[index] == ASCII.colon || bytes[index] == UInt8(ascii: ".") {
                index += 1
            }
            guard index < end, bytes[index] == ASCII.rightBracket,
                  IPLiteral.isIPv6(bytes, (hostStart + 1)..<index) else {
                throw .malformedURI("bad IPv6 reference")
            }
            index += 1
        } else {
            // hostname = *( domainlabel "." ) toplabel [ "." ], or an IPv4 address: labels of
            // letters, digits and inner '-' (underscores tolerated, as seen in the wild).
            var labelStart = index
            while true {
                index = CharacterClass.hostLabel.span(bytes, from: index, to: end)
                let followedByDot = index < end && bytes[index] == UInt8(ascii: ".")
                if index == labelStart {
                    // Only the empty "label" after a final dot (`example.com.`) is allowed.
                    if labelStart == hostStart { throw .malformedURI("missing host") }
                    if followedByDot { throw .malformedURI("empty host label") }
                    break
                }
                if bytes[labelStart] == UInt8(ascii: "-") || bytes[index - 1] == UInt8(ascii: "-") {
                    throw .malformedURI("host label starts or ends with '-'")
                }
                guard followedByDot else { break }
                index += 1
                labelStart = index
            }

        }
        let hostRange = hostStart..<index
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
        let parametersStart = index
        while index < end, bytes[index] == ASCII.semicolon {
            index += 1
            let nameStart = index
            index = CharacterClass.param.span(bytes, from: index, to: end)
            guard index > nameStart else { throw .malformedURI("empty URI parameter name") }
            if hasEscapes { try validateEscapes(bytes, nameStart..<index) }
            if index < end, bytes[index] == ASCII.equals {
                index += 1
                let valueStart = index
                index = CharacterClass.param.span(bytes, from: index, to: end)
                if hasEscapes { try validateEscapes(bytes, valueStart..<index) }
            }
        }

        // headers: "?" header *( "&" header ), header = hname "=" hvalue
        let headersStart = index
        if index < end, bytes[index] == ASCII.question {
            repeat {
                index += 1
                let nameStart = index
                while index < end, ASCII.has(bytes[index], .uriHeader), bytes[index] != ASCII.equals { index += 1 }
                guard index > nameStart, index < end, bytes[index] == ASCII.equals else {
                    throw .malformedURI("bad URI header")
                }
                index += 1
                let valueStart = index
                while index < end, ASCII.has(bytes[index], .uriHeader) || bytes[index] == ASCII.at { index += 1 }
                if hasEscapes { try validateEscapes(bytes, valueStart..<index) }
            } while index < end && bytes[index] == ASCII.ampersand
        }
        guard index == end else {
            throw .malformedURI("unexpected character in '\(bytes.string(uriStart..<end).prefix(80))'")
        }
        return SIPURI(text: scanner.slice(uriStart..<end), userRange: userRange, passwordRange: passwordRange,
                      hostRange: hostRange, isSecure: secure, port: port,
                      parametersRange: parametersStart..<headersStart, headersRange: headersStart..<index)
    }

    /// Every `%` must start a two-hex-digit escape (RFC 3261 §25.1 `escaped`).
    private static func validateEscapes(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(SIPParseError) {
        guard var index = bytes[range].firstIndex(of: ASCII.percent) else { return }
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

}

/// A SIP request or response (RFC 3261 §7): start line, header lines in order, and body.
public struct SIPMessage: Equatable, Sendable {
    /// The first line of a message.
    public enum StartLine: Equatable, Sendable {
        /// `Method SP Request-URI SP SIP-Version` (RFC 3261 §7.1).
        case request(method: SIPMethod, uri: URI, version: String)
        /// `SIP-Version SP Status-Code SP Reason-Phrase` (RFC 3261 §7.2).
        case response(version: String, statusCode: Int, reasonPhrase: String)
    }

    public var startLine: StartLine
    public var headers: SIPHeaders
    public var body: [UInt8]

    public init(startLine: StartLine, headers: SIPHeaders = SIPHeaders(), body: [UInt8] = []) {
        self.startLine = startLine
        self.headers = headers
        self.body = body
    }

    /// A request with the given headers; `Content-Length` is not added automatically.
    public static func request(_ method: SIPMethod, uri: URI, headers: SIPHeaders = SIPHeaders(), body: [UInt8] = []) -> SIPMessage {
        SIPMessage(startLine: .request(method: method, uri: uri, version: SIPMessage.version), headers: headers, body: body)
    }

    /// A response with the given headers; see also `response(to:status:)` (RFC 3261 §8.2.6).
    public static func response(status: Int, reason: String? = nil, headers: SIPHeaders = SIPHeaders(), body: [UInt8] = []) -> SIPMessage {
        SIPMessage(startLine: .response(version: SIPMessage.version, statusCode: status,
                                        reasonPhrase: reason ?? ReasonPhrase.standard(for: status)),
                   headers: headers, body: body)
    }

    /// The only version this implementation speaks (RFC 3261 §7.1).
    public static let version = "SIP/2.0"

    public var isRequest: Bool {
        if case .request = startLine { return true }
        return false
    }

    /// The request method; nil for responses.
    public var method: SIPMethod? {
        if case .request(let method, _, _) = startLine { return method }
        return nil
    }

    /// The Request-URI; nil for responses.
    public var requestURI: URI? {
        if case .request(_, let uri, _) = startLine { return uri }
        return nil
    }

    /// The status code; nil for requests.
    public var statusCode: Int? {
        if case .response(_, let code, _) = startLine { return code }
        return nil
    }

    /// The reason phrase; nil for requests.
    public var reasonPhrase: String? {
        if case .response(_, _, let reason) = startLine { return reason }
        return nil
    }

    /// The SIP-Version text of the start line as received.
    public var version: String {
        switch startLine {
        case .request(_, _, let version), .response(let version, _, _): return version
        }
    }
}

import SIPMessage

/// Requests the transaction layer builds itself: the ACK for a non-2xx final response
/// (RFC 3261 §17.1.1.3) and the CANCEL for a pending INVITE (§9.1).
extension SIPMessage {
    /// The ACK a client INVITE transaction sends for a 300–699 response (RFC 3261 §17.1.1.3):
    /// the INVITE's Request-URI, Call-ID, From, top Via only and CSeq number (method ACK),
    /// the To of the response (with its tag), the Route header fields of the INVITE.
    static func ackForNon2xx(request: SIPMessage, response: SIPMessage) -> SIPMessage {
        derivedRequest(.ack, from: request, to: response.headers.first(.to))
    }

    /// The CANCEL for `request` (RFC 3261 §9.1): same Request-URI, Call-ID, To, From, CSeq
    /// number (method CANCEL), a single Via equal to the request's top Via, the request's
    /// Route header fields; no Require or Proxy-Require, no body.
    static func cancel(for request: SIPMessage) -> SIPMessage {
        derivedRequest(.cancel, from: request, to: nil)
    }

    private static func derivedRequest(_ method: SIPMethod, from request: SIPMessage, to toValue: String?) -> SIPMessage {
        var headers = SIPHeaders()
        if let via = try? request.topVia() {
            headers.append(.via, via.description)
        }
        headers.append(.maxForwards, request.headers.first(.maxForwards) ?? "70")
        if let from = request.headers.first(.from) { headers.append(.from, from) }
        if let to = toValue ?? request.headers.first(.to) { headers.append(.to, to) }
        if let callID = request.headers.first(.callID) { headers.append(.callID, callID) }
        let sequence = (try? request.cseq())?.sequence ?? 0
        headers.append(.cseq, String(sequence) + " " + method.name)
        for route in request.headers.lines(.route) { headers.append(.route, route) }
        headers.append(.contentLength, "0")
        let uri = request.requestURI ?? .sip(SIPURI(host: "invalid"))
        return .request(method, uri: uri, headers: headers)
    }

    /// The To tag, nil when absent or when To does not parse.
    var toTag: String? { (try? to())?.tag }

    /// The From tag, nil when absent or when From does not parse.
    var fromTag: String? { (try? from())?.tag }
}

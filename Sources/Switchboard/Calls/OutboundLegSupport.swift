import SDP
import SIPTransport
import SIPCore
import SIPMessage
import SIPTransaction

extension OutboundInviteConfiguration {
    /// The settings of an INVITE Switchboard places (RFC 3261 §8.1.1): From the `caller`
    /// user at our host (so a phone shows who is calling), Contact and Via ours for the
    /// peer's transport, our SDP `offer`. Nil when `caller` makes no valid URI.
    static func switchboard(caller: String, displayName: String? = nil, addressing: LocalAddressing, offer: [UInt8],
                            ringTimeout: Duration, timers: TransactionTimerValues) -> OutboundInviteConfiguration? {
        guard let fromURI = try? URI("sip:\(PercentEncoding.encodeUser(caller))@\(addressing.uriHost)"),
              let contactURI = try? URI("sip:switchboard@\(addressing.uriHost):\(addressing.port)") else { return nil }
        return OutboundInviteConfiguration(
            from: NameAddress(displayName: displayName, uri: fromURI), contact: NameAddress(uri: contactURI),
            via: LocalVia(transport: addressing.transport.viaToken, host: addressing.uriHost, port: UInt16(clamping: addressing.port)),
            offer: offer, ringTimeout: ringTimeout, timers: timers)
    }
}

/// Answers a request the far end of a leg Switchboard placed sends in its dialog
/// (RFC 3261 §12.2.2): BYE ends it (§15.1.2, `hungUp`), a re-INVITE or UPDATE with an offer
/// is answered on the same port (§14.2, RFC 3311; `newStream` gets the new stream), OPTIONS
/// and INFO get 200, anything else 405.
func answerInDialog(_ request: SIPMessage, transaction: ServerTransactionID, dialog: DialogID,
                    negotiator: inout SessionNegotiator?, contact: String, router: CallRouter, server: SIPServer,
                    refreshHeaders: (SIPMessage) -> [SIPHeader] = { _ in [] },
                    hungUp: () -> Void, newStream: (NegotiatedStream) -> Void) {
    let response: SIPMessage
    switch request.method {
    case .bye?:
        response = SIPMessage.response(to: request, status: 200, reason: "OK")
    case .invite?, .update?:
        if var current = negotiator, !request.body.isEmpty, case .success(let answer) = current.answer(request.body) {
            negotiator = current
            newStream(answer.stream)
            var ok = SIPMessage.response(to: request, status: 200, reason: "OK")
            ok.headers.append(.contact, contact)
            for header in refreshHeaders(request) { ok.headers.append(header.name, header.value) }
            ok.setBody(answer.sdp, contentType: .sdp)
            response = ok
        } else if request.method == .update, request.body.isEmpty {
            // A session refresh without a new offer (RFC 4028 §10, RFC 3311 §5.2).
            var ok = SIPMessage.response(to: request, status: 200, reason: "OK")
            ok.headers.append(.contact, contact)
            for header in refreshHeaders(request) { ok.headers.append(header.name, header.value) }
            response = ok
        } else {
            response = SIPMessage.response(to: request, status: 488, reason: "Not Acceptable Here")
        }
    case .options?, .info?:
        response = SIPMessage.response(to: request, status: 200, reason: "OK")
    default:
        response = SIPMessage.response(to: request, status: 405, reason: "Method Not Allowed")
    }
    server.respond(response, to: transaction)
    if let method = request.method, let sequence = try? request.cseq().sequence {
        router.dialogs[dialog]?.sentResponse(response, to: method, sequence: sequence)
    }
    if request.method == .bye { hungUp() }
}

import SDP
import SIPMessage
import SIPTransaction
import SIPTransport

/// A transaction user for tests and demos before the call layer exists: answers OPTIONS,
/// answers INVITE with `200` and an SDP answer (or only rings, `180`, when the
/// Request-URI user is `ring`, so a CANCEL test has time to cancel), and answers BYE with
/// `200`. It keeps no dialog state: it is a test hook, not a user agent.
public final class TestCallUser: TransactionUser {
    private let options = OptionsOnlyUser()
    /// INVITE transactions answered with 200.
    public private(set) var answered = 0
    /// BYEs answered.
    public private(set) var byes = 0
    /// INVITEs cancelled by the caller.
    public private(set) var cancelled = 0

    public init() {}

    static let allowed: [SIPMethod] = [.invite, .ack, .cancel, .bye, .options]

    public func received(request: SIPMessage, transaction: ServerTransactionID, from peer: SIPPeer, server: SIPServer) {
        switch request.method {
        case .options:
            server.respond(server.optionsResponse(to: request, allowing: Self.allowed), to: transaction)
        case .invite:
            let tag = server.makeTag()
            if request.requestURI?.sipURI?.user == "ring" {
                server.respond(SIPMessage.response(to: request, status: 180, reason: "Ringing", toTag: tag), to: transaction)
                return
            }
            var response = SIPMessage.response(to: request, status: 200, reason: "OK", toTag: tag)
            if let contact = listenerContact(server, peer) { response.headers.append(.contact, contact) }
            response.setBody(Array(Self.answerSDP(for: peer).utf8), contentType: .sdp)
            answered += 1
            server.respond(response, to: transaction)
        case .bye:
            byes += 1
            server.respond(SIPMessage.response(to: request, status: 200, reason: "OK"), to: transaction)
        default:
            options.received(request: request, transaction: transaction, from: peer, server: server)
        }
    }

    public func cancelled(transaction: ServerTransactionID, server: SIPServer) {
        cancelled += 1
    }

    private func listenerContact(_ server: SIPServer, _ peer: SIPPeer) -> String? {
        guard let listener = server.listeners.first(where: { $0.transport == peer.transport }),
              let host = listener.address.ipAddress, let port = listener.address.port else { return nil }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "<sip:switchboard@\(hostPart):\(port);transport=\(peer.transport.rawValue)>"
    }

    /// A fixed PCMU answer; media is not sent (the media layer arrives with its issue).
    static func answerSDP(for peer: SIPPeer) -> String {
        let family = peer.host.contains(":") ? "IP6" : "IP4"
        return "v=0\r\no=switchboard 1 1 IN \(family) \(peer.host)\r\ns=-\r\nc=IN \(family) \(peer.host)\r\nt=0 0\r\n" +
            "m=audio 40000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendrecv\r\n"
    }
}

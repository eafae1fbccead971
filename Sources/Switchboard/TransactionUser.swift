import SIPMessage
import SIPTransaction
import SIPTransport

/// The layer above the transactions (RFC 3261 §8, "transaction user"): it is told about
/// new requests and answers them through the server. Called on the server's event loop.
public protocol TransactionUser: AnyObject {
    /// A new request (not ACK) in its own server transaction; answer with `server.respond`.
    func received(request: SIPMessage, transaction: ServerTransactionID, from peer: SIPPeer, server: SIPServer)
    /// An ACK that belongs to no transaction (the ACK for a 2xx, RFC 3261 §17.1.1.3).
    func received(ack: SIPMessage, from peer: SIPPeer, server: SIPServer)
    /// The INVITE of `transaction` was CANCELled; the layer has already sent 200 to the
    /// CANCEL and 487 to the INVITE (RFC 3261 §9.2).
    func cancelled(transaction: ServerTransactionID, server: SIPServer)
    /// A response in a client transaction started with `server.sendRequest`.
    func received(response: SIPMessage, transaction: ClientTransactionID, server: SIPServer)
    /// A client transaction ended without a final response: Timer B or F (treat as `408`,
    /// RFC 3261 §8.1.3.1), or the transport failed (treat as `503`).
    func failed(transaction: ClientTransactionID, timedOut: Bool, server: SIPServer)
}

extension TransactionUser {
    public func received(ack: SIPMessage, from peer: SIPPeer, server: SIPServer) {}
    public func cancelled(transaction: ServerTransactionID, server: SIPServer) {}
    public func received(response: SIPMessage, transaction: ClientTransactionID, server: SIPServer) {}
    public func failed(transaction: ClientTransactionID, timedOut: Bool, server: SIPServer) {}
}

/// What Switchboard answers before calls exist: `OPTIONS` with `200` (RFC 3261 §11.2:
/// Allow, Accept, Supported), any other known method with `405` and Allow (§8.2.1).
public final class OptionsOnlyUser: TransactionUser {
    public init() {}

    /// The methods this user implements.
    public var allowed: [SIPMethod] { [.options] }

    public func received(request: SIPMessage, transaction: ServerTransactionID, from peer: SIPPeer, server: SIPServer) {
        if request.method == .options {
            server.respond(server.optionsResponse(to: request, allowing: allowed), to: transaction)
        } else {
            var response = SIPMessage.response(to: request, status: 405, reason: "Method Not Allowed", toTag: server.makeTag())
            response.headers.append(.allow, allowed.map(\.name).joined(separator: ", "))
            server.respond(response, to: transaction)
        }
    }
}

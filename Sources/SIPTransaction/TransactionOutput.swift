import SIPMessage

/// What the transaction layer asks of its driver (messages to send) and of its transaction
/// user (requests, responses, failures). The driver appends these to one reused array and
/// acts on them in order.
public enum TransactionOutput: Equatable, Sendable {
    /// Serialize `message` and send it to `to` (RFC 3261 §18).
    case send(SIPMessage, to: TransportFlow)
    /// A new request for the TU, with the server transaction that will carry its responses.
    /// Never an ACK, and never a CANCEL (the layer answers those itself).
    case request(SIPMessage, ServerTransactionID, from: TransportFlow)
    /// An ACK that belongs to no transaction: the ACK for a 2xx (RFC 3261 §17.1.1.3 ends the
    /// transaction before it, RFC 6026 §8.7 passes it up from the Accepted state), or any ACK
    /// matching no INVITE server transaction. For the TU's dialog layer (§13.3.1.4).
    case ackWithoutTransaction(SIPMessage, from: TransportFlow)
    /// A response for the TU's client transaction: provisional, final, and (RFC 6026 §8.4)
    /// each 2xx retransmission to an INVITE while in the Accepted state.
    case response(SIPMessage, ClientTransactionID)
    /// A response that matched no client transaction (RFC 3261 §17.1.3). RFC 6026 (its change
    /// to §18.1.2) tells a UA to discard it; a proxy forwards it. Reported, never acted on.
    case strayResponse(SIPMessage, from: TransportFlow)
    /// A CANCEL matched this INVITE server transaction before its final response: the layer
    /// has already answered the CANCEL with 200 and the INVITE with 487 (RFC 3261 §9.2).
    case cancelled(ServerTransactionID)
    /// Timer H fired: the ACK for a non-2xx final response never came (RFC 3261 §17.2.1).
    case serverTimeout(ServerTransactionID)
    /// Timer B or F fired, or the guard after a CANCEL (RFC 3261 §9.1): the TU treats it as a
    /// 408 (RFC 3261 §8.1.3.1).
    case clientTimeout(ClientTransactionID)
    /// Sending failed for this transaction (RFC 3261 §17.1.4, §17.2.4, §8.1.3.1: a 503 to the
    /// TU); exactly one of the two is set.
    case transportError(ClientTransactionID?, ServerTransactionID?)
    /// The transaction ended and is gone; exactly one of the two is set. Every transaction the
    /// TU started or was given ends with this, once.
    case terminated(client: ClientTransactionID?, server: ServerTransactionID?)
}

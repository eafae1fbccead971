/// Counters kept by the SIP server (read on its event loop).
public struct ServerStats: Sendable, Equatable {
    /// Requests handed to the transaction layer.
    public var requestsAccepted = 0
    /// Requests we sent in client transactions (`sendRequest`, ACKs for 2xx included).
    public var requestsSent = 0
    /// Responses received and handed to the transaction layer.
    public var responsesReceived = 0
    /// Answers sent without a transaction (400, 420, 483, 501, 513 …), by status.
    public var statelessResponses: [Int: Int] = [:]
    /// Messages dropped because no answer could be routed (no usable Via, an ACK, a
    /// response that would not parse).
    public var dropped = 0
    /// Responses that matched no client transaction.
    public var strayResponses = 0

    public init() {}
}

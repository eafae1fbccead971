/// Counters kept by the transport (read on its event loop).
public struct TransportStats: Sendable, Equatable {
    public var datagramsReceived = 0
    public var datagramsSent = 0
    public var streamMessagesReceived = 0
    public var streamMessagesSent = 0
    public var keepAlivePingsAnswered = 0
    public var connectionsAccepted = 0
    public var connectionsRefused = 0
    public var connectionsClosedIdle = 0
    public var connectionsClosedForErrors = 0
    public var sendFailures = 0

    public init() {}
}

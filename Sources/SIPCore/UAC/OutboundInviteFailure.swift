import SIPMessage

/// How an outbound INVITE leg ended without a call: the status that ended it and why.
public struct OutboundInviteFailure: Equatable, Sendable, CustomStringConvertible {
    /// Why, in the terms a flow cares about (`on-busy`, `on-no-answer`, failure).
    public enum Reason: Hashable, Sendable {
        /// `486 Busy Here` or `600 Busy Everywhere`.
        case busy
        /// Our ring timeout cancelled it, or the far side gave up ringing (`480
        /// Temporarily Unavailable`, `408 Request Timeout` from a proxy's Timer C, §16.8).
        case noAnswer
        /// `603 Decline`.
        case declined
        /// The owner cancelled it (`cancel`): the caller hung up, another phone answered.
        case cancelled
        /// No response: Timer B (status 408) or a transport error (status 503), RFC 3261
        /// §8.1.3.1.
        case unreachable
        /// A `401`/`407` that could not be answered, or a second challenge of a realm
        /// already answered (§22.2, §22.3, RFC 7616 §3.3).
        case authenticationFailed
        /// A 3xx whose contacts were all tried already (§8.1.3.4 loop prevention), or none usable.
        case redirectLoop
        /// A 3xx beyond `maxRedirects`.
        case tooManyRedirects
        /// Any other final response (404, 415, 488, 500, 503 …).
        case rejected
    }

    /// The final status: the response's, 408 for a timeout, 503 for a transport error
    /// (§8.1.3.1), 487 when cancelled before sending or when no final came, and 200 when a 2xx
    /// arrived after the leg was cancelled (that dialog is ACKed and ended with a BYE).
    public var status: Int
    public var reason: Reason
    /// The response that ended the leg, when one did.
    public var response: SIPMessage?

    public init(status: Int, reason: Reason, response: SIPMessage? = nil) {
        self.status = status
        self.reason = reason
        self.response = response
    }

    /// The reason for a final response that no other rule (cancel, auth, redirect) handled.
    public static func reason(forStatus status: Int) -> Reason {
        switch status {
        case 486, 600: return .busy
        case 480, 408: return .noAnswer
        case 603: return .declined
        default: return .rejected
        }
    }

    public var description: String { "\(status) \(reason)" }
}

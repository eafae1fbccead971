import SIPMessage
import SIPTransaction

/// What one NOTIFY says (RFC 6665 §4.2.2, §8.2.1, §8.2.3): which event package (and `id`)
/// it reports, the state of the subscription, and the state of the resource as a body.
///
/// The notifier, the REFER recipient and the unsolicited MWI builder all build their NOTIFYs
/// from this one value, so the three agree on header order and spelling.
public struct NotifyContent: Hashable, Sendable {
    /// The Event header: the package of the subscription and its `id`, copied from the
    /// SUBSCRIBE (RFC 6665 §8.2.1) or, for REFER, `refer;id=<CSeq of the REFER>` (RFC 3515 §2.4.6).
    public var event: EventValue
    /// The Subscription-State header (RFC 6665 §8.2.3).
    public var state: SubscriptionStateValue
    /// The body (may be empty) and its type.
    public var body: [UInt8]
    public var contentType: MediaType?

    public init(event: EventValue, state: SubscriptionStateValue, body: [UInt8] = [], contentType: MediaType? = nil) {
        self.event = event
        self.state = state
        self.body = body
        self.contentType = contentType
    }

    /// The Event and Subscription-State header lines, in that order.
    public var headers: [(String, String)] {
        [(HeaderName.event.canonicalName, event.description),
         (HeaderName.subscriptionState.canonicalName, state.description)]
    }

    /// The NOTIFY within `dialog` (RFC 6665 §4.2.2: "NOTIFY requests are sent within the
    /// dialog"; the request is built by RFC 3261 §12.2.1.1 and carries our Contact, §8.1.1.8).
    /// - Throws: `DialogError` when the dialog has ended or `via` has no RFC 3261 branch.
    public func request(in dialog: inout Dialog, via: Via) throws(DialogError) -> DialogRequest {
        try dialog.makeRequest(.notify, via: via, headers: headers, body: body,
                               contentType: body.isEmpty ? nil : contentType)
    }
}

extension SubscriptionStateValue {
    /// `active;expires=N` (RFC 6665 §4.2.2: the remaining time of the subscription, in seconds).
    public static func active(expires: UInt32) -> SubscriptionStateValue {
        SubscriptionStateValue(state: "active", parameters: [GenericParameter(name: "expires", value: String(expires))])
    }

    /// `active;expires=N` with N the time from `now` to `end` (RFC 6665 §4.2.2).
    public static func active(now: SIPInstant, until end: SIPInstant) -> SubscriptionStateValue {
        .active(expires: secondsLeft(from: now, until: end))
    }

    /// Whole seconds from `now` to `end`, rounded up so that a live subscription never says
    /// `expires=0`; 0 once `end` has passed.
    static func secondsLeft(from now: SIPInstant, until end: SIPInstant) -> UInt32 {
        let left = end - now
        guard left > .zero else { return 0 }
        let (seconds, attoseconds) = left.components
        return UInt32(clamping: seconds + (attoseconds > 0 ? 1 : 0))
    }

    /// `active` without an interval, as RFC 3842's example NOTIFY and unsolicited MWI carry.
    public static let activeWithoutExpiry = SubscriptionStateValue(state: "active")

    /// `terminated;reason=…` (RFC 6665 §4.2.2 lists the reasons: `deactivated`, `probation`,
    /// `rejected`, `timeout`, `giveup`, `noresource`, `invariant`).
    public static func terminated(reason: SubscriptionEndReason?) -> SubscriptionStateValue {
        SubscriptionStateValue(state: "terminated",
                               parameters: reason.map { [GenericParameter(name: "reason", value: $0.rawValue)] } ?? [])
    }

    /// Whether the state is `terminated` (case-insensitive, RFC 6665 §8.2.3 tokens).
    public var isTerminated: Bool { state.lowercased() == "terminated" }
}

/// The `reason` of a `terminated` Subscription-State (RFC 6665 §4.2.2).
public enum SubscriptionEndReason: String, Hashable, Sendable {
    /// The notifier ended the subscription; the subscriber may re-subscribe at once.
    case deactivated
    /// The subscription was not refreshed in time, or was ended by `Expires: 0`.
    case timeout
    /// The resource no longer exists, or (REFER, RFC 3515 §2.4.7) its final result is reported.
    case noresource
    /// The notifier refused the subscription after accepting it.
    case rejected
    /// The notifier gave up waiting for authorization.
    case giveup
}

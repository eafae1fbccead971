import SIPMessage
import SIPTransaction

/// What tells one subscription apart (RFC 6665 §4.1.2, §8.2.1): the dialog it lives in,
/// its event package (lower-cased) and the Event header's `id`, if any.
public struct SubscriptionID: Hashable, Sendable, CustomStringConvertible {
    public var dialog: DialogID
    /// The package name, lower-cased (tokens compare case-insensitively).
    public var event: String
    /// The `id` parameter of the Event header (RFC 6665 §8.2.1), compared exactly.
    public var eventID: String?

    public init(dialog: DialogID, event: String, eventID: String?) {
        self.dialog = dialog
        self.event = event.lowercased()
        self.eventID = eventID
    }

    public var description: String { event + (eventID.map { ";id=" + $0 } ?? "") + " in " + dialog.description }
}

/// One subscription a notifier holds: its dialog, what it watches, when it ends, and the
/// NOTIFY in flight (RFC 6665 §4.2). Kept and changed only by `Notifier`.
public struct Subscription: Hashable, Sendable {
    public let id: SubscriptionID
    /// The Event header of the SUBSCRIBE, echoed in every NOTIFY (RFC 6665 §8.2.1).
    public let event: EventValue
    /// What the subscription watches (for message-summary, the mailbox).
    public let resource: String
    /// The dialog the SUBSCRIBE created; NOTIFYs are built in it (RFC 6665 §4.4.1).
    public internal(set) var dialog: Dialog
    /// When the subscription expires unless refreshed (RFC 6665 §4.2.1.1, §4.2.2).
    public internal(set) var expiresAt: SIPInstant
    /// The CSeq of the NOTIFY sent and not yet answered finally, if any.
    public internal(set) var notifyInFlight: UInt32?
    /// The state changed while a NOTIFY was in flight: send the latest state once it is answered.
    public internal(set) var changedWhileInFlight: Bool = false

    init(id: SubscriptionID, event: EventValue, resource: String, dialog: Dialog, expiresAt: SIPInstant) {
        self.id = id
        self.event = event
        self.resource = resource
        self.dialog = dialog
        self.expiresAt = expiresAt
    }

    /// Whole seconds left at `now`, rounded up (0 once expired): the `expires` of
    /// `Subscription-State: active` (RFC 6665 §4.2.2 — the remaining time, not the original).
    public func remainingSeconds(at now: SIPInstant) -> UInt32 { SubscriptionStateValue.secondsLeft(from: now, until: expiresAt) }
}

/// Why a subscription is gone.
public enum SubscriptionRemoval: Hashable, Sendable {
    /// It was not refreshed in time; `terminated;reason=timeout` was sent (RFC 6665 §4.2.2).
    case expired
    /// The subscriber sent `Expires: 0` — or fetched state with an initial `Expires: 0`
    /// (RFC 6665 §4.1.2.3, §4.4.3); the final NOTIFY was sent.
    case unsubscribed
    /// A NOTIFY failed with this status — `481`, an error response, or `408` for a timeout
    /// (RFC 6665 §4.2.2). No NOTIFY was sent.
    case notifyFailed(status: Int)
    /// The integrator ended it with `terminate(_:reason:now:newVia:)`; the final NOTIFY was sent.
    case terminated(SubscriptionEndReason)
    /// No NOTIFY could be built in the dialog (the Via factory gave a Via without a branch,
    /// or the local CSeq ran out). Nothing was sent.
    case cannotNotify(DialogError)
}

import SIPMessage

/// What a notifier accepts and says about itself (RFC 6665 §4.2.1.1). Intervals in seconds.
public struct NotifierConfiguration: Sendable, Equatable {
    /// Our Contact: in the 2xx to each SUBSCRIBE (RFC 3261 §12.1.1) and, as the dialog's
    /// local contact, in every NOTIFY (RFC 3261 §8.1.1.8, §12.2.1.1).
    public var contact: NameAddress
    /// A non-zero Expires below this is answered `423 Interval Too Brief` with Min-Expires
    /// (RFC 6665 §4.2.1.1).
    public var minExpires: UInt32
    /// A longer Expires is shortened to this (RFC 6665 §4.2.1.1: the notifier may shorten,
    /// never lengthen, the interval; the 2xx's Expires says what was granted).
    public var maxExpires: UInt32

    /// Live subscriptions the notifier holds at most; a new SUBSCRIBE beyond it is answered
    /// `503 Service Unavailable` (RFC 3261 §21.5.4), so a flood cannot grow the table without bound.
    public var maxSubscriptions: Int

    public init(contact: NameAddress, minExpires: UInt32 = 60, maxExpires: UInt32 = 3600, maxSubscriptions: Int = 10_000) {
        self.contact = contact
        self.maxSubscriptions = max(maxSubscriptions, 1)
        self.minExpires = minExpires
        self.maxExpires = max(maxExpires, max(minExpires, 1))
    }
}

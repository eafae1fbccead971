/// A mailbox's message counts, for listings and message-waiting indication (RFC 3842).
public struct MessageCounts: Hashable, Sendable, Codable {
    /// Messages in the `new` folder.
    public var new: Int
    /// Messages in the `saved` folder.
    public var saved: Int
    /// Messages (in either folder) the owner has not listened to.
    public var unheard: Int

    public init(new: Int = 0, saved: Int = 0, unheard: Int = 0) {
        self.new = new
        self.saved = saved
        self.unheard = unheard
    }

    /// All messages.
    public var total: Int { new + saved }

    /// The `Voice-Message: new/old` pair of an RFC 3842 message-summary body: unheard
    /// messages are "new", the rest "old". A phone's lamp is lit while `new > 0`.
    public var messageSummary: (new: Int, old: Int) { (unheard, total - unheard) }
}

/// What a mailbox may hold: a message count and bounds on one message's length.
public struct MailboxLimits: Hashable, Sendable, Codable {
    /// Most messages (new and saved together, recordings in progress included); a deposit
    /// beyond it is refused with `VoicemailError.mailboxFull`.
    public var maxMessages: Int
    /// Longest message in seconds: the recorder stops there (`RecordingTicket.maxDuration`).
    public var maxSeconds: Int
    /// Shortest message worth keeping, in seconds: a shorter committed recording is discarded
    /// (a caller who hangs up at the beep leaves nothing). 0 keeps everything.
    public var minSeconds: Int

    /// Defaults: 100 messages of 1 to 180 seconds.
    public init(maxMessages: Int = 100, maxSeconds: Int = 180, minSeconds: Int = 1) {
        self.maxMessages = maxMessages
        self.maxSeconds = maxSeconds
        self.minSeconds = minSeconds
    }

    /// Checks the limits make sense: at least one message, `0 ≤ minSeconds ≤ maxSeconds`,
    /// `maxSeconds ≥ 1`.
    public func validate() throws(VoicemailError) {
        guard maxMessages >= 1 else { throw .invalidLimits("max-messages must be at least 1") }
        guard maxSeconds >= 1 else { throw .invalidLimits("max-seconds must be at least 1") }
        guard minSeconds >= 0, minSeconds <= maxSeconds else {
            throw .invalidLimits("min-seconds must be between 0 and max-seconds (\(maxSeconds))")
        }
    }
}

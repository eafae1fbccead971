import Foundation

/// A deposit in progress, handed out by `VoicemailStore.beginRecording`: the file the
/// recorder writes to, and the limit it must stop at. The message it will become is not
/// visible (not listed, not counted for MWI) until `commitRecording`; it does count against
/// the mailbox's `maxMessages`, so concurrent callers cannot overfill a mailbox.
public struct RecordingTicket: Hashable, Sendable {
    /// The future message's id.
    public let id: UUID
    /// The mailbox being recorded into.
    public let mailbox: String
    /// Where the recorder must write the WAV (its folder exists).
    public let audioFile: URL
    /// Longest recording the mailbox accepts (its `maxSeconds`).
    public let maxDuration: Duration
    /// When the recording started.
    public let startedAt: Date

    public init(id: UUID, mailbox: String, audioFile: URL, maxDuration: Duration, startedAt: Date) {
        self.id = id
        self.mailbox = mailbox
        self.audioFile = audioFile
        self.maxDuration = maxDuration
        self.startedAt = startedAt
    }
}

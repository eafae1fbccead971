import Foundation

/// One deposited voicemail message and its audio.
public struct VoicemailMessage: Hashable, Sendable, Codable, Identifiable {
    /// The message's identity, also its audio file's name (`<id>.wav`); a UUID so that
    /// several nodes can create messages without coordinating.
    public var id: UUID
    /// The mailbox it belongs to.
    public var mailbox: String
    /// `new` until the owner saves it.
    public var folder: MessageFolder
    /// Who called.
    public var caller: VoicemailCaller
    /// The number that was dialled (the Request-URI user), e.g. the department's extension.
    public var calledNumber: String
    /// When the recording started.
    public var receivedAt: Date
    /// The length of the audio.
    public var duration: Duration
    /// The WAV file (16-bit PCM, as the recorder writes it).
    public var audioFile: URL
    /// Whether the owner has listened to it.
    public var heard: Bool

    public init(id: UUID, mailbox: String, folder: MessageFolder, caller: VoicemailCaller, calledNumber: String,
                receivedAt: Date, duration: Duration, audioFile: URL, heard: Bool) {
        self.id = id
        self.mailbox = mailbox
        self.folder = folder
        self.caller = caller
        self.calledNumber = calledNumber
        self.receivedAt = receivedAt
        self.duration = duration
        self.audioFile = audioFile
        self.heard = heard
    }
}

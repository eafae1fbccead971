import Foundation

/// Where mailboxes and messages live: metadata in a database, audio as WAV files.
///
/// The SQLite implementation is `Storage.SQLiteVoicemailStore`; a PostgreSQL one (for a
/// cluster) can be added behind this protocol without touching callers. Every method is
/// async so an implementation never blocks an event loop, and every method that changes a
/// mailbox's counts publishes its number on `mailboxChanges()`.
///
/// **Deposits are two-phase.** `beginRecording` reserves a message (it counts against the
/// mailbox's `maxMessages` at once, so concurrent callers cannot overfill a mailbox) and
/// names the file the recorder writes; nothing is visible yet. `commitRecording` syncs the
/// audio to disk (fsync) and only then makes the message visible, atomically.
/// `discardRecording` drops it. A process that dies in between leaves a reservation that
/// `recoverInterruptedRecordings()` resolves at the next start: the audio on disk is kept
/// as a message with its real length, or removed when there is none.
///
/// **PINs** are stored only as `PINHash`es; `setPIN` and `verifyPIN` (in an extension) hash
/// with `PINHasher` off the caller's executor. Guessing is limited by a `PINGuard`.
public protocol VoicemailStore: Sendable {
    // MARK: Mailboxes

    /// Adds a mailbox. Throws `mailboxExists`, `invalidMailboxNumber` or `invalidLimits`.
    func createMailbox(_ mailbox: Mailbox) async throws
    /// Replaces a mailbox's owner name, greeting and limits (not its PIN: `setPINHash`).
    /// Throws `mailboxNotFound`.
    func updateMailbox(_ mailbox: Mailbox) async throws
    /// The mailbox with this number, or nil.
    func mailbox(_ number: String) async throws -> Mailbox?
    /// Every mailbox, by number.
    func mailboxes() async throws -> [Mailbox]
    /// Removes a mailbox with all its messages and their audio. Throws `mailboxNotFound`.
    func removeMailbox(_ number: String) async throws

    /// Stores a PIN hash for a mailbox (nil removes the PIN). Throws `mailboxNotFound`.
    func setPINHash(_ hash: PINHash?, for mailbox: String) async throws

    // MARK: Deposits

    /// Reserves a message in `mailbox` and returns where to record it. Throws
    /// `mailboxNotFound`, or `mailboxFull` — the flow tells the caller and does not record.
    func beginRecording(mailbox: String, caller: VoicemailCaller, calledNumber: String, at time: Date) async throws
        -> RecordingTicket
    /// Syncs the ticket's audio file to disk and makes the message visible in the `new`
    /// folder with `duration`; a recording shorter than the mailbox's `minSeconds` is
    /// discarded instead. Call it once the recorder has finished (closed) the file. Throws
    /// `unknownTicket`, or `audioMissing` when there is no file (the reservation is dropped).
    func commitRecording(_ ticket: RecordingTicket, duration: Duration) async throws -> RecordingOutcome
    /// Drops a reservation and its audio file (the caller hung up before the beep, say).
    /// Dropping an unknown ticket does nothing.
    func discardRecording(_ ticket: RecordingTicket) async throws
    /// At start-up, before any call is taken: every reservation left by an earlier process
    /// becomes a message when its WAV has audio (its duration read from the file, its header
    /// repaired) and is removed when the file is empty or missing; audio files belonging to
    /// no message are removed. Never call it while another process records into the same
    /// store.
    func recoverInterruptedRecordings() async throws -> RecoveryReport

    // MARK: Messages

    /// The visible messages of `mailbox`, in `folder` or in both when nil, oldest first.
    func messages(in mailbox: String, folder: MessageFolder?) async throws -> [VoicemailMessage]
    /// One visible message, or nil.
    func message(_ id: UUID) async throws -> VoicemailMessage?
    /// The mailbox's counts (for MWI and listings). Throws `mailboxNotFound`.
    func counts(for mailbox: String) async throws -> MessageCounts
    /// Marks a message listened to. Throws `messageNotFound`.
    func markHeard(_ id: UUID) async throws
    /// Files a message in `saved`. Throws `messageNotFound`.
    func moveToSaved(_ id: UUID) async throws
    /// Deletes a message and its audio. Throws `messageNotFound`.
    func deleteMessage(_ id: UUID) async throws

    // MARK: Notifications

    /// Numbers of mailboxes whose messages changed, from now on (see
    /// `MailboxChangeBroadcaster`); each call returns a new, independent stream.
    func mailboxChanges() -> AsyncStream<String>
}

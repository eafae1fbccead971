import Foundation

/// What `VoicemailStore.recoverInterruptedRecordings()` found after a crash.
public struct RecoveryReport: Hashable, Sendable {
    /// Recordings that were never committed but had audio: now visible messages, with the
    /// duration read from their files.
    public var recovered: [VoicemailMessage] = []
    /// Recordings that were never committed and had no audio (or no file): removed.
    /// Quarantined ones are listed here too.
    public var removedEmpty: [UUID] = []
    /// Files of interrupted recordings that are not empty but cannot be read as WAV: moved
    /// aside (not deleted) for a human to look at; their reservations are removed.
    public var quarantinedFiles: [URL] = []
    /// Interrupted recordings left as they were because their file could neither be read nor
    /// moved aside (a permission problem, say); the next start tries again.
    public var unresolved: [UUID] = []
    /// Audio files with no message (a delete interrupted between row and file): removed.
    public var removedOrphanFiles: [URL] = []

    public init(recovered: [VoicemailMessage] = [], removedEmpty: [UUID] = [], quarantinedFiles: [URL] = [],
                unresolved: [UUID] = [], removedOrphanFiles: [URL] = []) {
        self.recovered = recovered
        self.removedEmpty = removedEmpty
        self.quarantinedFiles = quarantinedFiles
        self.unresolved = unresolved
        self.removedOrphanFiles = removedOrphanFiles
    }

    /// Whether nothing needed doing.
    public var isEmpty: Bool {
        recovered.isEmpty && removedEmpty.isEmpty && quarantinedFiles.isEmpty && unresolved.isEmpty && removedOrphanFiles.isEmpty
    }
}

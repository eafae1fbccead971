import Foundation
import Storage
import TestSupport
import Voicemail

/// A temporary data directory per test, removed by `cleanUp()`; helpers to deposit messages.
struct StorageFixture {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("storage-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Opens (or reopens, as after a restart) the stores in the directory.
    func open() throws -> SwitchboardStores { try SwitchboardStores.open(dataDirectory: directory) }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }

    /// Cheap scrypt parameters for tests.
    static let hasher = PINHasher(parameters: ScryptParameters(logN: 5))

    static let at = Date(timeIntervalSince1970: 1_795_000_000.123)
    static let caller = VoicemailCaller(number: "+4930123456", name: "Erika Mustermann")

    /// Creates mailbox `number` with `limits`.
    @discardableResult
    static func mailbox(_ store: some VoicemailStore, _ number: String = "201",
                        limits: MailboxLimits = MailboxLimits()) async throws -> Mailbox {
        let mailbox = Mailbox(number: number, ownerName: "Alice Example", limits: limits)
        try await store.createMailbox(mailbox)
        return mailbox
    }

    /// Begins, writes `frames` of 8 kHz audio, commits with the file's duration.
    static func deposit(_ store: some VoicemailStore, _ mailbox: String = "201", frames: Int = 16_000,
                        at time: Date = StorageFixture.at) async throws -> RecordingOutcome {
        let ticket = try await store.beginRecording(mailbox: mailbox, caller: caller, calledNumber: "100", at: time)
        try WAVBytes.pcm16(frames: frames).write(to: ticket.audioFile)
        return try await store.commitRecording(ticket, duration: .milliseconds(frames / 8))
    }
}

extension RecordingOutcome {
    /// The saved message, or nil.
    var message: VoicemailMessage? {
        if case .saved(let message) = self { return message }
        return nil
    }
}

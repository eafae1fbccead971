import Flows
import Foundation
import Synchronization
import Voicemail

/// A `VoicemailStore` that forwards to another and tells a simulated call's trace what
/// changed: messages saved, discarded, moved, deleted; PINs and greetings set. It also names
/// message files for the trace ("message from 5550123").
final class ReportingVoicemailStore: VoicemailStore {
    private let base: any VoicemailStore
    private let session: SimulatedCallSession
    private let labels = Mutex<[String: String]>([:])

    init(_ base: any VoicemailStore, reportingTo session: SimulatedCallSession) {
        self.base = base
        self.session = session
    }

    /// How the trace names the audio file at `url`.
    func label(of url: URL) -> String {
        labels.withLock { $0[url.path] } ?? (url.path.contains("/.greetings/") ? "the mailbox's greeting" : "the recording")
    }

    private func report(_ text: String) async { await session.report(.voicemailActivity(text)) }

    private func describe(_ message: VoicemailMessage) -> String {
        "message from \(message.caller.number ?? "an unknown caller") (\(message.duration.flowText))"
    }

    private func describe(_ id: UUID) async -> String {
        guard let message = try? await base.message(id) else { return "message \(id.uuidString.prefix(8).lowercased())" }
        return describe(message)
    }

    func createMailbox(_ mailbox: Mailbox) async throws { try await base.createMailbox(mailbox) }

    func updateMailbox(_ mailbox: Mailbox) async throws {
        let old = try await base.mailbox(mailbox.number)
        try await base.updateMailbox(mailbox)
        if old?.greetingPath != mailbox.greetingPath { await report("mailbox \(mailbox.number): new greeting") }
    }

    func mailbox(_ number: String) async throws -> Mailbox? { try await base.mailbox(number) }
    func mailboxes() async throws -> [Mailbox] { try await base.mailboxes() }
    func removeMailbox(_ number: String) async throws { try await base.removeMailbox(number) }

    func setPINHash(_ hash: PINHash?, for mailbox: String) async throws {
        try await base.setPINHash(hash, for: mailbox)
        await report("mailbox \(mailbox): PIN changed")
    }

    func beginRecording(mailbox: String, caller: VoicemailCaller, calledNumber: String, at time: Date) async throws
        -> RecordingTicket {
        do {
            return try await base.beginRecording(mailbox: mailbox, caller: caller, calledNumber: calledNumber, at: time)
        } catch {
            if case VoicemailError.mailboxFull = error { await report("mailbox \(mailbox) is full") }
            throw error
        }
    }

    func commitRecording(_ ticket: RecordingTicket, duration: Duration) async throws -> RecordingOutcome {
        let outcome = try await base.commitRecording(ticket, duration: duration)
        switch outcome {
        case .saved(let message): await report("saved \(describe(message)) in mailbox \(message.mailbox)")
        case .tooShort: await report("discarded a message shorter than mailbox \(ticket.mailbox)'s minimum")
        }
        return outcome
    }

    func discardRecording(_ ticket: RecordingTicket) async throws {
        try await base.discardRecording(ticket)
        await report("discarded the recording")
    }

    func recoverInterruptedRecordings() async throws -> RecoveryReport { try await base.recoverInterruptedRecordings() }

    func messages(in mailbox: String, folder: MessageFolder?) async throws -> [VoicemailMessage] {
        let found = try await base.messages(in: mailbox, folder: folder)
        labels.withLock { labels in
            for message in found { labels[message.audioFile.path] = "message from \(message.caller.number ?? "an unknown caller")" }
        }
        return found
    }

    func message(_ id: UUID) async throws -> VoicemailMessage? { try await base.message(id) }
    func counts(for mailbox: String) async throws -> MessageCounts { try await base.counts(for: mailbox) }
    func markHeard(_ id: UUID) async throws { try await base.markHeard(id) }

    func moveToSaved(_ id: UUID) async throws {
        let what = await describe(id)
        try await base.moveToSaved(id)
        await report("moved \(what) to saved")
    }

    func deleteMessage(_ id: UUID) async throws {
        let what = await describe(id)
        try await base.deleteMessage(id)
        await report("deleted \(what)")
    }

    func mailboxChanges() -> AsyncStream<String> { base.mailboxChanges() }
}

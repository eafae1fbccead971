import Foundation
import Storage
import Testing
import TestSupport
import Voicemail

private typealias F = StorageFixture

/// A crash in the middle of a deposit must never lose the caller's message.
@Suite("Voicemail recovery after a crash")
struct RecoveryTests {
    @Test("Reopened after a crash: a half-written WAV becomes a message with its real length; empty ones vanish")
    func crashMidRecording() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        // The process that crashes: three deposits in progress, none committed.
        let crashed = try fixture.open().voicemail
        try await F.mailbox(crashed)
        try await F.mailbox(crashed, "202")
        let talking = try await crashed.beginRecording(mailbox: "201", caller: F.caller, calledNumber: "100", at: F.at)
        let headerOnly = try await crashed.beginRecording(mailbox: "201", caller: F.caller, calledNumber: "100", at: F.at)
        let noFile = try await crashed.beginRecording(mailbox: "202", caller: F.caller, calledNumber: "100", at: F.at)
        // 2.75 s of audio under a header whose sizes were never finalised, plus a torn sample.
        var partial = WAVBytes.pcm16(frames: 22_000, riffSize: 0, dataSize: 0)
        partial.append(0x42)
        try partial.write(to: talking.audioFile)
        try WAVBytes.pcm16(frames: 0, riffSize: 0, dataSize: 0).write(to: headerOnly.audioFile)
        // An orphan: a deleted message whose file outlived its row.
        let orphan = crashed.audioDirectory.appendingPathComponent("202/0b1c2d3e-0000-4000-8000-000000000000.wav")
        try WAVBytes.pcm16(frames: 800).write(to: orphan)
        #expect(try await crashed.messages(in: "201", folder: nil).isEmpty)

        // The restart.
        let restarted = try fixture.open().voicemail
        let changes = restarted.mailboxChanges()
        let report = try await restarted.recoverInterruptedRecordings()
        #expect(report.recovered.map(\.id) == [talking.id])
        #expect(Set(report.removedEmpty) == [headerOnly.id, noFile.id])
        #expect(report.removedOrphanFiles.map(\.lastPathComponent) == [orphan.lastPathComponent])
        #expect(report.quarantinedFiles.isEmpty)

        let message = try #require(try await restarted.message(talking.id))
        #expect(message.duration == .milliseconds(2750))
        #expect(message.folder == .new && !message.heard && message.caller == F.caller)
        #expect(try await restarted.counts(for: "201") == MessageCounts(new: 1, saved: 0, unheard: 1))
        // The header is repaired so any player reads the file.
        let info = try WAVFile.inspect(message.audioFile)
        #expect(info.headerIsFinal && info.duration == .milliseconds(2750))
        #expect(!FileManager.default.fileExists(atPath: headerOnly.audioFile.path))
        #expect(!FileManager.default.fileExists(atPath: orphan.path))
        var iterator = changes.makeAsyncIterator()
        #expect(await iterator.next() == "201")  // MWI for the recovered message

        // Slots held by the dead recordings are free again; a second recovery finds nothing.
        #expect(try await restarted.counts(for: "202").total == 0)
        #expect(try await restarted.recoverInterruptedRecordings().isEmpty)
    }

    @Test("Recovery leaves this process's own recordings in progress alone")
    func ownRecordings() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        try await F.mailbox(store)
        let live = try await store.beginRecording(mailbox: "201", caller: F.caller, calledNumber: "100", at: F.at)
        try WAVBytes.pcm16(frames: 8000, riffSize: 0, dataSize: 0).write(to: live.audioFile)
        #expect(try await store.recoverInterruptedRecordings().isEmpty)
        #expect(try await store.commitRecording(live, duration: .seconds(1)).message != nil)
    }

    @Test("A non-empty file that is not a WAV is moved aside, not deleted")
    func quarantine() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let crashed = try fixture.open().voicemail
        try await F.mailbox(crashed)
        let ticket = try await crashed.beginRecording(mailbox: "201", caller: F.caller, calledNumber: "100", at: F.at)
        try Data("not a wav, but someone's bytes".utf8).write(to: ticket.audioFile)
        let restarted = try fixture.open().voicemail
        let report = try await restarted.recoverInterruptedRecordings()
        #expect(report.removedEmpty == [ticket.id])
        #expect(report.quarantinedFiles.map(\.lastPathComponent) == [ticket.audioFile.lastPathComponent])
        let kept = restarted.damagedAudioDirectory.appendingPathComponent(ticket.audioFile.lastPathComponent)
        #expect(try Data(contentsOf: kept) == Data("not a wav, but someone's bytes".utf8))
        #expect(try await restarted.counts(for: "201").total == 0)
    }
}

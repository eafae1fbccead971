import Foundation
import Storage
import Testing
import TestSupport
import Voicemail

private typealias F = StorageFixture

/// The SQLite voicemail store: mailboxes, deposits, folders, counts, limits, PINs, MWI events.
@Suite("SQLite voicemail store")
struct VoicemailStoreTests {
    @Test("Mailbox CRUD round-trips every field; duplicates, bad numbers and unknown mailboxes are errors")
    func mailboxes() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        let pin = try F.hasher.hash("1234")
        let sales = Mailbox(number: "sales", ownerName: "Sales team", pinHash: pin, greetingPath: "/greetings/sales.wav",
                            limits: MailboxLimits(maxMessages: 7, maxSeconds: 60, minSeconds: 2))
        try await store.createMailbox(sales)
        try await F.mailbox(store, "201")
        #expect(try await store.mailbox("sales") == sales)
        #expect(try await store.mailboxes().map(\.number) == ["201", "sales"])
        await #expect(throws: VoicemailError.mailboxExists("sales")) { try await store.createMailbox(sales) }
        await #expect(throws: VoicemailError.invalidMailboxNumber("../x")) {
            try await store.createMailbox(Mailbox(number: "../x", ownerName: "x"))
        }
        await #expect(throws: VoicemailError.self) {
            try await store.createMailbox(Mailbox(number: "9", ownerName: "x", limits: MailboxLimits(maxMessages: 0)))
        }

        var changed = sales
        changed.ownerName = "Sales"
        changed.limits.maxMessages = 9
        changed.pinHash = nil  // updateMailbox leaves the PIN alone
        try await store.updateMailbox(changed)
        changed.pinHash = pin
        #expect(try await store.mailbox("sales") == changed)
        await #expect(throws: VoicemailError.mailboxNotFound("nope")) {
            try await store.updateMailbox(Mailbox(number: "nope", ownerName: "x"))
        }

        try await store.removeMailbox("sales")
        #expect(try await store.mailbox("sales") == nil)
        await #expect(throws: VoicemailError.mailboxNotFound("sales")) { try await store.removeMailbox("sales") }
        await #expect(throws: VoicemailError.mailboxNotFound("sales")) { try await store.counts(for: "sales") }
    }

    @Test("A deposit is invisible until committed, then listed with every field, counted, and survives reopening")
    func deposit() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        try await F.mailbox(store)
        let ticket = try await store.beginRecording(mailbox: "201", caller: F.caller, calledNumber: "100", at: F.at)
        #expect(ticket.audioFile.path.hasSuffix("/voicemail/201/\(ticket.id.uuidString.lowercased()).wav"))
        #expect(ticket.maxDuration == .seconds(180))
        try WAVBytes.pcm16(frames: 20_000).write(to: ticket.audioFile)
        #expect(try await store.messages(in: "201", folder: nil).isEmpty)
        #expect(try await store.counts(for: "201") == MessageCounts())
        #expect(try await store.message(ticket.id) == nil)

        let outcome = try await store.commitRecording(ticket, duration: .milliseconds(2500))
        let expected = VoicemailMessage(id: ticket.id, mailbox: "201", folder: .new, caller: F.caller, calledNumber: "100",
                                        receivedAt: ticket.startedAt, duration: .milliseconds(2500),
                                        audioFile: ticket.audioFile, heard: false)
        #expect(outcome == .saved(expected))
        #expect(abs(ticket.startedAt.timeIntervalSince(F.at)) < 0.001)
        #expect(try await store.messages(in: "201", folder: nil) == [expected])
        #expect(try await store.messages(in: "201", folder: .new) == [expected])
        #expect(try await store.messages(in: "201", folder: .saved).isEmpty)
        #expect(try await store.counts(for: "201") == MessageCounts(new: 1, saved: 0, unheard: 1))
        await #expect(throws: VoicemailError.unknownTicket(ticket.id)) {
            try await store.commitRecording(ticket, duration: .seconds(1))
        }

        let reopened = try fixture.open().voicemail
        #expect(try await reopened.message(ticket.id) == expected)
    }

    @Test("Heard, saved, deleted: counts follow and the audio goes with the message")
    func folders() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        try await F.mailbox(store)
        let first = try #require(try await F.deposit(store, at: F.at).message)
        let second = try #require(try await F.deposit(store, at: F.at.addingTimeInterval(60)).message)
        #expect(try await store.messages(in: "201", folder: nil).map(\.id) == [first.id, second.id])  // oldest first

        try await store.markHeard(first.id)
        #expect(try await store.counts(for: "201") == MessageCounts(new: 2, saved: 0, unheard: 1))
        try await store.moveToSaved(first.id)
        #expect(try await store.counts(for: "201") == MessageCounts(new: 1, saved: 1, unheard: 1))
        #expect(try await store.messages(in: "201", folder: .saved).map(\.id) == [first.id])
        #expect(try await store.message(first.id)?.heard == true)

        try await store.deleteMessage(second.id)
        #expect(!FileManager.default.fileExists(atPath: second.audioFile.path))
        #expect(FileManager.default.fileExists(atPath: first.audioFile.path))
        #expect(try await store.counts(for: "201") == MessageCounts(new: 0, saved: 1, unheard: 0))
        await #expect(throws: VoicemailError.messageNotFound(second.id)) { try await store.deleteMessage(second.id) }
        await #expect(throws: VoicemailError.messageNotFound(second.id)) { try await store.markHeard(second.id) }
        await #expect(throws: VoicemailError.messageNotFound(second.id)) { try await store.moveToSaved(second.id) }

        try await store.removeMailbox("201")
        #expect(!FileManager.default.fileExists(atPath: first.audioFile.path))
        #expect(try await store.message(first.id) == nil)
    }

    @Test("Too short is discarded with its file; discard drops a reservation; a commit without audio is refused")
    func discards() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        try await F.mailbox(store, limits: MailboxLimits(maxMessages: 1, maxSeconds: 60, minSeconds: 2))
        let short = try await store.beginRecording(mailbox: "201", caller: F.caller, calledNumber: "100", at: F.at)
        try WAVBytes.pcm16(frames: 8000).write(to: short.audioFile)
        #expect(try await store.commitRecording(short, duration: .milliseconds(1999)) == .tooShort(.milliseconds(1999)))
        #expect(!FileManager.default.fileExists(atPath: short.audioFile.path))

        let dropped = try await store.beginRecording(mailbox: "201", caller: F.caller, calledNumber: "100", at: F.at)
        try WAVBytes.pcm16(frames: 8000).write(to: dropped.audioFile)
        try await store.discardRecording(dropped)
        #expect(!FileManager.default.fileExists(atPath: dropped.audioFile.path))
        try await store.discardRecording(dropped)  // twice: nothing to do

        let silent = try await store.beginRecording(mailbox: "201", caller: F.caller, calledNumber: "100", at: F.at)
        await #expect(throws: VoicemailError.audioMissing(silent.audioFile)) {
            try await store.commitRecording(silent, duration: .seconds(5))
        }
        // Every slot is free again (the limit is 1).
        #expect(try await F.deposit(store).message != nil)
        #expect(try await store.counts(for: "201").total == 1)
    }

    @Test("A full mailbox refuses deposits, counting recordings in progress; a freed slot takes one again")
    func limits() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        try await F.mailbox(store, limits: MailboxLimits(maxMessages: 2))
        let saved = try #require(try await F.deposit(store).message)
        let inProgress = try await store.beginRecording(mailbox: "201", caller: F.caller, calledNumber: "100", at: F.at)
        await #expect(throws: VoicemailError.mailboxFull(mailbox: "201", maxMessages: 2)) {
            try await store.beginRecording(mailbox: "201", caller: F.caller, calledNumber: "100", at: F.at)
        }
        try await store.discardRecording(inProgress)
        _ = try await store.beginRecording(mailbox: "201", caller: F.caller, calledNumber: "100", at: F.at)
        await #expect(throws: VoicemailError.mailboxFull(mailbox: "201", maxMessages: 2)) { try await F.deposit(store) }
        try await store.deleteMessage(saved.id)
        #expect(try await F.deposit(store).message != nil)
        await #expect(throws: VoicemailError.mailboxNotFound("999")) {
            try await store.beginRecording(mailbox: "999", caller: F.caller, calledNumber: "100", at: F.at)
        }
    }

    @Test("Concurrent deposits to one mailbox: exactly the limit is stored, the rest are told it is full")
    func concurrentDeposits() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        try await F.mailbox(store, limits: MailboxLimits(maxMessages: 5))
        try await F.mailbox(store, "big")
        struct NotSaved: Error {}
        let results = await withTaskGroup(of: (String, Result<UUID, any Error>).self) { group in
            for index in 0..<24 {
                let mailbox = index.isMultiple(of: 2) ? "201" : "big"
                group.addTask {
                    do {
                        let outcome = try await F.deposit(store, mailbox, frames: 8000 + index,
                                                          at: F.at.addingTimeInterval(Double(index)))
                        guard let message = outcome.message else { return (mailbox, .failure(NotSaved())) }
                        return (mailbox, .success(message.id))
                    } catch {
                        return (mailbox, .failure(error))
                    }
                }
            }
            var results: [(String, Result<UUID, any Error>)] = []
            for await result in group { results.append(result) }
            return results
        }
        let small = results.filter { $0.0 == "201" }
        let savedSmall = small.compactMap { try? $0.1.get() }
        let refused = small.compactMap { entry -> VoicemailError? in
            if case .failure(let error) = entry.1 { return error as? VoicemailError }
            return nil
        }
        #expect(savedSmall.count == 5)
        #expect(refused.count == 7)
        #expect(refused.allSatisfy { $0 == .mailboxFull(mailbox: "201", maxMessages: 5) })
        #expect(results.filter { $0.0 == "big" }.allSatisfy { (try? $0.1.get()) != nil })
        #expect(try await store.counts(for: "201") == MessageCounts(new: 5, saved: 0, unheard: 5))
        #expect(try await store.counts(for: "big").new == 12)
        let listed = try await store.messages(in: "201", folder: nil)
        #expect(Set(listed.map(\.id)) == Set(savedSmall))
        #expect(listed.allSatisfy { FileManager.default.fileExists(atPath: $0.audioFile.path) })
        let files = try FileManager.default.contentsOfDirectory(atPath: store.audioDirectory.appendingPathComponent("201").path)
        #expect(files.count == 5)
    }

    @Test("PINs: set, verify, wrong, unknown mailbox, no PIN, bad PIN, and an upgrade to stronger parameters")
    func pins() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        try await F.mailbox(store)
        try await F.mailbox(store, "202")
        #expect(try await !store.verifyPIN("1234", for: "201", hasher: F.hasher))  // no PIN yet
        try await store.setPIN("1234", for: "201", hasher: F.hasher)
        #expect(try await store.verifyPIN("1234", for: "201", hasher: F.hasher))
        #expect(try await !store.verifyPIN("1235", for: "201", hasher: F.hasher))
        #expect(try await !store.verifyPIN("1234", for: "202", hasher: F.hasher))
        #expect(try await !store.verifyPIN("1234", for: "404", hasher: F.hasher))
        await #expect(throws: VoicemailError.invalidPIN("a PIN has 4 to 12 digits")) {
            try await store.setPIN("12", for: "201", hasher: F.hasher)
        }
        await #expect(throws: VoicemailError.mailboxNotFound("404")) {
            try await store.setPIN("1234", for: "404", hasher: F.hasher)
        }
        let stored = try #require(try await store.mailbox("201")?.pinHash)
        #expect(!stored.encoded.contains("1234"))

        let stronger = PINHasher(parameters: ScryptParameters(logN: 6))
        #expect(try await !store.verifyPIN("9999", for: "201", hasher: stronger))
        #expect(try await store.mailbox("201")?.pinHash == stored)  // a wrong PIN never rehashes
        #expect(try await store.verifyPIN("1234", for: "201", hasher: stronger))
        let upgraded = try #require(try await store.mailbox("201")?.pinHash)
        #expect(upgraded.parameters == ScryptParameters(logN: 6))
        #expect(try await store.verifyPIN("1234", for: "201", hasher: F.hasher))
        try await store.setPINHash(nil, for: "201")
        #expect(try await !store.verifyPIN("1234", for: "201", hasher: F.hasher))
    }

    @Test("MWI: every change to a mailbox's messages is announced on every subscriber's stream")
    func changes() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        try await F.mailbox(store)
        try await F.mailbox(store, "202")
        let first = store.mailboxChanges()
        let second = store.mailboxChanges()
        let ticket = try await store.beginRecording(mailbox: "202", caller: F.caller, calledNumber: "100", at: F.at)
        try await store.discardRecording(ticket)  // nothing visible changed: no event
        let message = try #require(try await F.deposit(store).message)
        try await store.markHeard(message.id)
        try await store.moveToSaved(message.id)
        try await store.deleteMessage(message.id)
        _ = try await F.deposit(store, "202")
        try await store.removeMailbox("202")
        var events: [String] = []
        for await number in first {
            events.append(number)
            if events.count == 6 { break }
        }
        #expect(events == ["201", "201", "201", "201", "202", "202"])
        var iterator = second.makeAsyncIterator()
        #expect(await iterator.next() == "201")
    }
}

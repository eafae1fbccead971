import Foundation
import Storage
import Testing
import TestSupport
import Voicemail

private typealias F = StorageFixture

/// `VoicemailDeposit` over the SQLite store with a scripted caller: every ending of a
/// recording, the review keys, full and unknown mailboxes, the operator, hang-ups anywhere.
@Suite("Voicemail deposit")
struct VoicemailDepositTests {
    private static let greeting201 = ["vm-person-at-extension", "d:201", "vm-is-unavailable", "vm-leave-message"]

    private func deposit(_ store: some VoicemailStore, _ phone: ScriptedPhone, mailbox: String = "201",
                         greeting: [String]? = nil, operatorAvailable: Bool = false,
                         log: @escaping @Sendable (String) -> Void = { _ in }) async -> VoicemailDeposit.Outcome {
        await VoicemailDeposit(store: store, phone: phone, mailbox: mailbox, caller: F.caller, calledNumber: "100",
                               greeting: greeting, operatorAvailable: operatorAvailable, log: log).run()
    }

    @Test("A caller who speaks and hangs up leaves a message: default greeting with the extension, beep, kept audio")
    func hangUpKeepsMessage() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        try await F.mailbox(store)
        let phone = ScriptedPhone([.wait, .speak(4, .hangUp)])
        let outcome = await deposit(store, phone)
        guard case .saved(let message) = outcome else { Issue.record("got \(outcome)"); return }
        #expect(message.duration == .seconds(4))
        #expect(message.caller == F.caller && message.calledNumber == "100" && message.folder == .new)
        #expect(await phone.heard == Self.greeting201 + ["beep", "recorded:4.0"])
        #expect(try await store.counts(for: "201") == MessageCounts(new: 1, saved: 0, unheard: 1))
        #expect(FileManager.default.fileExists(atPath: message.audioFile.path))
    }

    @Test("# opens the review menu: 1 listens, 2 re-records (the first take is dropped), 3 saves")
    func reviewKeys() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        try await F.mailbox(store)
        let phone = ScriptedPhone([.keys("#"), .speak(3, .key("#")), .keys("1"), .wait, .keys("2"),
                                   .speak(5, .key("#")), .keys("3")])
        let outcome = await deposit(store, phone)
        guard case .saved(let message) = outcome else { Issue.record("got \(outcome)"); return }
        #expect(message.duration == .seconds(5))
        let heard = await phone.heard
        #expect(heard == Self.greeting201 + ["beep", "recorded:3.0", "vm-review-options", "file@0",
                          "vm-review-options", "beep", "recorded:5.0", "vm-review-options", "vm-saved"])
        let recordings = await phone.recordings
        #expect(recordings.count == 2)
        #expect(!FileManager.default.fileExists(atPath: recordings[0].path))
        #expect(try await store.messages(in: "201", folder: nil).map(\.id) == [message.id])
    }

    @Test("After #: a silent caller's message is saved after three prompts; a hang-up in the menu saves; # saves")
    func reviewTimeoutsAndHangUp() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        try await F.mailbox(store)
        let silent = ScriptedPhone([.wait, .speak(2, .key("#")), .timeout, .timeout, .timeout])
        guard case .saved = await deposit(store, silent) else { Issue.record("silent caller"); return }
        #expect(await silent.heard.filter { $0 == "vm-review-options" }.count == 3)
        let hangsUp = ScriptedPhone([.wait, .speak(2, .key("#")), .hangUp])
        guard case .saved = await deposit(store, hangsUp) else { Issue.record("hang-up in review"); return }
        #expect(await hangsUp.heard.last == "vm-review-options")
        let pound = ScriptedPhone([.wait, .speak(2, .key("#")), .keys("#")])
        guard case .saved = await deposit(store, pound) else { Issue.record("#"); return }
        let invalid = ScriptedPhone([.wait, .speak(2, .key("#")), .keys("8"), .keys("3")])
        guard case .saved = await deposit(store, invalid) else { Issue.record("8 then 3"); return }
        #expect(await invalid.heard.contains("invalid-option"))
        #expect(try await store.counts(for: "201").new == 4)
    }

    @Test("Maximum length and silence end the recording and keep it; too short is discarded and told")
    func endingsAndTooShort() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        try await F.mailbox(store, limits: MailboxLimits(maxMessages: 10, maxSeconds: 6, minSeconds: 2))
        let long = ScriptedPhone([.wait, .speak(9, .maxDuration)])
        guard case .saved(let message) = await deposit(store, long) else { Issue.record("max"); return }
        #expect(message.duration == .seconds(6))
        #expect(await long.heard.suffix(2) == ["recorded:6.0", "vm-saved"])
        let quiet = ScriptedPhone([.wait, .speak(5, .silence)])
        guard case .saved = await deposit(store, quiet) else { Issue.record("silence"); return }
        let short = ScriptedPhone([.wait, .speak(1, .key("#")), .keys("3")])
        #expect(await deposit(store, short) == .noMessage)
        #expect(await short.heard.last == "vm-no-message")
        let shortHangUp = ScriptedPhone([.wait, .speak(0.5, .hangUp)])
        #expect(await deposit(store, shortHangUp) == .noMessage)
        #expect(try await store.counts(for: "201").total == 2)
    }

    @Test("A full mailbox is told and nothing is recorded; an unknown mailbox fails")
    func fullAndUnknown() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        try await F.mailbox(store, limits: MailboxLimits(maxMessages: 1))
        _ = try await F.deposit(store)
        let phone = ScriptedPhone([.speak(3, .hangUp)])
        #expect(await deposit(store, phone) == .mailboxFull)
        #expect(await phone.heard == ["vm-mailbox-full"])
        let lost = ScriptedPhone([.speak(3, .hangUp)])
        guard case .failed = await deposit(store, lost, mailbox: "999") else { Issue.record("unknown mailbox"); return }
        #expect(await lost.heard == ["technical-difficulty"])
    }

    @Test("0 during the greeting reaches the operator when the flow has one; otherwise it skips to the beep")
    func operatorKey() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        try await F.mailbox(store)
        #expect(await deposit(store, ScriptedPhone([.keys("0")]), operatorAvailable: true) == .operatorRequested(saved: nil))
        let noOperator = ScriptedPhone([.keys("0"), .speak(2, .hangUp)])
        guard case .saved = await deposit(store, noOperator) else { Issue.record("no operator"); return }
        #expect(await noOperator.heard == Self.greeting201 + ["beep", "recorded:2.0"])
        let afterReview = ScriptedPhone([.wait, .speak(2, .key("#")), .keys("0")])
        guard case .operatorRequested(let saved?) = await deposit(store, afterReview, operatorAvailable: true) else {
            Issue.record("0 in review"); return
        }
        #expect(saved.duration == .seconds(2))
    }

    @Test("Greetings: the flow's prompts, the mailbox's own file, a damaged file falls back to the default with a log line")
    func greetings() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        try await F.mailbox(store, "sales")
        let flowGreeting = ScriptedPhone([.wait, .speak(2, .hangUp)])
        _ = await deposit(store, flowGreeting, mailbox: "sales", greeting: ["closed"])
        #expect(await flowGreeting.heard.first == "closed")
        let named = ScriptedPhone([.wait, .speak(2, .hangUp)])
        _ = await deposit(store, named, mailbox: "sales")
        #expect(await named.heard.first == "vm-greeting")

        let own = fixture.directory.appendingPathComponent("own.wav")
        try WAVBytes.pcm16(frames: 800).write(to: own)
        var box = try #require(try await store.mailbox("sales"))
        box.greetingPath = own.path
        try await store.updateMailbox(box)
        let personal = ScriptedPhone([.wait, .speak(2, .hangUp)])
        _ = await deposit(store, personal, mailbox: "sales")
        #expect(await personal.heard.first == "file:own.wav")

        try Data("not audio".utf8).write(to: own)
        let lines = LogLines()
        let damaged = ScriptedPhone([.wait, .speak(2, .hangUp)])
        guard case .saved = await deposit(store, damaged, mailbox: "sales", log: lines.append) else { Issue.record("damaged"); return }
        #expect(await damaged.heard.first == "vm-greeting")
        #expect(lines.all.contains { $0.contains("own.wav") })
    }

    @Test("A recording that cannot be written (full disk): the caller is told, nothing half-written is kept or shown")
    func diskFull() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        try await F.mailbox(store)
        let phone = ScriptedPhone([.wait, .diskFull])
        guard case .failed = await deposit(store, phone) else { Issue.record("a failed write is a failure"); return }
        #expect(await phone.heard.last == "technical-difficulty")
        #expect(try await store.messages(in: "201", folder: nil).isEmpty)
        #expect(try await store.counts(for: "201").total == 0)
        let folder = fixture.directory.appendingPathComponent("voicemail/201")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).isEmpty)
        // The slot is free again: the next caller records normally.
        guard case .saved = await deposit(store, ScriptedPhone([.wait, .speak(2, .hangUp)])) else { Issue.record("next deposit"); return }
    }

    @Test("A hang-up at every point of a deposit leaves no half-written message behind", arguments: 0...7)
    func hangUpAnywhere(cut: Int) async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        try await F.mailbox(store)
        let full: [ScriptedPhone.Input] = [.wait, .speak(3, .key("#")), .keys("1"), .wait, .keys("2"), .speak(4, .key("#")),
                                           .keys("9"), .keys("3")]
        let phone = ScriptedPhone(Array(full.prefix(cut)) + [.hangUp])
        let outcome = await deposit(store, phone)
        if case .failed = outcome { Issue.record("failed at cut \(cut)") }
        let messages = try await store.messages(in: "201", folder: nil)
        // Cut 5: the caller chose to re-record and hung up at the beep: the first take is gone.
        #expect(messages.count == (cut >= 2 && cut != 5 ? 1 : 0))
        for message in messages { #expect(FileManager.default.fileExists(atPath: message.audioFile.path)) }
        // No reservation is left open: the mailbox's folder holds only committed audio.
        let folder = messages.first?.audioFile.deletingLastPathComponent()
        if let folder {
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == messages.count)
        }
    }
}

/// Collects log lines from `@Sendable` closures.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

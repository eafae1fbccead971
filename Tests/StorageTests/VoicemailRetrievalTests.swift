import Foundation
import Storage
import Testing
import TestSupport
import Voicemail

private typealias F = StorageFixture

/// `VoicemailRetrieval` over the SQLite store with a scripted caller: log-in and lock-out,
/// every message key, skipping, a damaged WAV, PIN and greeting changes, hang-ups anywhere.
@Suite("Voicemail retrieval")
struct VoicemailRetrievalTests {
    /// Mailbox 201 (PIN 1234) with two new messages of 10 s and one saved.
    private func prepare(_ store: some VoicemailStore) async throws -> [VoicemailMessage] {
        try await F.mailbox(store)
        try await store.setPIN("1234", for: "201", hasher: F.hasher)
        var messages: [VoicemailMessage] = []
        for offset in 0..<3 {
            let outcome = try await F.deposit(store, frames: 80_000, at: F.at.addingTimeInterval(Double(offset) * 60))
            messages.append(try #require(outcome.message))
        }
        try await store.moveToSaved(messages[2].id)
        return messages
    }

    private func retrieval(_ store: some VoicemailStore, _ phone: ScriptedPhone, mailbox: String? = "201",
                           guard keeper: PINGuardKeeper = PINGuardKeeper(), callBack: Bool = false,
                           greetings: URL? = nil, log: @escaping @Sendable (String) -> Void = { _ in }) -> VoicemailRetrieval {
        VoicemailRetrieval(store: store, phone: phone, pinGuard: keeper, mailbox: mailbox, source: "+4930999",
                           hasher: F.hasher, allowsCallBack: callBack, greetingsDirectory: greetings, log: log)
    }

    /// Every message key in one session (see `allKeys`).
    static let session: [ScriptedPhone.Input] = [
        .keys("1234#"), .wait,                 // PIN; the counts play out
        .keys("1"), .wait, .wait,              // listen: envelope and audio of message 1
        .keys("5"), .keys("*"), .keys("#"), .wait,  // replay; back 5 s (to 0); forward 5 s (1 → 6); to the end
        .keys("6"), .keys("4"), .wait, .wait,  // next (4 stops its envelope: previous) → message 1 again
        .keys("9"), .wait, .wait,              // save 1 → message 2
        .keys("7"), .wait, .wait,              // delete 2 → message 3 (saved)
        .keys("3"), .keys("2"),                // advanced: call back (not allowed here)
        .keys("6"), .keys("#"), .keys("#"),    // next at the end; back; goodbye
    ]

    @Test("Log in, hear the counts, then replay, skip ±5 s, next, previous, save, delete, call back refused, goodbye")
    func allKeys() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        let messages = try await prepare(store)
        let phone = ScriptedPhone(Self.session)
        #expect(try await retrieval(store, phone).run() == .completed)
        let heard = await phone.heard
        #expect(Array(heard.prefix(7)) == ["vm-enter-pin", "vm-you-have", "n:2", "vm-new-messages", "vm-and", "n:1",
                                           "vm-saved-message"])
        #expect(Array(heard[7...14]) == ["vm-main-menu", "vm-message", "n:1", "vm-received", "date", "vm-from",
                                         "d:4930123456", "file@0"])
        #expect(heard.contains("file@6"))
        for prompt in ["vm-message-saved", "vm-deleted", "vm-advanced-menu", "vm-no-callback", "vm-end-of-messages", "goodbye"] {
            #expect(heard.contains(prompt), "\(prompt) not heard")
        }
        #expect(try await store.counts(for: "201") == MessageCounts(new: 0, saved: 2, unheard: 0))
        #expect(try await store.message(messages[1].id) == nil)
        #expect(try await store.message(messages[0].id)?.folder == .saved)
    }

    @Test("3 2 returns the caller's number to call back when allowed")
    func callBack() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        _ = try await prepare(store)
        let phone = ScriptedPhone([.keys("1234#"), .wait, .keys("1"), .wait, .wait, .keys("3"), .keys("2")])
        #expect(try await retrieval(store, phone, callBack: true).run() == .callBack("+4930123456"))
    }

    @Test("Wrong PINs lock the mailbox out; an unknown mailbox answers like a wrong PIN; the lock-out holds for the next call")
    func lockOut() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        _ = try await prepare(store)
        let keeper = PINGuardKeeper()
        let unknown = ScriptedPhone([.keys("999#"), .keys("1234#"), .hangUp])
        await #expect(throws: VoicemailPhoneError.hungUp) { try await retrieval(store, unknown, mailbox: nil, guard: keeper).run() }
        #expect(await unknown.heard == ["vm-enter-mailbox", "vm-enter-pin", "vm-login-incorrect"])

        let streak = PINGuardKeeper()
        let guesser = ScriptedPhone([.keys("201#"), .keys("0000#"), .keys("201#"), .keys("1111#"), .keys("201#"), .keys("2222#")])
        #expect(try await retrieval(store, guesser, mailbox: nil, guard: streak).run() == .lockedOut)
        #expect(await guesser.heard.last == "vm-locked-out")
        #expect(await guesser.heard.filter { $0 == "vm-login-incorrect" }.count == 2)

        // Even the right PIN is not tried while locked out.
        let owner = ScriptedPhone([.keys("1234#")])
        #expect(try await retrieval(store, owner, guard: streak).run() == .lockedOut)
        #expect(await owner.heard == ["vm-locked-out"])
    }

    @Test("Three failed log-ins without a lock-out end with goodbye; no input counts as a try")
    func loginFailed() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        _ = try await prepare(store)
        let keeper = PINGuardKeeper(policy: PINGuardPolicy(maxFailures: 10))
        let phone = ScriptedPhone([.keys("0000#"), .timeout, .keys("9999#")])
        #expect(try await retrieval(store, phone, guard: keeper).run() == .loginFailed)
        #expect(await phone.heard == ["vm-enter-pin", "vm-login-incorrect", "vm-enter-pin", "vm-enter-pin", "vm-login-incorrect", "goodbye"])
    }

    @Test("A message whose WAV is damaged is skipped with a log line; the others still play")
    func damagedMessage() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        let messages = try await prepare(store)
        try Data("garbage, not RIFF".utf8).write(to: messages[0].audioFile)
        let lines = LogLines()
        let phone = ScriptedPhone([.keys("1234#"), .wait, .keys("1"), .wait, .wait, .wait, .keys("#"), .keys("#")])
        #expect(try await retrieval(store, phone, log: lines.append).run() == .completed)
        let heard = await phone.heard
        #expect(heard.contains("vm-message-unavailable"))
        #expect(heard.filter { $0.hasPrefix("file@") }.count == 1)
        #expect(lines.all.contains { $0.contains(messages[0].id.uuidString.lowercased()) })
        #expect(try await store.message(messages[1].id)?.heard == true)
    }

    @Test("Options: change the PIN (confirmed, mismatched, invalid) and record a greeting")
    func options() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        _ = try await prepare(store)
        let greetings = fixture.directory.appendingPathComponent("voicemail/.greetings")
        let phone = ScriptedPhone([.keys("1234#"), .wait, .keys("0"),
                                   .keys("5"), .keys("12#"),                      // too short
                                   .keys("5"), .keys("1111#"), .keys("2222#"),    // mismatch
                                   .keys("5"), .keys("5678#"), .keys("5678#"),    // changed
                                   .keys("1"), .speak(3, .key("#")),              // greeting
                                   .keys("*"), .keys("#")])
        #expect(try await retrieval(store, phone, greetings: greetings).run() == .completed)
        let heard = await phone.heard
        for prompt in ["vm-pin-invalid", "vm-pin-mismatch", "vm-pin-changed", "vm-record-greeting", "vm-greeting-saved"] {
            #expect(heard.contains(prompt), "\(prompt) not heard")
        }
        #expect(try await store.verifyPIN("5678", for: "201", hasher: F.hasher))
        let path = try #require(try await store.mailbox("201")?.greetingPath)
        #expect(path.hasPrefix(greetings.path))
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test("A hang-up at every point of a session ends it with hungUp; nothing is left half done",
          arguments: 0..<VoicemailRetrievalTests.session.count)
    func hangUpAnywhere(cut: Int) async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().voicemail
        _ = try await prepare(store)
        let phone = ScriptedPhone(Array(Self.session.prefix(cut)) + [.hangUp])
        await #expect(throws: VoicemailPhoneError.hungUp) { try await retrieval(store, phone).run() }
        let counts = try await store.counts(for: "201")
        #expect(counts.total == (cut > 16 ? 2 : 3))
    }
}

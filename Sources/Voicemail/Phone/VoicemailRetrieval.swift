import Foundation

/// Staff listening to their messages by phone (the `voicemail-access` flow step), as an async
/// procedure over a `VoicemailPhone` and a `VoicemailStore`. The key map follows the common
/// voicemail convention (Asterisk's Comedian Mail) and is documented in docs/voicemail.md:
///
/// - **Log-in**: mailbox number + `#` (unless given), PIN + `#`; three tries, guarded by the
///   shared `PINGuardKeeper` (a lock-out ends the call with `vm-locked-out`). An unknown
///   mailbox is answered exactly like a wrong PIN.
/// - **Main menu**: `1` listen (new messages first, then saved), `0` mailbox options, `*`
///   help, `#` goodbye.
/// - **While a message plays**: `*` back 5 s, `#` forward 5 s; any other key stops it and is
///   taken as a message-menu key.
/// - **Message menu**: `5` replay, `4` previous, `6` next, `7` delete, `9` save, `3` advanced
///   (`2` call the caller back, when allowed), `0` mailbox options, `*` help, `#` back to the
///   main menu.
/// - **Mailbox options**: `1` record greeting, `5` change PIN, `*`/`#` back.
///
/// A message that cannot be played (a damaged WAV) is skipped with a log line; the rest stay
/// playable. Hang-ups surface as `VoicemailPhoneError.hungUp` from `run()` at any point;
/// whatever was done before (deleted, saved, heard) is already stored.
public struct VoicemailRetrieval: Sendable {
    /// How the session ended.
    public enum Outcome: Hashable, Sendable {
        /// The caller pressed `#` at the main menu or stopped answering.
        case completed
        /// Three wrong log-ins.
        case loginFailed
        /// The mailbox or the calling source is locked out.
        case lockedOut
        /// The caller asked to call back the message's caller at this number (connected, when
        /// `placeCallBack` placed it).
        case callBack(String)
    }

    /// How `placeCallBack` went.
    public enum CallBackAttempt: Hashable, Sendable {
        /// The two were connected; the session is over.
        case connected
        /// The number may not be called (the directory's outbound patterns): the menu goes on.
        case notAllowed
        /// Nobody answered, or the call failed: the menu goes on.
        case unanswered
    }

    /// The prompts the caller hears; the names match `prompts/prompts.txt`.
    public enum Prompts {
        public static let enterMailbox = "vm-enter-mailbox"
        public static let enterPIN = "vm-enter-pin"
        public static let loginIncorrect = "vm-login-incorrect"
        public static let lockedOut = "vm-locked-out"
        public static let youHave = "vm-you-have"
        public static let newMessage = "vm-new-message"
        public static let newMessages = "vm-new-messages"
        public static let and = "vm-and"
        public static let savedMessage = "vm-saved-message"
        public static let savedMessages = "vm-saved-messages"
        public static let noMessages = "vm-no-messages"
        public static let mainMenu = "vm-main-menu"
        public static let message = "vm-message"
        public static let received = "vm-received"
        public static let from = "vm-from"
        public static let unknownCaller = "vm-unknown-caller"
        public static let messageMenu = "vm-message-menu"
        public static let advancedMenu = "vm-advanced-menu"
        public static let noCallBack = "vm-no-callback"
        public static let deleted = "vm-deleted"
        public static let messageSaved = "vm-message-saved"
        public static let firstMessage = "vm-first-message"
        public static let endOfMessages = "vm-end-of-messages"
        public static let messageUnavailable = "vm-message-unavailable"
        public static let optionsMenu = "vm-options-menu"
        public static let recordGreeting = "vm-record-greeting"
        public static let greetingSaved = "vm-greeting-saved"
        public static let enterNewPIN = "vm-enter-new-pin"
        public static let reenterPIN = "vm-reenter-pin"
        public static let pinChanged = "vm-pin-changed"
        public static let pinMismatch = "vm-pin-mismatch"
        public static let pinInvalid = "vm-pin-invalid"
        public static let noMessage = "vm-no-message"
        public static let beep = "beep"
        public static let invalidOption = "invalid-option"
        public static let goodbye = "goodbye"
    }

    public let store: any VoicemailStore
    public let phone: any VoicemailPhone
    public let pinGuard: PINGuardKeeper
    /// The mailbox, when known (the flow names it, or the caller is its registered owner).
    public var mailbox: String?
    /// The calling source for the guard (caller ID or source address).
    public var source: String?
    public var hasher: PINHasher
    public var rules: PINRules
    /// Whether `3 2` may call a message's caller back.
    public var allowsCallBack: Bool
    /// Places a call-back and says how it went; nil: `3 2` ends the session with `.callBack`
    /// and the caller of `run()` places it.
    public var placeCallBack: (@Sendable (String) async throws -> CallBackAttempt)?
    /// Where greetings recorded by phone are written (nil: `0 1` is refused).
    public var greetingsDirectory: URL?
    /// Log-in tries per call.
    public var maxLoginAttempts: Int
    /// Menu prompts without an answer before the session ends.
    public var maxSilentMenus: Int
    /// Longest greeting.
    public var maxGreeting: Duration
    /// Where problems are reported (an unplayable message).
    public var log: @Sendable (String) -> Void

    public init(store: any VoicemailStore, phone: any VoicemailPhone, pinGuard: PINGuardKeeper, mailbox: String? = nil,
                source: String? = nil, hasher: PINHasher = .standard, rules: PINRules = .standard,
                allowsCallBack: Bool = false, placeCallBack: (@Sendable (String) async throws -> CallBackAttempt)? = nil,
                greetingsDirectory: URL? = nil, maxLoginAttempts: Int = 3,
                maxSilentMenus: Int = 3, maxGreeting: Duration = .seconds(60),
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store
        self.phone = phone
        self.pinGuard = pinGuard
        self.mailbox = mailbox
        self.source = source
        self.hasher = hasher
        self.rules = rules
        self.allowsCallBack = allowsCallBack
        self.placeCallBack = placeCallBack
        self.greetingsDirectory = greetingsDirectory
        self.maxLoginAttempts = max(1, maxLoginAttempts)
        self.maxSilentMenus = max(1, maxSilentMenus)
        self.maxGreeting = maxGreeting
        self.log = log
    }

    /// Ends the session from deep inside a menu.
    private enum Exit: Error { case idle, callBack(String) }

    /// Runs the session. Throws `VoicemailPhoneError.hungUp` when the caller hangs up, and
    /// store errors.
    public func run() async throws -> Outcome {
        let login = try await logIn()
        guard case .success(let number) = login else {
            return login == .failure(.lockedOut) ? .lockedOut : .loginFailed
        }
        do {
            let typed = try await phone.play(countsAnnouncement(try await store.counts(for: number)), bargeIn: true)
            try await mainMenu(number, pending: typed)
            return .completed
        } catch Exit.idle {
            _ = try await phone.play([.prompt(Prompts.goodbye)], bargeIn: false)
            return .completed
        } catch Exit.callBack(let target) {
            return .callBack(target)
        }
    }

    // MARK: Log-in

    private enum LoginFailure: Error { case lockedOut, failed }

    private func logIn() async throws -> Result<String, LoginFailure> {
        for _ in 0..<maxLoginAttempts {
            let number: String
            if let mailbox {
                number = mailbox
            } else {
                number = try await ask([.prompt(Prompts.enterMailbox)], maxDigits: Mailbox.maximumNumberLength)
                if number.isEmpty { continue }
            }
            if case .lockedOut = await pinGuard.check(mailbox: number, source: source) {
                _ = try await phone.play([.prompt(Prompts.lockedOut)], bargeIn: false)
                return .failure(.lockedOut)
            }
            let pin = try await ask([.prompt(Prompts.enterPIN)], maxDigits: 12, firstTimeout: .seconds(8))
            if pin.isEmpty { continue }
            if try await store.verifyPIN(pin, for: number, hasher: hasher) {
                await pinGuard.recordSuccess(mailbox: number, source: source)
                return .success(number)
            }
            if case .lockedOut = await pinGuard.recordFailure(mailbox: number, source: source) {
                _ = try await phone.play([.prompt(Prompts.lockedOut)], bargeIn: false)
                return .failure(.lockedOut)
            }
            _ = try await phone.play([.prompt(Prompts.loginIncorrect)], bargeIn: false)
        }
        _ = try await phone.play([.prompt(Prompts.goodbye)], bargeIn: false)
        return .failure(.failed)
    }

    /// Plays `prompt` (barge-in) and reads up to `maxDigits` keys ended by `#`.
    private func ask(_ prompt: [VoicemailAudio], maxDigits: Int, firstTimeout: Duration = .seconds(5)) async throws -> String {
        let typed = try await phone.play(prompt, bargeIn: true)
        return try await phone.collect(KeyRequest(prefix: typed.map { String($0) } ?? "", maxDigits: maxDigits,
                                                  terminator: "#", firstTimeout: firstTimeout))
    }

    // MARK: Menus

    /// "You have N new messages and M saved messages" (or "no messages").
    func countsAnnouncement(_ counts: MessageCounts) -> [VoicemailAudio] {
        guard counts.total > 0 else { return [.prompt(Prompts.noMessages)] }
        return [.prompt(Prompts.youHave), .number(counts.new), .prompt(counts.new == 1 ? Prompts.newMessage : Prompts.newMessages),
                .prompt(Prompts.and), .number(counts.saved),
                .prompt(counts.saved == 1 ? Prompts.savedMessage : Prompts.savedMessages)]
    }

    /// Reads one menu key: `pending` if there is one, else the prompt (barge-in) and a wait.
    /// Counts silent prompts and ends the session (`Exit.idle`) after `maxSilentMenus`.
    private func menuKey(_ prompt: String, pending: Character?, silent: inout Int) async throws -> Character {
        if let pending { return pending }
        while true {
            var key = try await phone.play([.prompt(prompt)], bargeIn: true)
            if key == nil { key = try await phone.collect(.menuKey(prefix: nil)).first }
            if let key {
                silent = 0
                return key
            }
            silent += 1
            if silent >= maxSilentMenus { throw Exit.idle }
        }
    }

    /// The main menu; `pending` is a key typed during the counts.
    private func mainMenu(_ number: String, pending typed: Character?) async throws {
        var silent = 0
        var pending = typed
        while true {
            let key = try await menuKey(Prompts.mainMenu, pending: pending, silent: &silent)
            pending = nil
            switch key {
            case "1": pending = try await listen(number)
            case "0": try await options(number)
            case "#":
                _ = try await phone.play([.prompt(Prompts.goodbye)], bargeIn: false)
                return
            case "*": continue
            default: _ = try await phone.play([.prompt(Prompts.invalidOption)], bargeIn: false)
            }
        }
    }

    /// The envelope: "Message 3, received Monday November 16th 10 30 AM, from 2 0 1".
    func envelope(_ message: VoicemailMessage, position: Int) -> [VoicemailAudio] {
        let digits = message.caller.number?.filter { $0.isNumber } ?? ""
        return [.prompt(Prompts.message), .number(position), .prompt(Prompts.received), .dateTime(message.receivedAt),
                .prompt(Prompts.from), digits.isEmpty ? .prompt(Prompts.unknownCaller) : .digits(digits)]
    }

    private enum Stage { case envelope, audio(from: Duration), menu }

    /// Plays the messages, new first; returns a key meant for the main menu (none today).
    private func listen(_ number: String) async throws -> Character? {
        var messages = try await store.messages(in: number, folder: .new) + store.messages(in: number, folder: .saved)
        guard !messages.isEmpty else {
            _ = try await phone.play([.prompt(Prompts.noMessages)], bargeIn: false)
            return nil
        }
        var index = 0
        var stage = Stage.envelope
        var silent = 0
        while index < messages.count {
            let message = messages[index]
            var key: Character?
            switch stage {
            case .envelope:
                key = try await phone.play(envelope(message, position: index + 1), bargeIn: true)
                if key == nil {
                    stage = .audio(from: .zero)
                    continue
                }
            case .audio(let offset):
                let playback: FilePlayback
                do {
                    playback = try await phone.playFile(message.audioFile, from: offset)
                } catch VoicemailPhoneError.unplayable(let file, let reason) {
                    log("voicemail message \(message.id.uuidString.lowercased()) in \(number) cannot be played (\(file.path): \(reason)); skipped")
                    _ = try await phone.play([.prompt(Prompts.messageUnavailable)], bargeIn: false)
                    messages.remove(at: index)
                    stage = .envelope
                    continue
                }
                if !message.heard { try await store.markHeard(message.id) }
                switch playback {
                case .finished:
                    key = nil
                case .interrupted("*", let position):
                    stage = .audio(from: max(.zero, position - .seconds(5)))
                    continue
                case .interrupted("#", let position):
                    let target = position + .seconds(5)
                    if target < message.duration {
                        stage = .audio(from: target)
                        continue
                    }
                    key = nil
                case .interrupted(let other, _):
                    key = other
                }
            case .menu:
                key = nil
            }
            stage = .menu
            let choice = try await menuKey(Prompts.messageMenu, pending: key, silent: &silent)
            switch choice {
            case "5":
                stage = .audio(from: .zero)
            case "4":
                if index > 0 {
                    index -= 1
                    stage = .envelope
                } else {
                    _ = try await phone.play([.prompt(Prompts.firstMessage)], bargeIn: false)
                }
            case "6":
                if index + 1 < messages.count {
                    index += 1
                    stage = .envelope
                } else {
                    _ = try await phone.play([.prompt(Prompts.endOfMessages)], bargeIn: false)
                }
            case "7":
                try await store.deleteMessage(message.id)
                messages.remove(at: index)
                _ = try await phone.play([.prompt(Prompts.deleted)], bargeIn: false)
                if index >= messages.count {
                    if !messages.isEmpty { _ = try await phone.play([.prompt(Prompts.endOfMessages)], bargeIn: false) }
                    return nil
                }
                stage = .envelope
            case "9":
                if message.folder == .new { try await store.moveToSaved(message.id) }
                messages[index].folder = .saved
                _ = try await phone.play([.prompt(Prompts.messageSaved)], bargeIn: false)
                if index + 1 < messages.count {
                    index += 1
                    stage = .envelope
                } else {
                    _ = try await phone.play([.prompt(Prompts.endOfMessages)], bargeIn: false)
                }
            case "3":
                try await advanced(message)
            case "0":
                try await options(number)
            case "#":
                return nil
            case "*":
                continue
            default:
                _ = try await phone.play([.prompt(Prompts.invalidOption)], bargeIn: false)
            }
        }
        return nil
    }

    /// `3`: advanced options for the current message: `2` call back.
    private func advanced(_ message: VoicemailMessage) async throws {
        var silent = 0
        let key = try await menuKey(Prompts.advancedMenu, pending: nil, silent: &silent)
        guard key == "2" else { return }
        let target = message.caller.number.flatMap { number -> String? in
            let dialable = number.filter { $0.isNumber || $0 == "+" }
            return dialable.contains(where: \.isNumber) && dialable.count == number.count ? number : nil
        }
        guard allowsCallBack, let target else {
            _ = try await phone.play([.prompt(Prompts.noCallBack)], bargeIn: false)
            return
        }
        guard let placeCallBack else { throw Exit.callBack(target) }
        switch try await placeCallBack(target) {
        case .connected: throw Exit.callBack(target)
        case .notAllowed, .unanswered: _ = try await phone.play([.prompt(Prompts.noCallBack)], bargeIn: false)
        }
    }

    /// `0`: mailbox options: `1` record greeting, `5` change PIN, `*`/`#` back.
    private func options(_ number: String) async throws {
        var silent = 0
        while true {
            let key: Character
            do {
                key = try await menuKey(Prompts.optionsMenu, pending: nil, silent: &silent)
            } catch Exit.idle {
                return
            }
            switch key {
            case "1": try await recordGreeting(number)
            case "5": try await changePIN(number)
            case "*", "#": return
            default: _ = try await phone.play([.prompt(Prompts.invalidOption)], bargeIn: false)
            }
        }
    }

    private func changePIN(_ number: String) async throws {
        let first = try await ask([.prompt(Prompts.enterNewPIN)], maxDigits: rules.maxLength, firstTimeout: .seconds(8))
        do {
            try rules.validate(first)
        } catch {
            _ = try await phone.play([.prompt(Prompts.pinInvalid)], bargeIn: false)
            return
        }
        let second = try await ask([.prompt(Prompts.reenterPIN)], maxDigits: rules.maxLength, firstTimeout: .seconds(8))
        guard first == second else {
            _ = try await phone.play([.prompt(Prompts.pinMismatch)], bargeIn: false)
            return
        }
        try await store.setPIN(first, for: number, hasher: hasher, rules: rules)
        _ = try await phone.play([.prompt(Prompts.pinChanged)], bargeIn: false)
    }

    /// Records a new personal greeting into `greetingsDirectory` and makes it the mailbox's.
    private func recordGreeting(_ number: String) async throws {
        guard let greetingsDirectory else {
            _ = try await phone.play([.prompt(Prompts.invalidOption)], bargeIn: false)
            return
        }
        try FileManager.default.createDirectory(at: greetingsDirectory, withIntermediateDirectories: true)
        let stamp = Int((await phone.now()).timeIntervalSince1970)
        let file = greetingsDirectory.appendingPathComponent("\(number)-\(stamp)-\(UUID().uuidString.prefix(8).lowercased()).wav")
        _ = try await phone.play([.prompt(Prompts.recordGreeting), .prompt(Prompts.beep)], bargeIn: false)
        let result = try await phone.record(to: file, RecordRequest(maxDuration: maxGreeting, silence: .seconds(5)))
        guard result.duration >= .seconds(1), var box = try await store.mailbox(number) else {
            try? FileManager.default.removeItem(at: file)
            if result.ending == .hangUp { throw VoicemailPhoneError.hungUp }
            _ = try await phone.play([.prompt(Prompts.noMessage)], bargeIn: false)
            return
        }
        let old = box.greetingPath
        box.greetingPath = file.path
        try await store.updateMailbox(box)
        if let old, URL(fileURLWithPath: old).deletingLastPathComponent().standardizedFileURL.path
            == greetingsDirectory.standardizedFileURL.path {
            try? FileManager.default.removeItem(atPath: old)
        }
        log("mailbox \(number): new greeting \(file.path)")
        if result.ending == .hangUp { throw VoicemailPhoneError.hungUp }
        _ = try await phone.play([.prompt(Prompts.greetingSaved)], bargeIn: false)
    }
}

import Foundation

/// A caller leaving a message (the `voicemail` flow step), as an async procedure over a
/// `VoicemailPhone` and a `VoicemailStore`:
///
/// 1. A full mailbox is told (`vm-mailbox-full`) and nothing is recorded.
/// 2. The greeting: the flow's, else the mailbox's own recording, else the default
///    ("The person at extension 2 0 1 is not available", or `vm-greeting` for a named
///    mailbox) and `vm-leave-message`. Keys stop it: `0` goes to the operator when the flow
///    has one, any other key skips to the beep.
/// 3. A beep, then recording (`beginRecording` first, so the file is reserved and a crash is
///    recovered) until the caller hangs up, presses `#`, stays silent past the silence limit
///    or reaches the mailbox's `maxSeconds`.
/// 4. After `#`, the review menu: **1** listen, **2** re-record, **3** save (also `#`), **0**
///    operator (the message is saved first). No key after three prompts, or a hang-up, saves.
/// 5. `commitRecording`: shorter than `minSeconds` is discarded (`vm-no-message`).
///
/// A hang-up at any moment after the beep keeps what was recorded.
public struct VoicemailDeposit: Sendable {
    /// How the deposit ended.
    public enum Outcome: Hashable, Sendable {
        /// A message was stored.
        case saved(VoicemailMessage)
        /// Nothing kept: the caller hung up before the beep or left too short a message.
        case noMessage
        /// The mailbox was full; the caller was told.
        case mailboxFull
        /// The caller pressed 0 for the operator (after saving any message): transfer them.
        case operatorRequested(saved: VoicemailMessage?)
        /// The mailbox does not exist or the recording could not be written.
        case failed(String)
    }

    /// The caller hears these; the names match `prompts/prompts.txt`.
    public enum Prompts {
        public static let personAtExtension = "vm-person-at-extension"
        public static let isUnavailable = "vm-is-unavailable"
        public static let leaveMessage = "vm-leave-message"
        public static let namedGreeting = "vm-greeting"
        public static let beep = "beep"
        public static let reviewOptions = "vm-review-options"
        public static let saved = "vm-saved"
        public static let noMessage = "vm-no-message"
        public static let mailboxFull = "vm-mailbox-full"
        public static let invalidOption = "invalid-option"
        public static let technicalDifficulty = "technical-difficulty"
    }

    public let store: any VoicemailStore
    public let phone: any VoicemailPhone
    public let mailbox: String
    public let caller: VoicemailCaller
    public let calledNumber: String
    /// The flow's greeting prompts (nil: the mailbox's own or the default).
    public var greeting: [String]?
    /// Whether `0` reaches an operator (the flow defines one).
    public var operatorAvailable: Bool
    /// Silence that ends a recording.
    public var silence: Duration?
    /// Review-menu prompts before a silent caller's message is saved.
    public var reviewAttempts: Int
    /// Where problems are reported (a corrupt greeting, a failed write).
    public var log: @Sendable (String) -> Void

    public init(store: any VoicemailStore, phone: any VoicemailPhone, mailbox: String, caller: VoicemailCaller,
                calledNumber: String, greeting: [String]? = nil, operatorAvailable: Bool = false,
                silence: Duration? = .seconds(5), reviewAttempts: Int = 3, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store
        self.phone = phone
        self.mailbox = mailbox
        self.caller = caller
        self.calledNumber = calledNumber
        self.greeting = greeting
        self.operatorAvailable = operatorAvailable
        self.silence = silence
        self.reviewAttempts = max(1, reviewAttempts)
        self.log = log
    }

    /// Runs the deposit; never throws: a caller hanging up before the beep gives `.noMessage`,
    /// a store or disk failure `.failed` (the caller hears `technical-difficulty`).
    public func run() async -> Outcome {
        do {
            return try await deposit()
        } catch VoicemailPhoneError.hungUp {
            return .noMessage
        } catch {
            log("voicemail deposit to \(mailbox) failed: \(error)")
            _ = try? await phone.play([.prompt(Prompts.technicalDifficulty)], bargeIn: false)
            return .failed(String(describing: error))
        }
    }

    private func deposit() async throws -> Outcome {
        guard let box = try await store.mailbox(mailbox) else { throw VoicemailError.mailboxNotFound(mailbox) }
        if try await store.counts(for: mailbox).total >= box.limits.maxMessages {
            _ = try await phone.play([.prompt(Prompts.mailboxFull)], bargeIn: false)
            return .mailboxFull
        }
        let key = try await playGreeting(box)
        if key == "0", operatorAvailable { return .operatorRequested(saved: nil) }
        return try await recordAndReview()
    }

    /// The greeting the caller hears before the beep.
    func greetingAudio(_ box: Mailbox) -> [VoicemailAudio] {
        if let greeting, !greeting.isEmpty { return greeting.map { .prompt($0) } }
        if let path = box.greetingPath, FileManager.default.fileExists(atPath: path) {
            return [.file(URL(fileURLWithPath: path))]
        }
        if !box.number.isEmpty, box.number.allSatisfy(\.isNumber) {
            return [.prompt(Prompts.personAtExtension), .digits(box.number), .prompt(Prompts.isUnavailable),
                    .prompt(Prompts.leaveMessage)]
        }
        return [.prompt(Prompts.namedGreeting)]
    }

    private func playGreeting(_ box: Mailbox) async throws -> Character? {
        do {
            return try await phone.play(greetingAudio(box), bargeIn: true)
        } catch VoicemailPhoneError.unplayable(let file, let reason) {
            // A damaged personal greeting must not stop the message: fall back to the default.
            log("greeting \(file.path) of mailbox \(box.number) cannot be played (\(reason)); using the default")
            var plain = box
            plain.greetingPath = nil
            return try await phone.play(greetingAudio(plain), bargeIn: true)
        }
    }

    /// Beep, record, review; loops on re-record.
    private func recordAndReview() async throws -> Outcome {
        while true {
            let ticket: RecordingTicket
            do {
                ticket = try await store.beginRecording(mailbox: mailbox, caller: caller, calledNumber: calledNumber,
                                                        at: await phone.now())
            } catch VoicemailError.mailboxFull {
                _ = try await phone.play([.prompt(Prompts.mailboxFull)], bargeIn: false)
                return .mailboxFull
            }
            let recording: RecordResult
            do {
                _ = try await phone.play([.prompt(Prompts.beep)], bargeIn: false)
                recording = try await phone.record(to: ticket.audioFile,
                                                   RecordRequest(maxDuration: ticket.maxDuration, silence: silence, endKeys: ["#"]))
            } catch VoicemailPhoneError.hungUp {
                // Hung up during the beep: nothing recorded.
                try? await store.discardRecording(ticket)
                return .noMessage
            } catch {
                try? await store.discardRecording(ticket)
                throw error
            }
            guard recording.ending == .key("#") else {
                // Hang-up, limit or silence: the message is kept as it is.
                return try await commit(ticket, recording.duration, tellCaller: recording.ending != .hangUp)
            }
            switch try await review(ticket) {
            case .save:
                return try await commit(ticket, recording.duration, tellCaller: true)
            case .saveSilently:
                return try await commit(ticket, recording.duration, tellCaller: false)
            case .operator:
                let outcome = try await commit(ticket, recording.duration, tellCaller: false)
                if case .saved(let message) = outcome { return .operatorRequested(saved: message) }
                return .operatorRequested(saved: nil)
            case .reRecord:
                try await store.discardRecording(ticket)
            }
        }
    }

    private enum ReviewChoice { case save, saveSilently, reRecord, `operator` }

    /// The review menu after `#`: 1 listen, 2 re-record, 3 (or #) save, 0 operator.
    private func review(_ ticket: RecordingTicket) async throws -> ReviewChoice {
        var attempts = 0
        var pending: Character?
        do {
            while attempts < reviewAttempts {
                var key = pending
                pending = nil
                if key == nil { key = try await phone.play([.prompt(Prompts.reviewOptions)], bargeIn: true) }
                if key == nil { key = try await phone.collect(.menuKey(prefix: nil)).first }
                switch key {
                case "1":
                    // A key pressed while listening is taken as the next choice.
                    if case .interrupted(let next, _) = try await phone.playFile(ticket.audioFile, from: .zero) { pending = next }
                case "2":
                    return .reRecord
                case "3", "#":
                    return .save
                case "0" where operatorAvailable:
                    return .operator
                case nil:
                    attempts += 1
                default:
                    attempts += 1
                    _ = try await phone.play([.prompt(Prompts.invalidOption)], bargeIn: false)
                }
            }
            return .save
        } catch VoicemailPhoneError.hungUp {
            return .saveSilently
        }
    }

    private func commit(_ ticket: RecordingTicket, _ duration: Duration, tellCaller: Bool) async throws -> Outcome {
        let outcome = try await store.commitRecording(ticket, duration: duration)
        switch outcome {
        case .saved(let message):
            if tellCaller { _ = try? await phone.play([.prompt(Prompts.saved)], bargeIn: false) }
            return .saved(message)
        case .tooShort:
            if tellCaller { _ = try? await phone.play([.prompt(Prompts.noMessage)], bargeIn: false) }
            return .noMessage
        }
    }
}

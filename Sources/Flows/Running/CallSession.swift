import Foundation

/// The interpreter's only view of a call. The live `Call` (SIP + RTP) implements it, and so does
/// `SimulatedCallSession` (virtual clock, scripted keys); a flow cannot tell the difference.
///
/// Every waiting method returns by its own timeout; a caller hanging up surfaces as
/// `CallSessionError.callerHungUp` from whatever the interpreter is awaiting.
public protocol CallSession: AnyObject, Sendable {
    /// Who called which number, and what the caller's side offers.
    var info: CallInfo { get }
    /// The current time: wall clock on a live call, virtual time in the simulator.
    func now() async -> Date
    /// Plays `prompts` in order. With `bargeIn`, the first key pressed stops playback and stays
    /// buffered for the next `collectDigits` (a key already buffered stops it at once); without
    /// it, keys pressed during playback are discarded. Throws `promptUnavailable` for a missing prompt.
    func play(_ prompts: [String], language: String, bargeIn: Bool) async throws -> PlaybackResult
    /// Reads keys (buffered ones first) until one of the request's endings.
    func collectDigits(_ request: DigitRequest) async throws -> DigitResult
    /// Rings the endpoints; a bridged transfer returns `.answered` when the bridged call has ended.
    func transfer(_ request: TransferRequest) async throws -> TransferResult
    /// Records a message into a mailbox (the voicemail layer fills this in).
    func voicemail(_ request: VoicemailRequest) async throws -> VoicemailResult
    /// Lets staff hear their messages (the voicemail layer fills this in).
    func voicemailAccess(_ request: VoicemailAccessRequest) async throws -> VoicemailAccessResult
    /// Offers the web directory instead of audio (the web layer fills this in).
    func offerWebDirectory() async throws -> WebDirectoryResult
    /// Ends the call from Switchboard's side.
    func hangUp() async
}

/// The facts of a call a flow can branch on.
public struct CallInfo: Sendable {
    /// The caller's number or user part ("anonymous" when withheld).
    public var caller: String
    /// The number dialled (Request-URI user).
    public var called: String
    /// Extra facts from the call's signalling, visible to flows as `call.NAME` (e.g. `call.accepts-html`).
    public var variables: [String: String]

    public init(caller: String, called: String, variables: [String: String] = [:]) {
        self.caller = caller
        self.called = called
        self.variables = variables
    }
}

/// How a `play` ended.
public enum PlaybackResult: Sendable, Equatable {
    case completed
    /// A key stopped playback (barge-in); the key is buffered for the next collect.
    case interrupted(by: Character)
}

/// What to wait for when collecting keys.
public struct DigitRequest: Sendable, Equatable {
    public var maxDigits: Int
    /// Ends input and is not part of the digits.
    public var terminator: Character?
    /// From the start of collecting to the first key.
    public var firstDigitTimeout: Duration
    /// From each key to the next.
    public var interDigitTimeout: Duration
    /// Input ends as soon as the keys equal one of these (menu keys nothing longer starts with).
    public var completeSequences: Set<String>

    public init(maxDigits: Int, terminator: Character?, firstDigitTimeout: Duration,
                interDigitTimeout: Duration, completeSequences: Set<String> = []) {
        self.maxDigits = maxDigits
        self.terminator = terminator
        self.firstDigitTimeout = firstDigitTimeout
        self.interDigitTimeout = interDigitTimeout
        self.completeSequences = completeSequences
    }
}

/// Keys read and why reading stopped.
public struct DigitResult: Sendable, Equatable {
    /// Why collecting stopped.
    public enum Ending: String, Sendable {
        case maxDigits = "max-digits", terminator, complete
        case firstDigitTimeout = "no-input", interDigitTimeout = "inter-digit-timeout"
    }
    /// The keys, without the terminator.
    public var digits: String
    public var ending: Ending

    public init(digits: String, ending: Ending) {
        self.digits = digits
        self.ending = ending
    }
}

/// One place a transfer rings.
public enum TransferEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// A person's registered phones (by SIP user name).
    case registered(user: String)
    /// An outside number or SIP URI (already checked against the allowed patterns).
    case external(String)

    public var description: String {
        switch self {
        case .registered(let user): "registered:\(user)"
        case .external(let target): target
        }
    }
}

/// A transfer the session should attempt: all endpoints ring at once for `ringTimeout`.
public struct TransferRequest: Sendable, Equatable {
    /// What the flow asked for, e.g. `department/sales` or `person/alice` (for traces and tests).
    public var destination: String
    public var endpoints: [TransferEndpoint]
    public var ringTimeout: Duration
    public var mode: TransferStep.Mode
    /// Played to the callee on answer before the caller is connected.
    public var whisper: [String]
    public var language: String

    public init(destination: String, endpoints: [TransferEndpoint], ringTimeout: Duration, mode: TransferStep.Mode,
                whisper: [String] = [], language: String = "en") {
        self.destination = destination
        self.endpoints = endpoints
        self.ringTimeout = ringTimeout
        self.mode = mode
        self.whisper = whisper
        self.language = language
    }
}

/// How a transfer attempt ended. After `.answered` the call is the callee's; the flow ends.
public enum TransferResult: String, Sendable, Equatable, CaseIterable {
    case answered
    case noAnswer = "no-answer"
    case busy
    case failed
}

/// A message to record.
public struct VoicemailRequest: Sendable, Equatable {
    public var mailbox: String
    /// The greeting to play before the beep; nil for the mailbox's own or the default.
    public var greeting: [String]?
    public var language: String
    /// Whether the step has an `operator` target (`0` reaches it).
    public var operatorAvailable = false
}

/// How a voicemail deposit ended.
public enum VoicemailResult: String, Sendable, Equatable, CaseIterable {
    case recorded
    case noMessage = "no-message"
    case failed
    /// The caller pressed `0` for the step's `operator` (any message was saved first).
    case operatorRequested = "operator"
}

/// A staff member dialling in for messages; nil mailbox means "ask which".
public struct VoicemailAccessRequest: Sendable, Equatable {
    public var mailbox: String?
    public var language: String
    /// The step's `call-back: true`: a message's caller may be called back (when the
    /// directory's outbound patterns allow the number).
    public var callBack = false
}

/// How a voicemail-access session ended.
public enum VoicemailAccessResult: String, Sendable, Equatable {
    case completed
    case failed
}

/// Whether the caller took the web directory.
public enum WebDirectoryResult: String, Sendable, Equatable, CaseIterable {
    case accepted
    case declined
}

/// Why a session call failed; anything but `callerHungUp` sends the interpreter to the step's failure path.
public enum CallSessionError: Error, Sendable, Equatable {
    case callerHungUp
    case promptUnavailable(String)
    case failed(String)
}

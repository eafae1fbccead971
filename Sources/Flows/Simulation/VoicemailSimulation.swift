import Foundation

/// Runs the real voicemail procedures (deposit and retrieval) for the simulator. `Flows` does
/// not import `Voicemail`: the `Switchboard` target implements this over a temporary store,
/// and `switchboard simulate` / `switchboard test` plug it in. Without one, the simulator
/// answers `voicemail` steps with the scenario's scripted result.
public protocol VoicemailSimulation: Sendable {
    /// Runs a deposit for the caller on `session` (keys, timing and speech from its script).
    func deposit(_ request: VoicemailRequest, on session: SimulatedCallSession) async throws -> VoicemailResult
    /// Runs a retrieval session; throws `CallSessionError.callerHungUp` when the caller hangs up.
    func access(_ request: VoicemailAccessRequest, on session: SimulatedCallSession) async throws -> VoicemailAccessResult
    /// The mailboxes as they are now (for `expect: mailboxes:`).
    func mailboxStates() async -> [String: SimulatedMailboxState]
    /// Whether `pin` opens `mailbox` now (for `expect: mailboxes: {N: {pin: …}}`).
    func pinOpens(_ pin: String, mailbox: String) async -> Bool
    /// Removes the temporary store.
    func finish() async
}

/// Makes a fresh voicemail simulation for one call, seeded with the scenario's mailboxes.
public typealias VoicemailSimulationFactory = @Sendable (_ mailboxes: [SimulatedMailbox], _ directory: Directory) async throws
    -> any VoicemailSimulation

/// A mailbox a scenario starts with (`mailboxes:` in a scenario file).
public struct SimulatedMailbox: Sendable, Equatable {
    public var number: String
    public var owner: String?
    /// The PIN, in clear (it is hashed into the temporary store).
    public var pin: String?
    public var maxMessages: Int?
    public var maxSeconds: Int?
    public var minSeconds: Int?
    public var messages: [SimulatedMessage] = []

    public init(number: String, owner: String? = nil, pin: String? = nil, messages: [SimulatedMessage] = []) {
        self.number = number
        self.owner = owner
        self.pin = pin
        self.messages = messages
    }
}

/// A message already in a scenario's mailbox.
public struct SimulatedMessage: Sendable, Equatable {
    /// The caller's number (nil: unknown caller).
    public var from: String?
    public var length: Duration
    /// Nil: an hour before the call.
    public var received: Date?
    public var saved = false
    public var heard = false

    public init(from: String?, length: Duration, received: Date? = nil, saved: Bool = false, heard: Bool = false) {
        self.from = from
        self.length = length
        self.received = received
        self.saved = saved
        self.heard = heard
    }
}

/// A mailbox's counts after a simulated call.
public struct SimulatedMailboxState: Sendable, Equatable {
    public var new: Int
    public var saved: Int
    public var unheard: Int
    public var hasGreeting: Bool

    public init(new: Int, saved: Int, unheard: Int, hasGreeting: Bool) {
        self.new = new
        self.saved = saved
        self.unheard = unheard
        self.hasGreeting = hasGreeting
    }
}

/// What the caller does each time they are recorded (`speak:` in a scenario file): talk for
/// `length`, then press `then` (a key, or nothing), or hang up.
public struct SimulatedSpeech: Sendable, Equatable {
    public enum After: Sendable, Equatable {
        /// Silence follows (the silence limit or the maximum length ends the recording).
        case nothing
        case key(Character)
        case hangUp
    }
    public var length: Duration
    public var then: After

    public init(length: Duration, then: After = .nothing) {
        self.length = length
        self.then = then
    }

    /// When the script has no more entries: 10 s of speech, then the caller hangs up.
    public static let `default` = SimulatedSpeech(length: .seconds(10), then: .hangUp)
}

/// How a simulated recording ended.
public enum SimulatedRecordingEnding: Sendable, Equatable {
    case key(Character)
    case maxDuration
    case silence
    case hangUp
}

/// What the simulated caller and the simulated far ends do: key presses, transfer outcomes,
/// voicemail and web-directory answers, when the caller hangs up.
public struct SimulationScript: Sendable {
    /// The caller's answer each time the flow waits for keys and none are already on their way.
    public enum KeyResponse: Sendable, Equatable {
        /// Press `keys` starting `after` the wait begins, `gap` apart.
        case press(String, after: Duration = .milliseconds(500), gap: Duration = .milliseconds(300))
        /// Press nothing (let the timeout run).
        case silence
    }

    /// Keys at fixed times since the call started (for barge-in and timing tests).
    public struct TimedKeys: Sendable, Equatable {
        public var at: Duration
        public var keys: String
        public var gap: Duration

        public init(at: Duration, keys: String, gap: Duration = .milliseconds(300)) {
            self.at = at
            self.keys = keys
            self.gap = gap
        }
    }

    public var responses: [KeyResponse] = []
    public var timedKeys: [TimedKeys] = []
    /// By destination (`department/sales`) or endpoint (`registered:alice`, `+4930…`); endpoint wins.
    public var transferResults: [String: TransferResult] = [:]
    public var defaultTransferResult: TransferResult = .answered
    /// A scripted result for every `voicemail` step; nil runs the real deposit when the
    /// simulator has a `VoicemailSimulation` (else `recorded`).
    public var voicemailResult: VoicemailResult?
    /// What the caller does each time they are recorded, in order (then `SimulatedSpeech.default`).
    public var speech: [SimulatedSpeech] = []
    /// Mailboxes the voicemail simulation starts with.
    public var mailboxes: [SimulatedMailbox] = []
    /// Nil: accepted when the call variable `accepts-html` is `true`, else declined.
    public var webDirectoryResult: WebDirectoryResult?
    public var hangUpAt: Duration?
    /// Prompts the simulated media layer cannot play (to test failure paths).
    public var unavailablePrompts: Set<String> = []
    /// Length of a prompt with no known duration.
    public var defaultPromptDuration: Duration = .seconds(1)

    public init() {}
}

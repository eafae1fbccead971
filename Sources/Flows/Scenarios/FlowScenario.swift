import Foundation

/// One admin-written test of the flows (`flows/tests/*.yaml`): a call, what the caller and the
/// far ends do, and what must happen.
public struct FlowScenario: Sendable {
    public var name: String
    public var location: SourceLocation
    public var call: CallInfo
    public var start: Date
    public var script: SimulationScript
    public var expectation: Expectation

    /// What must be true after the call. Lists match in order, as subsequences of what happened.
    public struct Expectation: Sendable {
        /// `transferred`, `voicemail`, `voicemail-access`, `web-directory`, `hangup`, `caller-hangup`, `failed`.
        public var outcome: String?
        /// For `transferred`: the destination.
        public var transferredTo: String?
        /// For `voicemail`: the mailbox.
        public var mailbox: String?
        public var steps: [String] = []
        public var prompts: [String] = []
        public var transfers: [String] = []
        /// The call must end within this virtual time.
        public var maxDuration: Duration?
    }
}

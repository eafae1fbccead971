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
        /// Mailboxes after the call (needs the voicemail simulation).
        public var mailboxes: [String: MailboxExpectation] = [:]
    }

    /// What a mailbox must hold after the call; nil fields are not checked.
    public struct MailboxExpectation: Sendable, Equatable {
        public var new: Int?
        public var saved: Int?
        public var unheard: Int?
        public var greeting: Bool?
        /// A PIN that must open the mailbox (e.g. one changed by phone).
        public var pin: String?

        public init(new: Int? = nil, saved: Int? = nil, unheard: Int? = nil, greeting: Bool? = nil, pin: String? = nil) {
            self.new = new
            self.saved = saved
            self.unheard = unheard
            self.greeting = greeting
            self.pin = pin
        }
    }
}

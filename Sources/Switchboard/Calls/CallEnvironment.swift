import Flows
import Media
import NIOConcurrencyHelpers
import SDP
import SIPCore
import Voicemail

/// What every call needs and the server shares: the flows (replaced on reload; a call keeps
/// the system it started with), the prompts, the media engine, and the call policy.
final class CallEnvironment: Sendable {
    private let system: NIOLockedValueBox<FlowSystem>
    let prompts: PromptLibrary
    let media: MediaEngine
    let policy: CallPolicy
    /// Mailboxes and messages (nil: voicemail steps fail).
    let voicemail: (any VoicemailStore)?
    /// Counters for `/healthz` and `/metrics`.
    let status: SwitchboardStatus
    /// The process's one guard against PIN guessing by phone (docs/voicemail.md#lock-out-pinguard).
    let pinGuard = PINGuardKeeper()

    init(system: FlowSystem, prompts: PromptLibrary, media: MediaEngine, policy: CallPolicy,
         voicemail: (any VoicemailStore)? = nil, status: SwitchboardStatus = SwitchboardStatus()) {
        self.system = NIOLockedValueBox(system)
        self.prompts = prompts
        self.media = media
        self.policy = policy
        self.voicemail = voicemail
        self.status = status
    }

    /// The flows new calls run.
    var flows: FlowSystem { system.withLockedValue { $0 } }

    /// Replaces the flows for calls that start from now on.
    func replaceFlows(_ new: FlowSystem) { system.withLockedValue { $0 = new } }
}

/// The limits and choices of the call layer.
public struct CallPolicy: Sendable, Equatable {
    /// Codecs we accept, in our order of preference (the offerer's order wins in an answer).
    public var codecs: [Codec] = [.pcmu, .pcma, .g722, .telephoneEvent]
    /// Calls admitted at once; past it a new INVITE gets `503` with Retry-After
    /// (RFC 3261 §21.5.4), so admitted calls stay healthy.
    public var maximumCalls = 4_000
    /// The Retry-After, in seconds, of that 503.
    public var overloadRetryAfter = 5
    /// RFC 4028 session timers: our Min-SE and preferred interval.
    public var sessionTimers = SessionTimerPolicy(preferredInterval: 1800, uasChoiceWhenUnspecified: .uac)
    /// Send unsolicited message-summary NOTIFYs (RFC 3842) to the registered contacts of the
    /// user named like a mailbox on every change of it (phones that never SUBSCRIBE).
    public var unsolicitedMessageWaiting = false

    public init() {}
}

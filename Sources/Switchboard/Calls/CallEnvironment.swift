import Foundation
import Flows
import Media
import NIOConcurrencyHelpers
import NIOCore
import SDP
import SIPCore
import SIPMessage
import Voicemail

/// What every call needs and the server shares: the flows (replaced on reload; a call keeps
/// the system it started with), the prompts, the media engines, and the call policy.
final class CallEnvironment: Sendable {
    private let system: NIOLockedValueBox<FlowSystem>
    let prompts: PromptLibrary
    /// One engine per media loop; a new call takes ``MediaEnginePool/pick()``.
    let media: MediaEnginePool
    let policy: CallPolicy
    /// Mailboxes and messages (nil: voicemail steps fail).
    let voicemail: (any VoicemailStore)?
    /// Counters for `/healthz` and `/metrics`.
    let status: SwitchboardStatus
    /// The time flows see (schedules): the wall clock, or a shifted one in tests.
    let clock: @Sendable () -> Date
    /// The process's one guard against PIN guessing by phone (docs/voicemail.md#lock-out-pinguard).
    let pinGuard = PINGuardKeeper()

    init(system: FlowSystem, prompts: PromptLibrary, media: MediaEnginePool, policy: CallPolicy,
         voicemail: (any VoicemailStore)? = nil, status: SwitchboardStatus = SwitchboardStatus(),
         clock: @escaping @Sendable () -> Date = { Date() }) {
        self.clock = clock
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
    /// Where the web directory is served (`--http`), for the `web-directory` step's
    /// `Call-Info`; nil: the step is declined.
    public var webDirectory: WebDirectoryAddress?
    /// No RTP or RTCP for this long (not on hold) ends a call leg as dead (RFC 3550 §6.3.5
    /// spirit; the far end vanished without a BYE).
    public var mediaTimeout: Duration = .seconds(30)
    /// Where outside numbers go (nil: transfers to numbers fail).
    public var trunk: Trunk?
    /// Methods that must carry valid digest credentials of a directory person, like
    /// REGISTER always does (e.g. `INVITE` on a server only staff may call).
    public var protectedMethods: Set<String> = []
    /// Send unsolicited message-summary NOTIFYs (RFC 3842) to the registered contacts of the
    /// user named like a mailbox on every change of it (phones that never SUBSCRIBE).
    public var unsolicitedMessageWaiting = false
    /// Media event loops (threads), each with its own clock and share of the calls.
    public var mediaLoops = System.coreCount
    /// Send each media tick's packets with one io_uring submission per loop (falls back to
    /// `sendto` where the kernel refuses io_uring).
    public var mediaIOUring = false
    /// Sub-ticks per 20 ms frame on each media loop (1–20): every call belongs to one, so a
    /// loop's packets leave spread over the frame in small flushes instead of all at one
    /// tick (with thousands of calls the last packet of a single tick is milliseconds late).
    /// 1 by default (a wake-up per 20 ms); 4 gets most of the gain of 20 for a fifth of its
    /// wake-ups (see benchmarks.md).
    public var mediaPhases = 1
    /// One media port pair per loop for all its calls (RTP demultiplexed by source address,
    /// then SSRC) instead of a pair per call: a tick's packets leave in one `sendmmsg`.
    /// Only for far ends that send from the address their SDP gives (trunks, PBXs, SBCs):
    /// a phone behind NAT sends from an address no call announced and is not heard.
    public var mediaSharedPort = false

    public init() {}
}

/// The web directory's address as callers reach it; a nil host means "the address the
/// caller reached us at" (for a wildcard listener).
public struct WebDirectoryAddress: Sendable, Equatable {
    public var host: String?
    public var port: Int

    public init(host: String?, port: Int) {
        self.host = host
        self.port = port
    }
}

/// An outbound proxy for outside numbers (a carrier's SIP trunk): a number `N` becomes
/// `sip:N@domain`, sent through `proxy` (a loose route), with digest credentials answering
/// the trunk's `401`/`407` (RFC 3261 §22.2).
public struct Trunk: Sendable, Equatable {
    public var proxy: URI
    public var domain: String
    public var credentials: [DigestCredential]

    public init(proxy: URI, domain: String, credentials: [DigestCredential]) {
        self.proxy = proxy
        self.domain = domain
        self.credentials = credentials
    }

    /// The target for an outside number (digits, with or without a leading `+`).
    func target(forNumber number: String) -> OutboundTarget? {
        let digits = number.filter { $0.isNumber || $0 == "+" }
        guard !digits.isEmpty, digits == number, let uri = try? URI("sip:\(digits)@\(domain)") else { return nil }
        return .trunk(uri, proxy: proxy, credentials: credentials)
    }
}

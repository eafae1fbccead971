/// What the web pages show that only the running server knows: who has a phone registered,
/// whether SIP is listening, and the counters behind `/metrics`. The application implements
/// it over the registrar, the transport and its call counters; WebDirectory never imports
/// SIP. Every requirement may be answered synchronously by a conforming type.
public protocol DirectoryLiveState: Sendable {
    /// True when the person (by directory id) can be rung now: a registered contact, or
    /// another way the call layer would reach them.
    func isReachable(person: String) async -> Bool
    /// True once every SIP listener is bound and serving; `/healthz` answers 503 otherwise.
    var sipListenersUp: Bool { get async }
    /// The counters and gauges `/metrics` exposes, read at request time.
    func metrics() async -> LiveMetrics
}

/// One reading of the server's counters (monotonic totals since start, except the gauges).
public struct LiveMetrics: Sendable, Equatable {
    /// Calls in progress (gauge).
    public var activeCalls: Int
    /// Finished calls by outcome: the keys are `CallOutcome.name` (`transferred`,
    /// `voicemail`, `web-directory`, `caller-hangup`, `failed`, …).
    public var callsByOutcome: [String: Int]
    /// SIP transactions created, by kind (`invite-server`, `non-invite-server`,
    /// `invite-client`, `non-invite-client`).
    public var transactionsByKind: [String: Int]
    /// RTP packets sent to callers.
    public var rtpPacketsSent: Int
    /// RTP packets received from callers.
    public var rtpPacketsReceived: Int
    /// How late the media clock's ticks ran.
    public var rtpLateness: Lateness
    /// Voicemail messages stored.
    public var voicemailDeposits: Int

    public init(activeCalls: Int = 0, callsByOutcome: [String: Int] = [:], transactionsByKind: [String: Int] = [:],
                rtpPacketsSent: Int = 0, rtpPacketsReceived: Int = 0, rtpLateness: Lateness = Lateness(),
                voicemailDeposits: Int = 0) {
        self.activeCalls = activeCalls
        self.callsByOutcome = callsByOutcome
        self.transactionsByKind = transactionsByKind
        self.rtpPacketsSent = rtpPacketsSent
        self.rtpPacketsReceived = rtpPacketsReceived
        self.rtpLateness = rtpLateness
        self.voicemailDeposits = voicemailDeposits
    }

    /// Media-clock lateness: a Prometheus summary without quantiles, plus the worst tick.
    public struct Lateness: Sendable, Equatable {
        /// Ticks measured.
        public var count: Int
        /// Their lateness added up, in seconds.
        public var sumSeconds: Double
        /// The latest tick so far, in seconds.
        public var maxSeconds: Double

        public init(count: Int = 0, sumSeconds: Double = 0, maxSeconds: Double = 0) {
            self.count = count
            self.sumSeconds = sumSeconds
            self.maxSeconds = maxSeconds
        }
    }
}

/// A fixed live state: for `switchboard web` (a preview without SIP) and for tests.
public struct StaticLiveState: DirectoryLiveState {
    /// Ids of the people shown as reachable.
    public var reachable: Set<String>
    public var sipListenersUp: Bool
    public var fixedMetrics: LiveMetrics

    public init(reachable: Set<String> = [], sipListenersUp: Bool = false, metrics: LiveMetrics = LiveMetrics()) {
        self.reachable = reachable
        self.sipListenersUp = sipListenersUp
        self.fixedMetrics = metrics
    }

    public func isReachable(person: String) async -> Bool { reachable.contains(person) }
    public func metrics() async -> LiveMetrics { fixedMetrics }
}

/// A live state made of closures: the application can wire its registrar, listeners and
/// counters in without declaring a type.
public struct ClosureLiveState: DirectoryLiveState {
    private let reachable: @Sendable (String) async -> Bool
    private let listenersUp: @Sendable () async -> Bool
    private let reading: @Sendable () async -> LiveMetrics

    public init(isReachable: @escaping @Sendable (_ person: String) async -> Bool,
                sipListenersUp: @escaping @Sendable () async -> Bool,
                metrics: @escaping @Sendable () async -> LiveMetrics) {
        self.reachable = isReachable
        self.listenersUp = sipListenersUp
        self.reading = metrics
    }

    public func isReachable(person: String) async -> Bool { await reachable(person) }
    public var sipListenersUp: Bool { get async { await listenersUp() } }
    public func metrics() async -> LiveMetrics { await reading() }
}

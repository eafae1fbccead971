import SIPTransaction

/// The UAS core's retransmission of a 2xx to an INVITE until the ACK comes (RFC 3261
/// §13.3.1.4), sans-IO: the 2xx is resent at T1, then at intervals doubling up to T2
/// (500 ms, 1 s, 2 s, 4 s, 4 s … with the defaults), whatever the transport, since the ACK
/// is end to end. When no ACK has come 64·T1 after the first send, the caller is told to
/// give up: confirm the dialog and then end it with a BYE.
///
/// The owner sends the 2xx itself, calls `start(now:)`, schedules a wake-up at `deadline`
/// and calls `fire(now:)` then; `ackReceived()` stops it.
public struct TwoHundredRetransmitter: Hashable, Sendable {
    /// What to do when a deadline passes.
    public enum Action: Hashable, Sendable {
        /// Send the same 2xx again.
        case retransmit
        /// 64·T1 passed without ACK: stop, and end the session with a BYE (§13.3.1.4).
        case giveUpAndSendBye
    }

    /// Where the retransmitter is: not started, resending, stopped by the ACK, or given up.
    public enum State: Hashable, Sendable {
        case idle
        case retransmitting
        case acknowledged
        case timedOut
    }

    public let t1: Duration
    public let t2: Duration
    public private(set) var state: State = .idle
    /// The current retransmission interval.
    public private(set) var interval: Duration
    /// When the next retransmission is due; nil when not retransmitting.
    public private(set) var nextRetransmission: SIPInstant?
    /// 64·T1 after the first send: when to give up; nil when not retransmitting.
    public private(set) var giveUpAt: SIPInstant?

    /// A retransmitter with the RFC 3261 defaults (T1 = 500 ms, T2 = 4 s) or the layer's.
    public init(t1: Duration = .milliseconds(500), t2: Duration = .seconds(4)) {
        let minimum = Duration.milliseconds(1)
        self.t1 = max(t1, minimum)
        self.t2 = max(t2, self.t1)
        self.interval = self.t1
    }

    /// A retransmitter with a transaction layer's timer values.
    public init(timers: TransactionTimerValues) {
        self.init(t1: timers.t1, t2: timers.t2)
    }

    /// The 2xx was sent for the first time at `now`.
    public mutating func start(now: SIPInstant) {
        guard state == .idle else { return }
        state = .retransmitting
        interval = t1
        nextRetransmission = now + t1
        giveUpAt = now + t1 * 64
    }

    /// The earliest instant `fire(now:)` has something to do; nil when finished.
    public var deadline: SIPInstant? {
        guard state == .retransmitting, let next = nextRetransmission, let end = giveUpAt else { return nil }
        return min(next, end)
    }

    /// The ACK arrived (§13.3.1.4): stop retransmitting. Returns whether it was still running.
    @discardableResult
    public mutating func ackReceived() -> Bool {
        guard state == .retransmitting else { return false }
        state = .acknowledged
        nextRetransmission = nil
        giveUpAt = nil
        return true
    }

    /// What is due at `now`: a retransmission (after which the interval doubles, capped at
    /// T2), the give-up, or nothing (`nil`: woken early, or already finished).
    public mutating func fire(now: SIPInstant) -> Action? {
        guard state == .retransmitting, let next = nextRetransmission, let end = giveUpAt else { return nil }
        if now >= end {
            state = .timedOut
            nextRetransmission = nil
            giveUpAt = nil
            return .giveUpAndSendBye
        }
        guard now >= next else { return nil }
        interval = min(interval * 2, t2)
        nextRetransmission = next + interval
        return .retransmit
    }
}

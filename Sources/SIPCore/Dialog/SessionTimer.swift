import SIPTransaction

/// The running session timer of one dialog (RFC 4028 §10), sans-IO with an injected clock.
///
/// After each successful session refresh (the 2xx to an INVITE or UPDATE that carried a
/// Session-Expires), call `refreshed(_:weWereUAC:now:)`. Then schedule a wake-up at
/// `deadline` and call `fire(now:)`:
/// - as the refresher, a refresh is due at half the interval (§10: "the refresher SHOULD
///   send a refresh at half the session interval");
/// - as the other side, the session expires at interval − min(32 s, interval/3) without a
///   refresh, when we send a BYE (§10).
public struct SessionTimer: Hashable, Sendable {
    /// What a passed deadline asks for.
    public enum Action: Hashable, Sendable {
        /// Send a session refresh (re-INVITE or UPDATE) with the current interval.
        case refresh
        /// No refresh came: end the session with a BYE (RFC 4028 §10).
        case sendBye
    }

    /// The agreement in force.
    public private(set) var agreement: SessionTimerAgreement
    /// Whether this UA is the refresher.
    public private(set) var isLocalRefresher: Bool
    /// When the last refresh succeeded.
    public private(set) var lastRefresh: SIPInstant
    /// Whether the timer was stopped (the session ended, or a refresh without timer came).
    public private(set) var isStopped = false
    /// Whether a refresh is in progress (we asked for it at `deadline` and await the 2xx).
    public private(set) var refreshInProgress = false

    /// A timer that starts at `now` with `agreement`, negotiated in a transaction where this
    /// UA was the UAC (`weWereUAC`) or the UAS.
    public init(_ agreement: SessionTimerAgreement, weWereUAC: Bool, now: SIPInstant) {
        self.agreement = agreement
        self.isLocalRefresher = agreement.localIsRefresher(weWereUAC: weWereUAC)
        self.lastRefresh = now
    }

    /// The session interval.
    public var interval: Duration { .seconds(Int64(agreement.interval)) }

    /// When the refresher sends its refresh: half the interval after the last one (§10).
    public var refreshDeadline: SIPInstant { lastRefresh + interval / 2 }

    /// When the non-refresher gives up and sends BYE: interval − min(32 s, interval/3) after
    /// the last refresh (§10).
    public var expiryDeadline: SIPInstant { lastRefresh + (interval - min(.seconds(32), interval / 3)) }

    /// The next instant `fire(now:)` acts; nil when stopped. A refresher whose refresh is in
    /// flight waits for the session expiry as well, so a refresh that never succeeds ends
    /// the session too.
    public var deadline: SIPInstant? {
        guard !isStopped else { return nil }
        if isLocalRefresher, !refreshInProgress { return refreshDeadline }
        return expiryDeadline
    }

    /// What is due at `now`, or nil.
    public mutating func fire(now: SIPInstant) -> Action? {
        guard !isStopped, let deadline, now >= deadline else { return nil }
        if isLocalRefresher, !refreshInProgress {
            refreshInProgress = true
            return .refresh
        }
        isStopped = true
        return .sendBye
    }

    /// A session refresh succeeded at `now` with `agreement` (from
    /// `SessionTimerNegotiation.uac(response:)` or `.uas(request:…)`): restart the timer. The
    /// refresher may change, since it is relative to the refreshing transaction (§10).
    public mutating func refreshed(_ agreement: SessionTimerAgreement, weWereUAC: Bool, now: SIPInstant) {
        self.agreement = agreement
        self.isLocalRefresher = agreement.localIsRefresher(weWereUAC: weWereUAC)
        lastRefresh = now
        refreshInProgress = false
        isStopped = false
    }

    /// Our refresh request failed with a response other than 2xx (not 491 or 422, which the
    /// caller retries): the refresher gives up and waits for the expiry (RFC 4028 §10).
    public mutating func refreshFailed() {
        refreshInProgress = true
    }

    /// Stop: the dialog ended, or a refresh arrived that no longer uses the timer (§9, §7.2).
    public mutating func stop() { isStopped = true }
}

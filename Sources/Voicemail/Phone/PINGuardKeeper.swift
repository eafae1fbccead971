/// The process's one `PINGuard`, shared by every call that logs into a mailbox, on the
/// continuous clock. An actor, so concurrent logins update it one at a time.
public actor PINGuardKeeper {
    private var guardState: PINGuard<ContinuousClock.Instant>
    private let clock = ContinuousClock()

    public init(policy: PINGuardPolicy = PINGuardPolicy()) {
        guardState = PINGuard(policy: policy)
    }

    /// Whether a PIN for `mailbox` may be tried now from `source`.
    public func check(mailbox: String, source: String?) -> PINGuard<ContinuousClock.Instant>.Decision {
        guardState.check(mailbox: mailbox, source: source, at: clock.now)
    }

    /// Records a wrong PIN (or unknown mailbox); returns what may happen next.
    @discardableResult
    public func recordFailure(mailbox: String, source: String?) -> PINGuard<ContinuousClock.Instant>.Decision {
        guardState.recordFailure(mailbox: mailbox, source: source, at: clock.now)
    }

    /// Records a right PIN.
    public func recordSuccess(mailbox: String, source: String?) {
        guardState.recordSuccess(mailbox: mailbox, source: source, at: clock.now)
    }
}

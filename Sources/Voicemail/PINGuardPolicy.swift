/// How strict the `PINGuard` is.
///
/// With the defaults: 3 wrong PINs lock the mailbox (and, separately, the calling source)
/// for 30 s; each further lock-out in the same streak doubles it (60 s, 120 s, …) up to
/// 1 hour. A key with no wrong PIN for 24 hours (and no running lock-out) starts afresh.
public struct PINGuardPolicy: Hashable, Sendable {
    /// Wrong PINs in a row that trigger a lock-out.
    public var maxFailures: Int
    /// The first lock-out's length; each further one in a streak doubles it.
    public var baseLockout: Duration
    /// The longest lock-out.
    public var maxLockout: Duration
    /// Quiet time after which a key's failures and lock-out streak are forgotten.
    public var forgetAfter: Duration
    /// Most keys tracked; beyond it, the oldest keys that are not locked out are dropped
    /// (bounds memory when callers spray made-up mailbox numbers or caller IDs).
    public var maxTrackedKeys: Int

    public init(maxFailures: Int = 3, baseLockout: Duration = .seconds(30), maxLockout: Duration = .seconds(3600),
                forgetAfter: Duration = .seconds(86_400), maxTrackedKeys: Int = 10_000) {
        self.maxFailures = max(1, maxFailures)
        self.baseLockout = baseLockout
        self.maxLockout = max(maxLockout, baseLockout)
        self.forgetAfter = forgetAfter
        self.maxTrackedKeys = max(1, maxTrackedKeys)
    }

    /// The length of the `n`th lock-out of a streak (n ≥ 1): base · 2^(n−1), capped.
    public func lockoutLength(number n: Int) -> Duration {
        var length = baseLockout
        var step = 1
        while step < n && length < maxLockout {
            length *= 2
            step += 1
        }
        return min(length, maxLockout)
    }
}

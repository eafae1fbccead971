/// Limits PIN guessing by phone: a few tries, then lock-outs that double in length, kept
/// separately per mailbox and per calling source (caller ID or SIP source address).
///
/// A pure value type with no clock of its own: every call passes the current instant
/// (`at:`) from whatever clock the caller runs on — a virtual one in tests — so every path
/// is tested without waiting. It holds no PINs; the flow asks `check` before verifying a
/// PIN with the store and reports the result with `recordFailure`/`recordSuccess`.
///
/// Why two keys: the mailbox key stops a slow guesser who changes caller ID; the source key
/// stops one caller trying a couple of PINs on each of many mailboxes. A wrong PIN counts
/// against both; a right one clears the mailbox's record only — the source's count is not
/// reset by logging into one's own mailbox between guesses at others, and fades after
/// `forgetAfter`. Unknown mailbox numbers must be reported like wrong PINs, so that
/// guessing which mailboxes exist costs the same.
///
/// Keep one guard per process (e.g. in an actor or behind a mutex); its state is not
/// persisted, so a restart forgives every lock-out — the lock-outs are a rate limit, not an
/// account lock.
public struct PINGuard<Instant: InstantProtocol & Sendable>: Sendable where Instant.Duration == Swift.Duration {
    /// What is tracked: a mailbox, or a calling source.
    public enum Key: Hashable, Sendable {
        /// A mailbox number, as the caller keyed it (existing or not).
        case mailbox(String)
        /// A calling source: the caller ID, or the SIP source address when there is none.
        case source(String)
    }

    /// Whether a PIN may be tried now.
    public enum Decision: Hashable, Sendable {
        /// Yes; `attemptsLeft` wrong PINs (at least 1) are left before a lock-out.
        case allowed(attemptsLeft: Int)
        /// No: locked out for `retryAfter` more.
        case lockedOut(retryAfter: Duration)

        /// Whether a PIN may be tried.
        public var isAllowed: Bool {
            if case .allowed = self { return true }
            return false
        }
    }

    private struct Record: Sendable {
        var failures = 0
        var lockouts = 0
        var lockedUntil: Instant?
        var lastFailure: Instant
    }

    /// The rules applied.
    public let policy: PINGuardPolicy
    private var records: [Key: Record] = [:]

    public init(policy: PINGuardPolicy = PINGuardPolicy()) {
        self.policy = policy
    }

    /// Number of keys tracked (for tests and metrics).
    public var trackedKeys: Int { records.count }

    /// Whether a PIN for `mailbox` may be tried from `source` (nil when unknown) at `now`.
    public func check(mailbox: String, source: String?, at now: Instant) -> Decision {
        var retryAfter: Duration = .zero
        var attemptsLeft = policy.maxFailures
        for key in Self.keys(mailbox: mailbox, source: source) {
            guard let record = live(key, at: now) else { continue }
            if let until = record.lockedUntil, now < until {
                retryAfter = max(retryAfter, now.duration(to: until))
            }
            attemptsLeft = min(attemptsLeft, policy.maxFailures - record.failures)
        }
        return retryAfter > .zero ? .lockedOut(retryAfter: retryAfter) : .allowed(attemptsLeft: attemptsLeft)
    }

    /// Records a wrong PIN (or an unknown mailbox) and returns what the caller may do next.
    /// A failure while locked out (the flow should not have tried) changes nothing.
    @discardableResult
    public mutating func recordFailure(mailbox: String, source: String?, at now: Instant) -> Decision {
        let current = check(mailbox: mailbox, source: source, at: now)
        if case .lockedOut = current { return current }
        for key in Self.keys(mailbox: mailbox, source: source) {
            var record = live(key, at: now) ?? Record(lastFailure: now)
            record.failures += 1
            record.lastFailure = now
            if record.failures >= policy.maxFailures {
                record.lockouts += 1
                record.failures = 0
                record.lockedUntil = now.advanced(by: policy.lockoutLength(number: record.lockouts))
            }
            records[key] = record
        }
        bound(at: now)
        return check(mailbox: mailbox, source: source, at: now)
    }

    /// Records a right PIN: the mailbox's failures and lock-out streak are cleared (the
    /// source's are not, see the type's documentation).
    public mutating func recordSuccess(mailbox: String, source: String?, at now: Instant) {
        records[.mailbox(mailbox)] = nil
    }

    /// Drops every record that has been forgotten at `now` (call now and then, e.g. hourly).
    public mutating func prune(at now: Instant) {
        records = records.filter { live($0.value, at: now) != nil }
    }

    /// The record of `key` unless it has been forgotten by `now`.
    private func live(_ key: Key, at now: Instant) -> Record? {
        records[key].flatMap { live($0, at: now) }
    }

    private func live(_ record: Record, at now: Instant) -> Record? {
        if let until = record.lockedUntil, now < until { return record }
        let quietSince = record.lockedUntil.map { max($0, record.lastFailure) } ?? record.lastFailure
        return quietSince.duration(to: now) >= policy.forgetAfter ? nil : record
    }

    /// Keeps at most `maxTrackedKeys`: forgotten records go first, then the least recently
    /// failed ones that are not locked out.
    private mutating func bound(at now: Instant) {
        guard records.count > policy.maxTrackedKeys else { return }
        prune(at: now)
        guard records.count > policy.maxTrackedKeys else { return }
        let evictable = records.filter { record in record.value.lockedUntil.map { now >= $0 } ?? true }
            .sorted { $0.value.lastFailure < $1.value.lastFailure }
        for (key, _) in evictable.prefix(records.count - policy.maxTrackedKeys) { records[key] = nil }
    }

    private static func keys(mailbox: String, source: String?) -> [Key] {
        [.mailbox(mailbox)] + (source.map { [.source($0)] } ?? [])
    }
}

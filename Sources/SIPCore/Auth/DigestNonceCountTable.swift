import SIPTransaction

/// Replay protection for stateless nonces (RFC 7616 §3.4, §5.3; RFC 2617 §3.2.2: "the
/// server can detect request replays by maintaining its own copy of this count — if the
/// same nc-value is seen twice, then the request is a replay"): for each nonce in use, the
/// highest nonce count accepted, which the next request under that nonce must exceed.
///
/// Memory is bounded. Entries for expired nonces are dropped first (an expired nonce is
/// refused as stale before its count matters); when live entries alone fill the table, the
/// oldest-issued quarter is evicted and `floor` rises past them: a nonce issued before
/// `floor` that has no entry is treated as stale, so evicting its count can never let a
/// replay through — the client is simply asked to take a fresh nonce.
struct DigestNonceCountTable: Sendable {
    private struct Entry: Sendable {
        var highest: UInt32
        let issuedAt: SIPInstant
    }

    private var entries: [String: Entry] = [:]
    /// Nonces issued before this instant and absent from the table are stale.
    private(set) var floor: SIPInstant
    let capacity: Int

    /// A table that accepts nonces issued at or after `start` (its creation time): nonces a
    /// previous process issued under the same secret are stale rather than replayable.
    init(capacity: Int, start: SIPInstant) {
        self.capacity = max(1, capacity)
        self.floor = start
    }

    var count: Int { entries.count }

    /// What `record` decided.
    enum Outcome: Equatable, Sendable {
        /// The count is higher than any before for this nonce and is now the highest.
        case accepted
        /// The count is not higher than one already accepted: a replay.
        case replayed
        /// The nonce's count is no longer known (evicted, or issued before this table);
        /// the client must take a new nonce.
        case forgotten
    }

    /// Checks `count` for `nonce` (issued at `issuedAt`) and records it when it is new.
    /// Call only after the request's digest was verified, so forged requests cannot fill
    /// the table or raise a count. `expiredBefore` is the issue time below which a nonce has
    /// expired; such entries are dropped first when the table is full.
    mutating func record(nonce: String, issuedAt: SIPInstant, count: UInt32, expiredBefore: SIPInstant) -> Outcome {
        if var entry = entries[nonce] {
            guard count > entry.highest else { return .replayed }
            entry.highest = count
            entries[nonce] = entry
            return .accepted
        }
        guard issuedAt >= floor else { return .forgotten }
        if entries.count >= capacity { makeRoom(expiredBefore: expiredBefore) }
        // The nonce may have fallen below the floor that making room raised.
        guard issuedAt >= floor else { return .forgotten }
        entries[nonce] = Entry(highest: count, issuedAt: issuedAt)
        return .accepted
    }

    /// The highest count accepted for `nonce`, if it has an entry.
    func highest(for nonce: String) -> UInt32? { entries[nonce]?.highest }

    /// Drops entries of expired nonces; when that frees nothing, evicts the oldest-issued
    /// quarter (at least one) and raises `floor` past them. Sorting a quarter at a time keeps
    /// the cost amortised O(log n) per insert under a flood of fresh nonces.
    private mutating func makeRoom(expiredBefore: SIPInstant) {
        entries = entries.filter { $0.value.issuedAt >= expiredBefore }
        if floor < expiredBefore { floor = expiredBefore }
        guard entries.count >= capacity else { return }
        let victims = entries.sorted { $0.value.issuedAt < $1.value.issuedAt }.prefix(max(1, capacity / 4))
        for victim in victims {
            entries[victim.key] = nil
            let above = victim.value.issuedAt + .nanoseconds(1)
            if floor < above { floor = above }
        }
    }
}

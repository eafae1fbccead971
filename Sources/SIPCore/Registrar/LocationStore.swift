import SIPTransaction

/// Where a registrar keeps its bindings (the location service, RFC 3261 §10.1, §10.3).
///
/// **Async by choice.** The SQLite implementation (GRDB, in the `Storage` target) must not
/// block an event loop (DESIGN.md, Concurrency), and GRDB's `write { db in … }` runs its
/// closure on the database's own queue; an async protocol lets it do so, while an in-memory
/// store satisfies the same requirements with synchronous methods.
///
/// **Atomic per AOR.** `update(_:_:)` is a read-modify-write of one AOR's bindings: the
/// store reads them, runs `body`, and commits what `body` leaves — all of it or, when
/// `body` or the commit throws, none of it (RFC 3261 §10.3 step 7: updates are visible
/// "if and only if all binding updates and additions succeed"). A SQL store runs it in one
/// transaction; `body` is pure and fast, so holding the transaction is cheap.
///
/// Instants are on the wall clock (nanoseconds since the Unix epoch), see `LocationBinding`.
public protocol LocationStore: Sendable {
    /// Runs `body` on the bindings of `aor` (all stored ones, expired included, in any
    /// order) and stores the array it leaves, atomically. Returns what `body` returns.
    func update<Result: Sendable>(
        _ aor: AddressOfRecord,
        _ body: @Sendable (inout [LocationBinding]) throws -> Result
    ) async throws -> Result

    /// The live bindings of `aor` at `now`, in `LocationBinding.lookupOrder`.
    func bindings(for aor: AddressOfRecord, at now: SIPInstant) async throws -> [LocationBinding]

    /// Every live binding at `now`, grouped by AOR in AOR order (for status pages).
    func allBindings(at now: SIPInstant) async throws -> [LocationBinding]

    /// Removes every binding that has expired at `now` and returns the removed ones.
    func purgeExpired(at now: SIPInstant) async throws -> [LocationBinding]
}

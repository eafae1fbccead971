import Synchronization
import SIPTransaction

/// A `LocationStore` kept in memory behind a mutex: for tests, `switchboard simulate`, and
/// as the reference the SQLite store is checked against. Every method is synchronous (they
/// satisfy the protocol's async requirements) and safe to call from any thread.
public final class InMemoryLocationStore: LocationStore {
    private let table = Mutex<[AddressOfRecord: [LocationBinding]]>([:])

    public init() {}

    public func update<Result: Sendable>(
        _ aor: AddressOfRecord,
        _ body: @Sendable (inout [LocationBinding]) throws -> Result
    ) throws -> Result {
        try table.withLock { table in
            var bindings = table[aor] ?? []
            let result = try body(&bindings)  // throws before anything is stored
            table[aor] = bindings.isEmpty ? nil : bindings
            return result
        }
    }

    public func bindings(for aor: AddressOfRecord, at now: SIPInstant) -> [LocationBinding] {
        let stored = table.withLock { $0[aor] ?? [] }
        return stored.filter { $0.isLive(at: now) }.sorted(by: LocationBinding.lookupOrder)
    }

    public func allBindings(at now: SIPInstant) -> [LocationBinding] {
        let stored = table.withLock { $0 }
        return stored.keys.sorted().flatMap { aor in
            (stored[aor] ?? []).filter { $0.isLive(at: now) }.sorted(by: LocationBinding.lookupOrder)
        }
    }

    public func purgeExpired(at now: SIPInstant) -> [LocationBinding] {
        table.withLock { table in
            var removed: [LocationBinding] = []
            for aor in table.keys.sorted() {
                guard let bindings = table[aor] else { continue }
                let kept = bindings.filter { $0.isLive(at: now) }
                guard kept.count != bindings.count else { continue }
                removed += bindings.filter { !$0.isLive(at: now) }
                table[aor] = kept.isEmpty ? nil : kept
            }
            return removed
        }
    }

    /// Number of stored bindings, expired ones included (for tests and metrics).
    public var storedCount: Int { table.withLock { $0.values.reduce(0) { $0 + $1.count } } }
}

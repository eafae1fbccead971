import GRDB
import SIPCore
import SIPTransaction

/// The registrar's location service (RFC 3261 §10) in SQLite, so registrations survive a
/// restart: a phone that registered for an hour stays reachable when `serve` restarts in
/// the middle of it.
///
/// `update` reads an AOR's rows, runs the registrar's body and writes the result back in
/// one write transaction — all or nothing (§10.3 step 7). A binding's `source.connection`
/// is stored as is; after a restart no connection has that number, so a TCP or TLS contact
/// is reached by opening a new connection (or not at all, behind NAT, until the phone
/// registers again — phones refresh well before expiry).
public final class SQLiteLocationStore: LocationStore {
    /// The database.
    public let database: SwitchboardDatabase

    public init(database: SwitchboardDatabase) {
        self.database = database
    }

    public func update<Result: Sendable>(
        _ aor: AddressOfRecord,
        _ body: @Sendable (inout [LocationBinding]) throws -> Result
    ) async throws -> Result {
        try await database.pool.write { db in
            var bindings = try Self.stored(aor, in: db)
            let result = try body(&bindings)  // throws before anything is written: the transaction rolls back
            try db.execute(sql: "DELETE FROM location_binding WHERE aor_domain = ? AND aor_user = ?",
                           arguments: [aor.domain, aor.user])
            for (position, binding) in bindings.enumerated() {
                try LocationBindingRows.insert(binding, position: position, in: db)
            }
            return result
        }
    }

    public func bindings(for aor: AddressOfRecord, at now: SIPInstant) async throws -> [LocationBinding] {
        try await database.pool.read { db in
            try Self.stored(aor, in: db).filter { $0.isLive(at: now) }.sorted(by: LocationBinding.lookupOrder)
        }
    }

    public func allBindings(at now: SIPInstant) async throws -> [LocationBinding] {
        let live = try await database.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(LocationBindingRows.columns) FROM location_binding WHERE expires_at > ?
                ORDER BY aor_domain, aor_user, position
                """, arguments: [now.nanoseconds]).map(LocationBindingRows.binding)
        }
        // Grouped by AOR in AOR order (domain, then user — `AddressOfRecord`'s order), each
        // group in lookup order.
        var groups: [AddressOfRecord: [LocationBinding]] = [:]
        for binding in live { groups[binding.aor, default: []].append(binding) }
        return groups.keys.sorted().flatMap { (groups[$0] ?? []).sorted(by: LocationBinding.lookupOrder) }
    }

    public func purgeExpired(at now: SIPInstant) async throws -> [LocationBinding] {
        try await database.pool.write { db in
            let expired = try Row.fetchAll(db, sql: """
                SELECT \(LocationBindingRows.columns) FROM location_binding WHERE expires_at <= ?
                ORDER BY aor_domain, aor_user, position
                """, arguments: [now.nanoseconds]).map(LocationBindingRows.binding)
            try db.execute(sql: "DELETE FROM location_binding WHERE expires_at <= ?", arguments: [now.nanoseconds])
            return expired.sorted { $0.aor < $1.aor }
        }
    }

    /// Number of stored bindings, expired ones included (for tests and metrics).
    public func storedCount() async throws -> Int {
        try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM location_binding") ?? 0 }
    }

    private static func stored(_ aor: AddressOfRecord, in db: Database) throws -> [LocationBinding] {
        try Row.fetchAll(db, sql: """
            SELECT \(LocationBindingRows.columns) FROM location_binding WHERE aor_domain = ? AND aor_user = ?
            ORDER BY position
            """, arguments: [aor.domain, aor.user]).map(LocationBindingRows.binding)
    }
}

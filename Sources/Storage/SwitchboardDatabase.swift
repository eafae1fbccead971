import Foundation
import GRDB

/// The SQLite database of one Switchboard node (`DATA/switchboard.sqlite`): a GRDB
/// `DatabasePool` in WAL mode — one writer, concurrent readers, readers never block the
/// writer — migrated to the current schema when opened.
///
/// Durability: `synchronous = FULL`, so a committed transaction survives power loss, not
/// only a crash of the process. Several processes may open the file at once (`serve` and a
/// `switchboard mailbox` command): writers wait up to 10 s for each other.
public final class SwitchboardDatabase: Sendable {
    /// The file name inside the data directory.
    public static let fileName = "switchboard.sqlite"
    /// The schema version this build migrates to.
    public static let currentSchemaVersion = SwitchboardMigrations.currentVersion

    /// The database file.
    public let path: String
    let pool: DatabasePool

    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    /// Throws `StorageError.newerSchema` for a database a newer Switchboard has migrated.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        // GRDB 7 opens write transactions IMMEDIATE: a read-then-write transaction takes the
        // write lock at BEGIN, so it waits for another process's writer instead of failing.
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        let migrator = SwitchboardMigrations.migrator
        let superseded = try pool.read { db in try migrator.hasBeenSuperseded(db) }
        if superseded {
            let known = Set(migrator.migrations)
            let applied = try pool.read { db in try migrator.appliedIdentifiers(db) }
            throw StorageError.newerSchema(path: path, unknownMigrations: applied.subtracting(known).sorted())
        }
        try migrator.migrate(pool)
        self.path = path
        self.pool = pool
    }

    /// Opens `DATA/switchboard.sqlite` in `dataDirectory`, creating the folder if needed.
    public convenience init(dataDirectory: URL) throws {
        do {
            try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw StorageError.dataDirectory(path: dataDirectory.path, reason: error.localizedDescription)
        }
        try self.init(path: dataDirectory.appendingPathComponent(Self.fileName).path)
    }

    /// The schema version of the open database (`PRAGMA user_version`): equal to
    /// `currentSchemaVersion` once opened.
    public func schemaVersion() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
    }

    /// The identifiers of the applied migrations, in order.
    public func appliedMigrations() async throws -> [String] {
        try await pool.read { db in try SwitchboardMigrations.migrator.appliedMigrations(db) }
    }
}

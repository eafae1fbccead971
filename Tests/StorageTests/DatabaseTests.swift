import Foundation
import GRDB
import Storage
import Testing

/// Opening, migrating and versioning the database.
@Suite("Database: migrations and schema version")
struct DatabaseTests {
    @Test("An empty directory gets the whole schema; the version is queryable and stable on reopen")
    func fromEmpty() async throws {
        let fixture = try StorageFixture()
        defer { fixture.cleanUp() }
        let stores = try fixture.open()
        #expect(try await stores.database.schemaVersion() == SwitchboardDatabase.currentSchemaVersion)
        #expect(SwitchboardDatabase.currentSchemaVersion == 2)
        #expect(try await stores.database.appliedMigrations() == ["1-voicemail", "2-location"])
        #expect(FileManager.default.fileExists(atPath: fixture.directory.appendingPathComponent("switchboard.sqlite").path))
        #expect(FileManager.default.fileExists(atPath: fixture.directory.appendingPathComponent("voicemail").path))
        let reopened = try fixture.open()
        #expect(try await reopened.database.schemaVersion() == 2)
        #expect(try await reopened.database.appliedMigrations() == ["1-voicemail", "2-location"])
    }

    @Test("The database is in WAL mode")
    func wal() throws {
        let fixture = try StorageFixture()
        defer { fixture.cleanUp() }
        _ = try fixture.open()
        let queue = try DatabaseQueue(path: fixture.directory.appendingPathComponent("switchboard.sqlite").path)
        #expect(try queue.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
    }

    @Test("A database migrated by a newer Switchboard is refused, naming the unknown migration")
    func newer() throws {
        let fixture = try StorageFixture()
        defer { fixture.cleanUp() }
        _ = try fixture.open()
        let path = fixture.directory.appendingPathComponent("switchboard.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('3-future')") }
        try queue.close()
        #expect(throws: StorageError.newerSchema(path: path, unknownMigrations: ["3-future"])) { try fixture.open() }
    }

    @Test("A data directory that cannot be created is a clear error")
    func badDirectory() throws {
        let fixture = try StorageFixture()
        defer { fixture.cleanUp() }
        let file = fixture.directory.appendingPathComponent("not-a-folder")
        try Data("x".utf8).write(to: file)
        #expect(throws: StorageError.self) { try SwitchboardStores.open(dataDirectory: file.appendingPathComponent("data")) }
    }
}

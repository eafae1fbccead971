import Foundation
import Voicemail

/// Everything `serve` (and `switchboard mailbox`) keeps on disk, opened from the data
/// directory in one call:
///
/// ```swift
/// let stores = try SwitchboardStores.open(dataDirectory: URL(fileURLWithPath: settings.data))
/// let report = try await stores.voicemail.recoverInterruptedRecordings()  // serve only, before taking calls
/// let registrar = Registrar(…, store: stores.locations)
/// ```
///
/// Layout: `DATA/switchboard.sqlite` (+ its `-wal` and `-shm` files) and
/// `DATA/voicemail/<mailbox>/<message id>.wav`.
public struct SwitchboardStores: Sendable {
    /// The shared database.
    public let database: SwitchboardDatabase
    /// Mailboxes and messages.
    public let voicemail: SQLiteVoicemailStore
    /// Registrations.
    public let locations: SQLiteLocationStore

    /// The folder voicemail audio goes in, inside the data directory.
    public static let voicemailFolder = "voicemail"

    /// Opens (creating and migrating as needed) the stores under `dataDirectory`.
    public static func open(dataDirectory: URL) throws -> SwitchboardStores {
        let database = try SwitchboardDatabase(dataDirectory: dataDirectory)
        let voicemail = try SQLiteVoicemailStore(
            database: database, audioDirectory: dataDirectory.appendingPathComponent(voicemailFolder, isDirectory: true))
        return SwitchboardStores(database: database, voicemail: voicemail, locations: SQLiteLocationStore(database: database))
    }
}

import Foundation
import GRDB
import Voicemail

/// The `VoicemailStore` on SQLite: mailboxes and message metadata in
/// `SwitchboardDatabase`, audio as `<audioDirectory>/<mailbox>/<id>.wav` (by default
/// `DATA/voicemail/…`, beside the database).
///
/// Crash safety, in the order things happen:
/// 1. `beginRecording` inserts the message row in state `recording` (invisible, but
///    counted against the mailbox's limit) and only then hands out the file path.
/// 2. The recorder writes and syncs the WAV as audio arrives.
/// 3. `commitRecording` fsyncs the file and its folder, then flips the row to `committed`
///    in one transaction.
/// A crash between 1 and 3 leaves a `recording` row; `recoverInterruptedRecordings()` turns
/// it into a message if its file holds audio. Deletion removes the row first, then the
/// file; a crash in between leaves an orphan file that recovery removes. Nothing is ever
/// visible without its audio on disk, and no audio is dropped while its row says
/// `recording`.
public final class SQLiteVoicemailStore: VoicemailStore {
    /// The database.
    public let database: SwitchboardDatabase
    /// The folder holding one subfolder of WAV files per mailbox.
    public let audioDirectory: URL
    /// Tells every reservation this instance made from those of earlier processes.
    let session = UUID().uuidString
    let changes = MailboxChangeBroadcaster()
    var pool: DatabasePool { database.pool }

    /// A store on `database` with audio under `audioDirectory` (created if missing).
    public init(database: SwitchboardDatabase, audioDirectory: URL) throws {
        do {
            try FileManager.default.createDirectory(at: audioDirectory, withIntermediateDirectories: true)
        } catch {
            throw StorageError.dataDirectory(path: audioDirectory.path, reason: error.localizedDescription)
        }
        self.database = database
        self.audioDirectory = audioDirectory
    }

    deinit { changes.finish() }

    // MARK: Mailboxes

    public func createMailbox(_ mailbox: Mailbox) async throws {
        try Mailbox.validate(number: mailbox.number)
        try mailbox.limits.validate()
        try await pool.write { db in
            guard try !Self.mailboxExists(db, mailbox.number) else { throw VoicemailError.mailboxExists(mailbox.number) }
            try db.execute(sql: "INSERT INTO mailbox (\(VoicemailRows.mailboxColumns)) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [mailbox.number, mailbox.ownerName, mailbox.pinHash?.encoded, mailbox.greetingPath,
                                       mailbox.limits.maxMessages, mailbox.limits.maxSeconds, mailbox.limits.minSeconds])
        }
    }

    public func updateMailbox(_ mailbox: Mailbox) async throws {
        try mailbox.limits.validate()
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE mailbox SET owner_name = ?, greeting_path = ?, max_messages = ?, max_seconds = ?, min_seconds = ?
                WHERE number = ?
                """, arguments: [mailbox.ownerName, mailbox.greetingPath, mailbox.limits.maxMessages,
                                 mailbox.limits.maxSeconds, mailbox.limits.minSeconds, mailbox.number])
            guard db.changesCount > 0 else { throw VoicemailError.mailboxNotFound(mailbox.number) }
        }
    }

    public func mailbox(_ number: String) async throws -> Mailbox? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(VoicemailRows.mailboxColumns) FROM mailbox WHERE number = ?",
                             arguments: [number]).map(VoicemailRows.mailbox)
        }
    }

    public func mailboxes() async throws -> [Mailbox] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(VoicemailRows.mailboxColumns) FROM mailbox ORDER BY number")
                .map(VoicemailRows.mailbox)
        }
    }

    public func removeMailbox(_ number: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM mailbox WHERE number = ?", arguments: [number])  // messages cascade
            guard db.changesCount > 0 else { throw VoicemailError.mailboxNotFound(number) }
        }
        if (try? Mailbox.validate(number: number)) != nil {
            try? FileManager.default.removeItem(at: audioDirectory.appendingPathComponent(number, isDirectory: true))
        }
        changes.publish(number)
    }

    public func setPINHash(_ hash: PINHash?, for mailbox: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE mailbox SET pin_hash = ? WHERE number = ?", arguments: [hash?.encoded, mailbox])
            guard db.changesCount > 0 else { throw VoicemailError.mailboxNotFound(mailbox) }
        }
    }

    // MARK: Deposits

    public func beginRecording(mailbox: String, caller: VoicemailCaller, calledNumber: String,
                               at time: Date) async throws -> RecordingTicket {
        try Mailbox.validate(number: mailbox)  // it becomes a folder name
        let id = UUID()
        let relative = "\(mailbox)/\(VoicemailRows.key(id)).wav"
        let startedMilliseconds = VoicemailRows.milliseconds(time)
        let session = self.session
        let limits = try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(VoicemailRows.mailboxColumns) FROM mailbox WHERE number = ?",
                                             arguments: [mailbox]) else {
                throw VoicemailError.mailboxNotFound(mailbox)
            }
            let limits = try VoicemailRows.mailbox(row).limits
            let held = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM voicemail_message WHERE mailbox = ?",
                                        arguments: [mailbox]) ?? 0
            guard held < limits.maxMessages else {
                throw VoicemailError.mailboxFull(mailbox: mailbox, maxMessages: limits.maxMessages)
            }
            try db.execute(sql: """
                INSERT INTO voicemail_message
                    (id, mailbox, state, folder, caller_number, caller_name, called_number, received_at, audio_file, store_session)
                VALUES (?, ?, 'recording', 'new', ?, ?, ?, ?, ?, ?)
                """, arguments: [VoicemailRows.key(id), mailbox, caller.number, caller.name, calledNumber,
                                 startedMilliseconds, relative, session])
            return limits
        }
        let file = audioDirectory.appendingPathComponent(relative)
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            _ = try? await deleteReservation(id)
            throw StorageError.dataDirectory(path: file.deletingLastPathComponent().path, reason: error.localizedDescription)
        }
        return RecordingTicket(id: id, mailbox: mailbox, audioFile: file, maxDuration: .seconds(limits.maxSeconds),
                               startedAt: VoicemailRows.date(milliseconds: startedMilliseconds))
    }

    public func commitRecording(_ ticket: RecordingTicket, duration: Duration) async throws -> RecordingOutcome {
        let key = VoicemailRows.key(ticket.id)
        do {
            try FileSync.syncFileAndFolder(ticket.audioFile)
        } catch {
            guard try await deleteReservation(ticket.id) else { throw VoicemailError.unknownTicket(ticket.id) }
            throw VoicemailError.audioMissing(ticket.audioFile)
        }
        let milliseconds = VoicemailRows.milliseconds(duration)
        let kept = try await pool.write { db in
            guard let minSeconds = try Int.fetchOne(db, sql: """
                SELECT mailbox.min_seconds FROM voicemail_message JOIN mailbox ON mailbox.number = voicemail_message.mailbox
                WHERE voicemail_message.id = ? AND voicemail_message.state = 'recording'
                """, arguments: [key]) else {
                throw VoicemailError.unknownTicket(ticket.id)
            }
            guard milliseconds >= Int64(minSeconds) * 1000 else {
                try db.execute(sql: "DELETE FROM voicemail_message WHERE id = ?", arguments: [key])
                return false
            }
            try db.execute(sql: "UPDATE voicemail_message SET state = 'committed', duration_ms = ? WHERE id = ?",
                           arguments: [milliseconds, key])
            return true
        }
        guard kept else {
            try? FileManager.default.removeItem(at: ticket.audioFile)
            return .tooShort(duration)
        }
        changes.publish(ticket.mailbox)
        guard let message = try await message(ticket.id) else { throw VoicemailError.messageNotFound(ticket.id) }
        return .saved(message)
    }

    public func discardRecording(_ ticket: RecordingTicket) async throws {
        if try await deleteReservation(ticket.id) {
            try? FileManager.default.removeItem(at: ticket.audioFile)
        }
    }

    /// Deletes a `recording` row; whether there was one.
    @discardableResult
    func deleteReservation(_ id: UUID) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM voicemail_message WHERE id = ? AND state = 'recording'",
                           arguments: [VoicemailRows.key(id)])
            return db.changesCount > 0
        }
    }

    // MARK: Messages

    public func messages(in mailbox: String, folder: MessageFolder?) async throws -> [VoicemailMessage] {
        let audioDirectory = self.audioDirectory
        return try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(VoicemailRows.messageColumns) FROM voicemail_message
                WHERE mailbox = ? AND state = 'committed' AND (? IS NULL OR folder = ?)
                ORDER BY received_at, id
                """, arguments: [mailbox, folder?.rawValue, folder?.rawValue])
                .map { try VoicemailRows.message($0, audioDirectory: audioDirectory) }
        }
    }

    public func message(_ id: UUID) async throws -> VoicemailMessage? {
        let audioDirectory = self.audioDirectory
        return try await pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT \(VoicemailRows.messageColumns) FROM voicemail_message WHERE id = ? AND state = 'committed'
                """, arguments: [VoicemailRows.key(id)])
                .map { try VoicemailRows.message($0, audioDirectory: audioDirectory) }
        }
    }

    public func counts(for mailbox: String) async throws -> MessageCounts {
        try await pool.read { db in
            guard try Self.mailboxExists(db, mailbox) else { throw VoicemailError.mailboxNotFound(mailbox) }
            let row = try Row.fetchOne(db, sql: """
                SELECT COALESCE(SUM(folder = 'new'), 0) AS new, COALESCE(SUM(folder = 'saved'), 0) AS saved,
                       COALESCE(SUM(heard = 0), 0) AS unheard
                FROM voicemail_message WHERE mailbox = ? AND state = 'committed'
                """, arguments: [mailbox])
            guard let row else { return MessageCounts() }
            return MessageCounts(new: try row.decode(forColumn: "new"), saved: try row.decode(forColumn: "saved"),
                                 unheard: try row.decode(forColumn: "unheard"))
        }
    }

    public func markHeard(_ id: UUID) async throws {
        try await updateMessage(id, set: "heard = 1")
    }

    public func moveToSaved(_ id: UUID) async throws {
        try await updateMessage(id, set: "folder = 'saved'")
    }

    /// Applies `assignment` to a committed message and publishes its mailbox.
    private func updateMessage(_ id: UUID, set assignment: String) async throws {
        let mailbox = try await pool.write { db in
            guard let mailbox = try String.fetchOne(db, sql: """
                SELECT mailbox FROM voicemail_message WHERE id = ? AND state = 'committed'
                """, arguments: [VoicemailRows.key(id)]) else {
                throw VoicemailError.messageNotFound(id)
            }
            try db.execute(sql: "UPDATE voicemail_message SET \(assignment) WHERE id = ?", arguments: [VoicemailRows.key(id)])
            return mailbox
        }
        changes.publish(mailbox)
    }

    public func deleteMessage(_ id: UUID) async throws {
        let audioDirectory = self.audioDirectory
        let message = try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT \(VoicemailRows.messageColumns) FROM voicemail_message WHERE id = ? AND state = 'committed'
                """, arguments: [VoicemailRows.key(id)]) else {
                throw VoicemailError.messageNotFound(id)
            }
            try db.execute(sql: "DELETE FROM voicemail_message WHERE id = ?", arguments: [VoicemailRows.key(id)])
            return try VoicemailRows.message(row, audioDirectory: audioDirectory)
        }
        try? FileManager.default.removeItem(at: message.audioFile)
        changes.publish(message.mailbox)
    }

    // MARK: Notifications

    public func mailboxChanges() -> AsyncStream<String> { changes.subscribe() }

    static func mailboxExists(_ db: Database, _ number: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM mailbox WHERE number = ?)", arguments: [number]) ?? false
    }
}

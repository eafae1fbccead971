import Foundation
import GRDB
import Voicemail

extension SQLiteVoicemailStore {
    /// The folder (inside `audioDirectory`; mailbox numbers cannot start with a dot) where
    /// recovery moves files it cannot read as WAV but which are not empty — kept for a human
    /// rather than deleted.
    public var damagedAudioDirectory: URL { audioDirectory.appendingPathComponent(".damaged", isDirectory: true) }

    public func recoverInterruptedRecordings() async throws -> RecoveryReport {
        var report = RecoveryReport()
        let session = self.session
        let interrupted = try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, mailbox, audio_file FROM voicemail_message WHERE state = 'recording' AND store_session != ?
                """, arguments: [session])
                .map { row -> (key: String, mailbox: String, relative: String) in
                    (try row.decode(forColumn: "id"), try row.decode(forColumn: "mailbox"), try row.decode(forColumn: "audio_file"))
                }
        }
        var touched = Set<String>()
        for entry in interrupted {
            let file = audioDirectory.appendingPathComponent(entry.relative)
            let id = UUID(uuidString: entry.key)
            switch Result(catching: { () throws(WAVFile.Failure) in try WAVFile.inspect(file) }) {
            case .success(let info) where info.hasAudio:
                // The caller spoke: keep it, with the length the file really has.
                let repaired = (try? WAVFile.finaliseHeader(file)) ?? info
                try? FileSync.syncFileAndFolder(file)
                let milliseconds = VoicemailRows.milliseconds(repaired.duration)
                try await pool.write { db in
                    try db.execute(sql: "UPDATE voicemail_message SET state = 'committed', duration_ms = ? WHERE id = ?",
                                   arguments: [milliseconds, entry.key])
                }
                if let id, let message = try await message(id) { report.recovered.append(message) }
                touched.insert(entry.mailbox)
                continue
            case .failure where Self.fileSize(file) > 0:
                // Bytes that are not a WAV we can read: set aside for a human, never deleted.
                // If even that fails, the reservation stays for the next start.
                guard let kept = try? quarantine(file) else {
                    if let id { report.unresolved.append(id) }
                    continue
                }
                report.quarantinedFiles.append(kept)
            default:
                // No file, or a header without audio: nothing was said.
                try? FileManager.default.removeItem(at: file)
            }
            try await pool.write { db in
                try db.execute(sql: "DELETE FROM voicemail_message WHERE id = ?", arguments: [entry.key])
            }
            if let id { report.removedEmpty.append(id) }
        }
        report.removedOrphanFiles = try await removeOrphanFiles()
        for mailbox in touched.sorted() { changes.publish(mailbox) }
        return report
    }

    /// Removes `<mailbox>/<id>.wav` files that no message row names.
    private func removeOrphanFiles() async throws -> [URL] {
        let known = try await pool.read { db in
            Set(try String.fetchAll(db, sql: "SELECT audio_file FROM voicemail_message"))
        }
        let manager = FileManager.default
        var removed: [URL] = []
        let folders = (try? manager.contentsOfDirectory(atPath: audioDirectory.path)) ?? []
        for folder in folders.sorted() where !folder.hasPrefix(".") {
            let files = (try? manager.contentsOfDirectory(atPath: audioDirectory.appendingPathComponent(folder).path)) ?? []
            for file in files.sorted() where file.hasSuffix(".wav") && !known.contains("\(folder)/\(file)") {
                let url = audioDirectory.appendingPathComponent(folder).appendingPathComponent(file)
                try? manager.removeItem(at: url)
                removed.append(url)
            }
        }
        return removed
    }

    /// Moves `file` into `damagedAudioDirectory`; returns its new place.
    private func quarantine(_ file: URL) throws -> URL {
        let manager = FileManager.default
        try manager.createDirectory(at: damagedAudioDirectory, withIntermediateDirectories: true)
        let target = damagedAudioDirectory.appendingPathComponent(file.lastPathComponent)
        try? manager.removeItem(at: target)
        try manager.moveItem(at: file, to: target)
        return target
    }

    private static func fileSize(_ url: URL) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}

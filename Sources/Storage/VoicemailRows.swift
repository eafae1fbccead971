import Foundation
import GRDB
import Voicemail

/// Reading and writing the `mailbox` and `voicemail_message` rows. Decoding throws
/// `StorageError.corruptRow` on a damaged value rather than trapping.
enum VoicemailRows {
    static let mailboxColumns = "number, owner_name, pin_hash, greeting_path, max_messages, max_seconds, min_seconds"
    static let messageColumns =
        "id, mailbox, folder, caller_number, caller_name, called_number, received_at, duration_ms, audio_file, heard"

    static func mailbox(_ row: Row) throws -> Mailbox {
        let pinText: String? = try row.decode(forColumn: "pin_hash")
        let pinHash: PINHash?
        do { pinHash = try pinText.map { text throws(VoicemailError) in try PINHash(encoded: text) } } catch {
            throw StorageError.corruptRow(table: "mailbox", reason: String(describing: error))
        }
        return Mailbox(
            number: try row.decode(forColumn: "number"),
            ownerName: try row.decode(forColumn: "owner_name"),
            pinHash: pinHash,
            greetingPath: try row.decode(forColumn: "greeting_path"),
            limits: MailboxLimits(maxMessages: try row.decode(forColumn: "max_messages"),
                                  maxSeconds: try row.decode(forColumn: "max_seconds"),
                                  minSeconds: try row.decode(forColumn: "min_seconds")))
    }

    static func message(_ row: Row, audioDirectory: URL) throws -> VoicemailMessage {
        let idText: String = try row.decode(forColumn: "id")
        let folderText: String = try row.decode(forColumn: "folder")
        guard let id = UUID(uuidString: idText), let folder = MessageFolder(rawValue: folderText) else {
            throw StorageError.corruptRow(table: "voicemail_message", reason: "id '\(idText)', folder '\(folderText)'")
        }
        let relative: String = try row.decode(forColumn: "audio_file")
        return VoicemailMessage(
            id: id,
            mailbox: try row.decode(forColumn: "mailbox"),
            folder: folder,
            caller: VoicemailCaller(number: try row.decode(forColumn: "caller_number"),
                                    name: try row.decode(forColumn: "caller_name")),
            calledNumber: try row.decode(forColumn: "called_number"),
            receivedAt: date(milliseconds: try row.decode(forColumn: "received_at")),
            duration: .milliseconds(try row.decode(Int64.self, forColumn: "duration_ms")),
            audioFile: audioDirectory.appendingPathComponent(relative),
            heard: try row.decode(forColumn: "heard"))
    }

    /// Milliseconds since the Unix epoch, the precision times are stored with.
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// A duration in whole milliseconds, rounded to nearest.
    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + (attoseconds + 500_000_000_000_000) / 1_000_000_000_000_000
    }

    /// The text a message id is stored as.
    static func key(_ id: UUID) -> String { id.uuidString.lowercased() }
}

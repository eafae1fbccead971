import Foundation
import Voicemail

/// One line of `switchboard mailbox list` (and its `--json` object).
struct MailboxListing: Encodable {
    var number: String
    var owner: String
    var pinSet: Bool
    var greeting: String?
    var maxMessages: Int
    var maxSeconds: Int
    var minSeconds: Int
    var new: Int
    var saved: Int
    var unheard: Int

    init(_ mailbox: Mailbox, counts: MessageCounts) {
        number = mailbox.number
        owner = mailbox.ownerName
        pinSet = mailbox.pinHash != nil
        greeting = mailbox.greetingPath
        maxMessages = mailbox.limits.maxMessages
        maxSeconds = mailbox.limits.maxSeconds
        minSeconds = mailbox.limits.minSeconds
        new = counts.new
        saved = counts.saved
        unheard = counts.unheard
    }
}

/// One line of `switchboard mailbox messages` (and its `--json` object); also names
/// exported files.
struct MessageListing: Encodable {
    var id: String
    var mailbox: String
    var folder: String
    var callerNumber: String?
    var callerName: String?
    var calledNumber: String
    /// ISO 8601, UTC.
    var receivedAt: String
    var durationSeconds: Double
    var heard: Bool
    var audioFile: String

    init(_ message: VoicemailMessage) {
        id = VoicemailStoreKey.text(message.id)
        mailbox = message.mailbox
        folder = message.folder.rawValue
        callerNumber = message.caller.number
        callerName = message.caller.name
        calledNumber = message.calledNumber
        receivedAt = ISO8601DateFormatter().string(from: message.receivedAt)
        let (seconds, attoseconds) = message.duration.components
        durationSeconds = (Double(seconds) + Double(attoseconds / 1_000_000_000_000_000) / 1000)
        heard = message.heard
        audioFile = message.audioFile.path
    }

    /// `m:ss`.
    static func clock(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return "\(whole / 60):" + (whole % 60 < 10 ? "0" : "") + "\(whole % 60)"
    }

    /// `MAILBOX_YYYYMMDD-HHMMSS_from-CALLER_FOLDER_ID8.wav`, UTC, with anything but
    /// `A–Z a–z 0–9 + -` in the caller replaced by `-`.
    static func exportName(_ message: VoicemailMessage) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let caller = String((message.caller.number ?? "withheld").unicodeScalars.map { scalar in
            CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII || scalar == "+" ? Character(scalar) : "-"
        })
        let id = VoicemailStoreKey.text(message.id).prefix(8)
        return "\(message.mailbox)_\(formatter.string(from: message.receivedAt))_from-\(caller)_\(message.folder.rawValue)_\(id).wav"
    }
}

/// How message ids are written for people: the lower-case UUID.
enum VoicemailStoreKey {
    static func text(_ id: UUID) -> String { id.uuidString.lowercased() }
}

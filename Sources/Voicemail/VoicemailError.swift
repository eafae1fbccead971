import Foundation

/// Why a voicemail operation failed. `description` is a sentence for an admin; a caller can
/// be told `mailboxFull` with the prompt `callerPrompt` names.
public enum VoicemailError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The number cannot name a mailbox (see `Mailbox.validate(number:)`).
    case invalidMailboxNumber(String)
    /// The limits are inconsistent.
    case invalidLimits(String)
    /// The PIN does not satisfy `PINRules`.
    case invalidPIN(String)
    /// No mailbox has this number.
    case mailboxNotFound(String)
    /// A mailbox with this number exists already.
    case mailboxExists(String)
    /// The mailbox holds its `maxMessages` (recordings in progress included): no deposit.
    case mailboxFull(mailbox: String, maxMessages: Int)
    /// No message has this id (in this mailbox).
    case messageNotFound(UUID)
    /// The ticket was committed or discarded already, or never issued by this store.
    case unknownTicket(UUID)
    /// The recording's audio file is missing or unreadable at commit.
    case audioMissing(URL)
    /// A stored PIN hash could not be parsed (a damaged or foreign database row).
    case malformedPINHash

    public var description: String {
        switch self {
        case .invalidMailboxNumber(let number):
            "'\(number)' is not a valid mailbox number (1–\(Mailbox.maximumNumberLength) of A–Z a–z 0–9 . _ -, not starting with '.')"
        case .invalidLimits(let reason): "invalid mailbox limits: \(reason)"
        case .invalidPIN(let reason): "invalid PIN: \(reason)"
        case .mailboxNotFound(let number): "no mailbox '\(number)'"
        case .mailboxExists(let number): "mailbox '\(number)' exists already"
        case .mailboxFull(let mailbox, let maxMessages): "mailbox '\(mailbox)' is full (\(maxMessages) messages)"
        case .messageNotFound(let id): "no message \(id.uuidString.lowercased())"
        case .unknownTicket(let id): "no recording in progress with id \(id.uuidString.lowercased())"
        case .audioMissing(let url): "the recording's audio file \(url.path) is missing or unreadable"
        case .malformedPINHash: "the stored PIN hash is malformed; set the PIN again"
        }
    }

    /// The prompt a flow plays to a caller for this error, if it is one a caller should hear
    /// (today only `mailboxFull`: `vm-mailbox-full`, "this mailbox is full").
    public var callerPrompt: String? {
        if case .mailboxFull = self { return "vm-mailbox-full" }
        return nil
    }
}

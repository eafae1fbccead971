import Foundation

/// A voicemail box: who owns it, how its owner proves who they are (a PIN, stored only as a
/// salted slow hash), the greeting callers hear, and how much it may hold.
///
/// Mailboxes are named by `number`, the name `flows/directory.yaml` gives them (`"201"`,
/// `"sales"`); the number is also a folder name on disk, so it is restricted to a safe
/// alphabet (see `Mailbox.validate(number:)`).
public struct Mailbox: Hashable, Sendable, Codable {
    /// The mailbox's name in the directory and on disk.
    public var number: String
    /// Who the mailbox belongs to (a person or a department), for listings and greetings.
    public var ownerName: String
    /// The PIN's hash, nil until a PIN is set (a mailbox without a PIN cannot be logged into).
    public var pinHash: PINHash?
    /// A recorded personal greeting (any format the prompt player reads), nil for the default.
    public var greetingPath: String?
    /// How many messages and how long they may be.
    public var limits: MailboxLimits

    /// A mailbox; `number` is not checked here — stores check it with `validate(number:)`.
    public init(number: String, ownerName: String, pinHash: PINHash? = nil, greetingPath: String? = nil,
                limits: MailboxLimits = MailboxLimits()) {
        self.number = number
        self.ownerName = ownerName
        self.pinHash = pinHash
        self.greetingPath = greetingPath
        self.limits = limits
    }

    /// Longest mailbox number accepted.
    public static let maximumNumberLength = 64

    /// Checks that `number` can name a mailbox: 1 to 64 characters from `A–Z a–z 0–9 . _ -`,
    /// not starting with a dot. The number becomes a folder name (`voicemail/<number>/`), so
    /// anything that could escape that folder (`/`, `..`) or surprise a shell is refused.
    public static func validate(number: String) throws(VoicemailError) {
        let allowed = number.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
        guard !number.isEmpty, number.utf8.count <= maximumNumberLength, allowed, !number.hasPrefix(".") else {
            throw .invalidMailboxNumber(number)
        }
    }
}

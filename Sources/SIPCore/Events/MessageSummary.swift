import SIPMessage

/// The counts of one message class in a message summary (RFC 3842 §5.2 `msg-summary-line`):
/// `Voice-Message: 2/8 (0/2)` is 2 new and 8 old messages, of which 0 new and 2 old urgent.
public struct MessageCounts: Hashable, Sendable {
    public var new: UInt32
    public var old: UInt32
    /// The urgent counts, written in parentheses when present (both or neither).
    public var urgentNew: UInt32?
    public var urgentOld: UInt32?

    public init(new: UInt32, old: UInt32, urgentNew: UInt32? = nil, urgentOld: UInt32? = nil) {
        self.new = new
        self.old = old
        self.urgentNew = urgentNew
        self.urgentOld = urgentOld
    }

    /// `new/old` or `new/old (urgentNew/urgentOld)`.
    public var description: String {
        var text = String(new) + "/" + String(old)
        if urgentNew != nil || urgentOld != nil {
            text += " (" + String(urgentNew ?? 0) + "/" + String(urgentOld ?? 0) + ")"
        }
        return text
    }
}

/// A message context class (RFC 3458 §4.1, as RFC 3842 §5.2 writes it: `Voice-Message` …).
public enum MessageContextClass: String, Hashable, Sendable, CaseIterable {
    case voice = "Voice-Message"
    case fax = "Fax-Message"
    case pager = "Pager-Message"
    case multimedia = "Multimedia-Message"
    case text = "Text-Message"
    case none = "None"

    /// The class whose name is `name`, compared case-insensitively (header-like names, §5.2).
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else { return nil }
        self = match
    }
}

/// An `application/simple-message-summary` body (RFC 3842 §5.2): whether messages are
/// waiting, the account they are in, and per-class counts.
///
/// ```
/// Messages-Waiting: yes
/// Message-Account: sip:alice@vmail.example.com
/// Voice-Message: 2/8 (0/2)
/// ```
/// Every line ends with CRLF. Optional message headers after a blank line (§5.2
/// `opt-msg-headers`) are not produced and are skipped when parsing.
public struct MessageSummary: Hashable, Sendable {
    /// `Messages-Waiting: yes/no` — whether the account has new messages (RFC 3842 §3.5).
    public var messagesWaiting: Bool
    /// `Message-Account`: the URI of the account, as written (RFC 3842 §3.5).
    public var account: String?
    /// Counts per class, in the order written.
    public var counts: [(MessageContextClass, MessageCounts)] {
        get { storedCounts.map { ($0.messageClass, $0.counts) } }
        set { storedCounts = newValue.map { ClassCounts(messageClass: $0.0, counts: $0.1) } }
    }

    private struct ClassCounts: Hashable, Sendable {
        var messageClass: MessageContextClass
        var counts: MessageCounts
    }
    private var storedCounts: [ClassCounts]

    public init(messagesWaiting: Bool, account: String? = nil, counts: [(MessageContextClass, MessageCounts)] = []) {
        self.messagesWaiting = messagesWaiting
        self.account = account
        self.storedCounts = counts.map { ClassCounts(messageClass: $0.0, counts: $0.1) }
    }

    /// A voicemail summary: waiting when there is at least one new message.
    public init(account: String?, voice: MessageCounts) {
        self.init(messagesWaiting: voice.new > 0, account: account, counts: [(.voice, voice)])
    }

    /// The counts of `messageClass`, if the summary has a line for it.
    public subscript(_ messageClass: MessageContextClass) -> MessageCounts? {
        storedCounts.first { $0.messageClass == messageClass }?.counts
    }

    /// The body text (RFC 3842 §5.2): the status line, the account line if any, then one
    /// line per class; each ends with CRLF.
    public var text: String {
        var text = "Messages-Waiting: " + (messagesWaiting ? "yes" : "no") + "\r\n"
        // The account URI is one line: a CR or LF in it would end the line early.
        if let account { text += "Message-Account: " + account.withoutLineBreaks + "\r\n" }
        for line in storedCounts { text += line.messageClass.rawValue + ": " + line.counts.description + "\r\n" }
        return text
    }

    /// The body bytes to send.
    public func rendered() -> [UInt8] { Array(text.utf8) }

    /// The largest body `parse` reads; summaries are a few lines (RFC 3842 §5.2).
    public static let maximumBodySize = 16_384

    /// Parses a body (RFC 3842 §5.2). Lines may end with CRLF or a bare LF; names are
    /// case-insensitive and may have whitespace around the colon (HCOLON); parsing stops at
    /// the first blank line (the optional message headers that may follow are skipped).
    /// Lines of unknown message classes are ignored (extensions); a line that is not
    /// `name: value`, a count that is not 1*DIGIT, or an account that is not a URI is an
    /// error, and the `Messages-Waiting` line is required.
    public init(parsing body: [UInt8]) throws(MessageSummaryError) {
        guard body.count <= Self.maximumBodySize else { throw .tooLarge }
        var waiting: Bool? = nil
        var account: String? = nil
        var counts: [ClassCounts] = []
        var lineNumber = 0
        // Lines are split on bytes: in a Swift String "\r\n" is one Character.
        for rawLine in body.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = Substring(decoding: rawLine.last == 0x0D ? rawLine.dropLast() : rawLine, as: UTF8.self)
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                if waiting == nil, counts.isEmpty, account == nil { continue }  // leading blank lines
                break  // §5.2: opt-msg-headers follow a blank line
            }
            guard let colon = line.firstIndex(of: ":") else { throw .badLine(lineNumber) }
            let name = line[..<colon].trimmingWhitespace()
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            switch name.lowercased() {
            case "messages-waiting":
                switch value.lowercased() {
                case "yes": waiting = true
                case "no": waiting = false
                default: throw .badLine(lineNumber)
                }
            case "message-account":
                // Account-URI = SIP-URI / SIPS-URI / absoluteURI (§5.2): no spaces or controls.
                guard (try? URI(value)) != nil else { throw .badLine(lineNumber) }
                account = value
            default:
                guard let messageClass = MessageContextClass(name: name) else { continue }
                guard let parsed = Self.counts(value) else { throw .badLine(lineNumber) }
                counts.append(ClassCounts(messageClass: messageClass, counts: parsed))
            }
        }
        guard let waiting else { throw .missingStatus }
        self.messagesWaiting = waiting
        self.account = account
        self.storedCounts = counts
    }

    /// `newmsgs SLASH oldmsgs [ LPAREN new-urgentmsgs SLASH old-urgentmsgs RPAREN ]`, with
    /// optional whitespace around the separators (SLASH, LPAREN, RPAREN allow SWS).
    private static func counts(_ value: String) -> MessageCounts? {
        let compact = value.filter { $0 != " " && $0 != "\t" }
        let main: Substring
        var urgent: (UInt32, UInt32)? = nil
        if let open = compact.firstIndex(of: "(") {
            guard compact.last == ")" else { return nil }
            main = compact[..<open]
            let inner = compact[compact.index(after: open)..<compact.index(before: compact.endIndex)]
            guard let pair = pair(inner) else { return nil }
            urgent = pair
        } else {
            main = compact[...]
        }
        guard let (new, old) = pair(main) else { return nil }
        return MessageCounts(new: new, old: old, urgentNew: urgent?.0, urgentOld: urgent?.1)
    }

    /// `msgcount SLASH msgcount`; a msgcount is 1*DIGIT and "MUST NOT exceed 2^32-1" (§5.2).
    private static func pair(_ text: Substring) -> (UInt32, UInt32)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let first = count(parts[0]), let second = count(parts[1]) else { return nil }
        return (first, second)
    }

    private static func count(_ text: Substring) -> UInt32? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return UInt32(text)
    }
}

/// Why a message-summary body could not be read.
public enum MessageSummaryError: Error, Hashable, Sendable {
    /// The `Messages-Waiting` line is missing (RFC 3842 §5.2 requires it).
    case missingStatus
    /// This line (1-based) is not `name: value`, or its value does not match the grammar.
    case badLine(Int)
    /// The body is larger than `MessageSummary.maximumBodySize`.
    case tooLarge
}

extension String {
    /// The text with CR and LF removed, so that it stays on one line (compared as Unicode
    /// scalars: the Character "\r\n" is neither "\r" nor "\n").
    var withoutLineBreaks: String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: unicodeScalars.lazy.filter { $0 != "\r" && $0 != "\n" })
        return String(scalars)
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs.
    fileprivate func trimmingWhitespace() -> String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}

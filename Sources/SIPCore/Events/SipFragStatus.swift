import SIPMessage

/// The status line a REFER's NOTIFY carries as a `message/sipfrag` body (RFC 3515 §2.4.5,
/// RFC 3420): `SIP/2.0 100 Trying`, `SIP/2.0 200 OK`, `SIP/2.0 486 Busy Here` …
/// Only the status line is produced; other lines of a received fragment are ignored.
public struct SipFragStatus: Hashable, Sendable, CustomStringConvertible {
    public var status: Int
    public var reason: String

    /// A status with the given (or the standard) reason phrase.
    public init(_ status: Int, reason: String? = nil) {
        self.status = status
        self.reason = reason ?? ReasonPhrase.standard(for: status)
    }

    /// `SIP/2.0 100 Trying`: the first report of every REFER (RFC 3515 §2.4.4).
    public static let trying = SipFragStatus(100)

    /// `message/sipfrag;version=2.0` (RFC 3515 §2.4.5, RFC 3420 §4).
    public static let contentType = MediaType(type: "message", subtype: "sipfrag",
                                              parameters: [GenericParameter(name: "version", value: "2.0")])

    /// Whether this is a final status (200–699).
    public var isFinal: Bool { status >= 200 }

    /// `SIP/2.0 <status> <reason>`.
    public var description: String { SIPMessage.version + " " + String(status) + " " + reason }

    /// The body: the status line ending with CRLF (RFC 3420 §2: a fragment's start line is
    /// terminated like a message's).
    public func rendered() -> [UInt8] {
        Array((SIPMessage.version + " " + String(status) + " "
               + reason.withoutLineBreaks + "\r\n").utf8)
    }

    /// Reads the status line that starts a `message/sipfrag` body (RFC 3515 §2.4.5: "the body
    /// of a NOTIFY MUST begin with a SIP Response Status-Line"): `SIP/2.0 SP 3DIGIT SP
    /// Reason-Phrase`, version case-insensitive, status 100–699. Nil when it does not.
    public init?(parsing body: [UInt8]) {
        let firstLine = body.prefix(1024).split(separator: UInt8(ascii: "\n"), maxSplits: 1,
                                                omittingEmptySubsequences: false).first ?? []
        var line = String(decoding: firstLine, as: UTF8.self)
        if line.hasSuffix("\r") { line.removeLast() }
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].uppercased() == SIPMessage.version,
              parts[1].count == 3, parts[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let status = Int(parts[1]), (100...699).contains(status) else { return nil }
        self.status = status
        self.reason = parts.count > 2 ? String(parts[2]) : ""
    }
}

import SIPMessage

/// Which side refreshes the session (RFC 4028 §4): the UAC or the UAS of the transaction that
/// negotiated the interval (not of the dialog-creating INVITE).
public enum SessionRefresher: String, Hashable, Sendable {
    case uac
    case uas
}

/// The Session-Expires header (RFC 4028 §4): `delta-seconds *(;refresher=uac|uas / ;param)`.
/// Compact form `x`.
public struct SessionExpires: Hashable, Sendable, CustomStringConvertible {
    /// The session interval in seconds.
    public var interval: UInt32
    /// The refresher parameter; nil when absent.
    public var refresher: SessionRefresher?

    public init(interval: UInt32, refresher: SessionRefresher? = nil) {
        self.interval = interval
        self.refresher = refresher
    }

    /// `1800;refresher=uac`.
    public var description: String {
        String(interval) + (refresher.map { ";refresher=" + $0.rawValue } ?? "")
    }

    /// Parses a header value. Unknown parameters are ignored; a refresher other than
    /// `uac`/`uas` is treated as absent. Returns nil when the delta-seconds is malformed.
    public init?(_ text: String) {
        let parts = text.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
        guard let first = parts.first, let interval = SessionExpires.deltaSeconds(first) else { return nil }
        self.interval = interval
        self.refresher = nil
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces }
            if pair.count == 2, pair[0].lowercased() == "refresher" {
                refresher = SessionRefresher(rawValue: pair[1].lowercased())
            }
        }
    }

    /// The Session-Expires of `message`: nil when absent; throws when present but malformed
    /// or repeated (answer a request with `400`).
    public static func of(_ message: SIPMessage) throws(DialogError) -> SessionExpires? {
        let lines = message.headers.lines(.sessionExpires)
        guard let line = lines.first else { return nil }
        guard lines.count == 1, let value = SessionExpires(line) else { throw .badHeader("Session-Expires") }
        return value
    }

    /// delta-seconds, saturating at 2**32-1.
    static func deltaSeconds(_ text: String) -> UInt32? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return text.utf8.count > 10 ? UInt32.max : UInt32(min(UInt64(text) ?? UInt64(UInt32.max), UInt64(UInt32.max)))
    }
}

/// The Min-SE header (RFC 4028 §5): the smallest session interval a party accepts, at least
/// 90 s (§4: "MUST NOT be less than 90 seconds").
public enum MinSE {
    /// The absolute floor of a session interval (RFC 4028 §4, §5).
    public static let floor: UInt32 = 90

    /// The Min-SE of `message` (parameters ignored): nil when absent; throws when malformed.
    public static func of(_ message: SIPMessage) throws(DialogError) -> UInt32? {
        let lines = message.headers.lines(.minSE)
        guard let line = lines.first else { return nil }
        let number = line.split(separator: ";", maxSplits: 1).first.map { $0.trimmingSpaces } ?? ""
        guard lines.count == 1, let value = SessionExpires.deltaSeconds(number) else { throw .badHeader("Min-SE") }
        return value
    }
}

fileprivate extension Substring {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

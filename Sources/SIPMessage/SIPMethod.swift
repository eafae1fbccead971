/// A request method (RFC 3261 §7.1 and the extension RFCs); any other token is `.other`.
/// Methods are case-sensitive (RFC 3261 §7.1), so `invite` is an unknown method, not INVITE.
public enum SIPMethod: Hashable, Sendable, CustomStringConvertible {
    case invite, ack, bye, cancel, options, register, prack, subscribe, notify, publish, info,
        refer, message, update
    case other(String)

    public init(_ token: String) {
        switch token {
        case "INVITE": self = .invite
        case "ACK": self = .ack
        case "BYE": self = .bye
        case "CANCEL": self = .cancel
        case "OPTIONS": self = .options
        case "REGISTER": self = .register
        case "PRACK": self = .prack
        case "SUBSCRIBE": self = .subscribe
        case "NOTIFY": self = .notify
        case "PUBLISH": self = .publish
        case "INFO": self = .info
        case "REFER": self = .refer
        case "MESSAGE": self = .message
        case "UPDATE": self = .update
        default: self = .other(token)
        }
    }

    /// The method token as sent on the wire.
    public var name: String {
        switch self {
        case .invite: return "INVITE"
        case .ack: return "ACK"
        case .bye: return "BYE"
        case .cancel: return "CANCEL"
        case .options: return "OPTIONS"
        case .register: return "REGISTER"
        case .prack: return "PRACK"
        case .subscribe: return "SUBSCRIBE"
        case .notify: return "NOTIFY"
        case .publish: return "PUBLISH"
        case .info: return "INFO"
        case .refer: return "REFER"
        case .message: return "MESSAGE"
        case .update: return "UPDATE"
        case .other(let token): return token
        }
    }

    public var description: String { name }

    /// Parses a method token at `range`, without allocating for the well-known methods.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> SIPMethod {
        // Short tokens (≤ 15 bytes) are stored inline by String, so this does not allocate.
        if range.count <= 15 { return SIPMethod(bytes.string(range)) }
        return .other(bytes.string(range))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
        @inline(__always) func isExactly(_ name: StaticString) -> Bool {
            guard range.count == name.utf8CodeUnitCount, let base = bytes.baseAddress else { return false }
            return memcmp(base + range.lowerBound, name.utf8Start, range.count) == 0
        }
        guard let first = range.first else { return .other("") }
        switch bytes[first] {
        case UInt8(ascii: "I"):
            if isExactly("INVITE") { return .invite }
            if isExactly("INFO") { return .info }
        case UInt8(ascii: "A"): if isExactly("ACK") { return .ack }
        case UInt8(ascii: "B"): if isExactly("BYE") { return .bye }
        case UInt8(ascii: "C"): if isExactly("CANCEL") { return .cancel }
        case UInt8(ascii: "O"): if isExactly("OPTIONS") { return .options }
        case UInt8(ascii: "R"):
            if isExactly("REGISTER") { return .register }
            if isExactly("REFER") { return .refer }
        case UInt8(ascii: "P"):
            if isExactly("PRACK") { return .prack }
            if isExactly("PUBLISH") { return .publish }
        case UInt8(ascii: "S"): if isExactly("SUBSCRIBE") { return .subscribe }
        case UInt8(ascii: "N"): if isExactly("NOTIFY") { return .notify }
        case UInt8(ascii: "M"): if isExactly("MESSAGE") { return .message }
        case UInt8(ascii: "U"): if isExactly("UPDATE") { return .update }
        default: break
        }
        return .other(bytes.string(range))
    }
}

import Crypto

/// The hash function behind a digest algorithm (RFC 7616 §3.2, RFC 8760 §2.2).
public enum DigestHashFunction: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// MD5 (RFC 1321): the RFC 3261 default, kept for the phones that know nothing else.
    case md5 = "MD5"
    /// SHA-256 (RFC 6234), which RFC 8760 §2.4 says to offer first.
    case sha256 = "SHA-256"

    public var description: String { rawValue }

    /// The lower-case hex digest of `text`'s UTF-8 bytes (RFC 7616 §3.4: "H(data)").
    public func hex(_ text: String) -> String {
        switch self {
        case .md5: return DigestHex.encode(Insecure.MD5.hash(data: Array(text.utf8)))
        case .sha256: return DigestHex.encode(SHA256.hash(data: Array(text.utf8)))
        }
    }

    /// Characters of a hex digest made by this function.
    var hexLength: Int {
        switch self {
        case .md5: return 32
        case .sha256: return 64
        }
    }
}

/// A digest algorithm as named by the `algorithm` directive (RFC 7616 §3.3, RFC 8760 §2.2):
/// a hash function, optionally in its `-sess` variant (RFC 7616 §3.4.2).
public struct DigestAlgorithm: Hashable, Sendable, CustomStringConvertible {
    /// The hash function that makes H(), KD() and HA1.
    public var hashFunction: DigestHashFunction
    /// Whether HA1 also covers the nonce and cnonce (`MD5-sess`, `SHA-256-sess`).
    public var isSession: Bool

    public init(hashFunction: DigestHashFunction, isSession: Bool = false) {
        self.hashFunction = hashFunction
        self.isSession = isSession
    }

    public static let md5 = DigestAlgorithm(hashFunction: .md5)
    public static let md5Session = DigestAlgorithm(hashFunction: .md5, isSession: true)
    public static let sha256 = DigestAlgorithm(hashFunction: .sha256)
    public static let sha256Session = DigestAlgorithm(hashFunction: .sha256, isSession: true)

    /// Every algorithm this implementation computes, strongest first: the order a UAC
    /// prefers among those offered (RFC 8760 §2.4, RFC 7616 §3.7).
    public static let strongestFirst: [DigestAlgorithm] = [.sha256, .sha256Session, .md5, .md5Session]

    /// The token written in the `algorithm` directive, e.g. `SHA-256-sess`.
    public var token: String { hashFunction.rawValue + (isSession ? "-sess" : "") }

    public var description: String { token }

    /// The algorithm named by `token` (case-insensitive, RFC 7616 §3.3); nil for one this
    /// implementation does not compute (SHA-512-256, or anything unknown).
    public init?(token: String) {
        let lower = token.lowercased()
        var base = Substring(lower)
        var session = false
        if lower.hasSuffix("-sess") {
            base = base.dropLast(5)
            session = true
        }
        switch base {
        case "md5": self.init(hashFunction: .md5, isSession: session)
        case "sha-256": self.init(hashFunction: .sha256, isSession: session)
        default: return nil
        }
    }

    /// The algorithm of a challenge or credentials: RFC 7616 §3.3 and RFC 3261 §22.4 make
    /// an absent `algorithm` directive mean MD5.
    static func named(_ token: String?) -> DigestAlgorithm? {
        guard let token else { return .md5 }
        return DigestAlgorithm(token: token)
    }

    /// Preference rank for a UAC choosing among offered challenges; lower is stronger.
    var preference: Int { DigestAlgorithm.strongestFirst.firstIndex(of: self) ?? Int.max }
}

/// Lower-case hex encoding and decoding of digests and nonces.
enum DigestHex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of `text`, or nil when it is not an even number of hex digits.
    static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = value(utf8[index]), let low = value(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    static func isHexDigit(_ byte: UInt8) -> Bool { value(byte) != nil }

    private static func value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Equality of two strings in time that depends only on their lengths, so a wrong
    /// response digest does not leak how many leading characters were right.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<x.count { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}

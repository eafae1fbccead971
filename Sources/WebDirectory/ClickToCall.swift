import Crypto
import Flows
import Foundation

/// Starts a click-to-call: the application implements it over the SIP UAC core. It rings
/// `callback` (the visitor's number, already checked against the directory's allowed
/// outbound patterns or its extensions) and, when answered, connects that call to `target`
/// (`department/ID` or `person/ID`, present in the directory). It returns once the call is
/// under way, not when it is answered; throwing makes the page say the call could not start.
public protocol ClickToCallStarter: Sendable {
    func startCall(callback: String, target: String) async throws
}

/// The click-to-call form's settings; give one to ``WebConfiguration/clickToCall`` to put a
/// "Call me" form on every card with an extension.
public struct ClickToCallConfiguration: Sendable {
    public var starter: any ClickToCallStarter
    /// Signs the forms' tokens; random per process by default (forms from before a restart
    /// then fail once, and the page offers a fresh one).
    public var tokens: FormTokens
    /// How long a form stays valid.
    public var tokenLifetime: TimeInterval
    /// Requests one source may make at once, and how often one more is allowed.
    public var burst: Int
    public var refillInterval: TimeInterval

    public init(starter: any ClickToCallStarter, tokens: FormTokens = FormTokens(),
                tokenLifetime: TimeInterval = 3600, burst: Int = 3, refillInterval: TimeInterval = 60) {
        self.starter = starter
        self.tokens = tokens
        self.tokenLifetime = tokenLifetime
        self.burst = burst
        self.refillInterval = refillInterval
    }
}

/// Anti-forgery tokens for the click-to-call form, bound to a browser session: the page sets
/// a random session cookie (`HttpOnly`, `SameSite=Strict`) and signs `session|time` with
/// HMAC-SHA256. A post counts only with that cookie, a token signed for it, and a time within
/// the lifetime — a form posted from another site carries neither.
public struct FormTokens: Sendable {
    /// The HMAC key's bytes (`SymmetricKey` is not `Sendable`; one is made per use).
    private let secret: [UInt8]

    /// A random 256-bit key.
    public init() { secret = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) } }

    /// A fixed key (tests, or several nodes sharing forms).
    public init(secret: [UInt8]) { self.secret = secret }

    private var key: SymmetricKey { SymmetricKey(data: secret) }

    /// A new random session id for the cookie (22 URL-safe characters).
    public static func newSession() -> String {
        base64URL(SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) })
    }

    /// True for something ``newSession()`` could have made (what a cookie is checked for).
    public static func isSession(_ text: String) -> Bool {
        text.count == 22 && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// `SECONDS.MAC`: the issue time and the signature over session and time.
    public func issue(session: String, at date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970)
        return "\(seconds).\(Self.base64URL(Data(mac(session: session, seconds: seconds))))"
    }

    /// True when `token` was issued for `session` no more than `lifetime` seconds before `date`
    /// (and not more than a minute after it: clocks of several nodes may differ a little).
    public func verify(_ token: String, session: String, at date: Date, lifetime: TimeInterval) -> Bool {
        let parts = token.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let seconds = Int(parts[0]), let signature = Self.unbase64URL(String(parts[1])) else { return false }
        let age = date.timeIntervalSince1970 - TimeInterval(seconds)
        guard age <= lifetime, age >= -60 else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: Self.message(session: session, seconds: seconds), using: key)
    }

    private func mac(session: String, seconds: Int) -> HashedAuthenticationCode<SHA256> {
        HMAC<SHA256>.authenticationCode(for: Self.message(session: session, seconds: seconds), using: key)
    }

    private static func message(session: String, seconds: Int) -> Data { Data("click-to-call|\(session)|\(seconds)".utf8) }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func unbase64URL(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}

/// A token bucket per source address: `burst` requests at once, one more every
/// `refillInterval` seconds. At most `maxSources` are remembered; past that, the sources idle
/// longest are forgotten first (a forgotten source starts with a full bucket).
public actor RateLimiter {
    private let burst: Double
    private let refillInterval: TimeInterval
    private let maxSources: Int
    private var buckets: [String: (tokens: Double, updated: Date)] = [:]

    public init(burst: Int, refillInterval: TimeInterval, maxSources: Int = 10_000) {
        self.burst = Double(max(burst, 1))
        self.refillInterval = max(refillInterval, 0.001)
        self.maxSources = max(maxSources, 1)
    }

    /// Takes a token for `source` at `date`; false (do not serve) when its bucket is empty.
    public func allow(_ source: String, at date: Date) -> Bool {
        var bucket = buckets[source] ?? (tokens: burst, updated: date)
        let elapsed = max(date.timeIntervalSince(bucket.updated), 0)
        bucket.tokens = min(burst, bucket.tokens + elapsed / refillInterval)
        bucket.updated = date
        let allowed = bucket.tokens >= 1
        if allowed { bucket.tokens -= 1 }
        buckets[source] = bucket
        if buckets.count > maxSources, let idlest = buckets.min(by: { $0.value.updated < $1.value.updated })?.key {
            buckets[idlest] = nil
        }
        return allowed
    }

    /// Seconds until `source` may make a request again (for `Retry-After`), at least 1.
    public func retryAfter(_ source: String, at date: Date) -> Int {
        guard let bucket = buckets[source] else { return 1 }
        let tokens = min(burst, bucket.tokens + max(date.timeIntervalSince(bucket.updated), 0) / refillInterval)
        return max(1, Int(((1 - tokens) * refillInterval).rounded(.up)))
    }
}

/// What may be called: the visitor's number must be an outside number the directory's
/// `outbound: allowed` patterns permit (the toll-fraud guard transfers use) or one of its
/// extensions; the target must be a department or person in the directory with an extension.
public enum ClickToCallPolicy {
    /// Why a request was refused; `description` is shown to the visitor.
    public enum Rejection: Error, Sendable, Equatable, CustomStringConvertible {
        case malformedNumber
        case numberNotAllowed(String)
        case unknownTarget

        public var description: String {
            switch self {
            case .malformedNumber: "That is not a phone number: use digits, optionally starting with +, or a sip: address."
            case .numberNotAllowed(let number): "Calls to \(number) cannot be made from here."
            case .unknownTarget: "That department or person is not in the directory."
            }
        }
    }

    /// The number as dialled (spaces, dashes, dots, slashes and brackets removed), or a
    /// `sip:` URI as typed, and the target, or why not. A SIP URI must match an `outbound:
    /// allowed` pattern itself (`sip:*@pbx.example.com`): no free calls to arbitrary hosts.
    public static func check(number: String, target: String, directory: Directory) -> Result<(callback: String, target: String), Rejection> {
        let typed = number.trimmingCharacters(in: .whitespaces)
        let isURI = typed.lowercased().hasPrefix("sip:")
        let dialled = isURI ? typed : number.filter { !" -./()\u{00A0}".contains($0) }
        if isURI {
            guard (5...256).contains(dialled.count), !dialled.contains(where: { $0.isWhitespace || !$0.isASCII || "<>\"".contains($0) }) else {
                return .failure(.malformedNumber)
            }
        } else {
            let digits = dialled.hasPrefix("+") ? dialled.dropFirst() : Substring(dialled)
            guard (2...20).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return .failure(.malformedNumber) }
        }
        let parts = target.split(separator: "/", maxSplits: 1).map(String.init)
        let known: Bool
        switch (parts.first, parts.count) {
        case ("department", 2): known = directory.department(parts[1])?.extensionNumber != nil
        case ("person", 2): known = directory.person(parts[1])?.extensionNumber != nil
        default: known = false
        }
        guard known else { return .failure(.unknownTarget) }
        let isExtension = !isURI && (directory.people.contains { $0.extensionNumber?.value == dialled }
            || directory.departments.contains { $0.extensionNumber?.value == dialled })
        guard isExtension || directory.allowsOutbound(dialled) else { return .failure(.numberNotAllowed(dialled)) }
        return .success((callback: dialled, target: target))
    }
}

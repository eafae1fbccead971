import SIPMessage

/// Which side of RFC 3261 §22 a challenger plays, and so which headers and status it uses.
public enum DigestRole: Hashable, Sendable {
    /// A UAS or registrar: `401 Unauthorized` with `WWW-Authenticate`, credentials in
    /// `Authorization` (RFC 3261 §22.2).
    case userAgentServer
    /// A proxy: `407 Proxy Authentication Required` with `Proxy-Authenticate`, credentials
    /// in `Proxy-Authorization` (RFC 3261 §22.3).
    case proxy

    /// The status of a challenge.
    public var challengeStatus: Int { self == .proxy ? 407 : 401 }
    /// The header carrying challenges.
    public var challengeHeader: HeaderName { self == .proxy ? .proxyAuthenticate : .wwwAuthenticate }
    /// The header carrying credentials.
    public var credentialsHeader: HeaderName { self == .proxy ? .proxyAuthorization : .authorization }
}

/// How a `DigestChallenger` challenges and what it accepts.
public struct DigestChallengerConfiguration: Hashable, Sendable {
    /// The protection space (RFC 7616 §3.3), e.g. the domain of the addresses of record.
    public var realm: String
    public var role: DigestRole
    /// The algorithms offered, one challenge each, in this order; only these are accepted.
    /// RFC 8760 §2.4: offer SHA-256 before MD5 (a UAC takes the first it supports, and
    /// old phones know only MD5).
    public var algorithms: [DigestAlgorithm]
    /// How long a nonce stays good (RFC 7616 §3.3, §5.5): after that the next request under
    /// it gets a `stale=true` challenge. Phones reuse a nonce for REGISTER refreshes, so a
    /// few minutes is usual.
    public var nonceLifetime: Duration
    /// How many nonces' counts are remembered for replay protection (memory bound);
    /// `DigestNonceCountTable` explains what happens past it.
    public var nonceCountCapacity: Int

    public init(realm: String, role: DigestRole = .userAgentServer, algorithms: [DigestAlgorithm] = [.sha256, .md5],
                nonceLifetime: Duration = .seconds(300), nonceCountCapacity: Int = 10_000) {
        self.realm = realm
        self.role = role
        self.algorithms = algorithms
        self.nonceLifetime = nonceLifetime
        self.nonceCountCapacity = nonceCountCapacity
    }
}

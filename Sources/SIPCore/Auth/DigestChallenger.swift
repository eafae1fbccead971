import SIPMessage
import SIPTransaction

/// The UAS (or proxy) side of digest authentication (RFC 3261 §22.1, §22.3; RFC 7616 §3.3,
/// §3.4; RFC 8760), sans-IO: it builds challenges and verifies credentials, and does
/// nothing else — the caller sends what it returns. Time is injected (`now`), and so are
/// the server secret and the random source, so every path is deterministic in tests.
///
/// Nonces are stateless (`DigestNonceCodec`: issue time and HMAC), so validating one needs
/// no table of issued nonces; the only state is the nonce-count table for replay
/// protection, bounded by `nonceCountCapacity`. A value of this type belongs to one owner
/// (an event loop, an actor): `verify` mutates it.
public struct DigestChallenger: Sendable {
    public let configuration: DigestChallengerConfiguration
    private let codec: DigestNonceCodec
    private let opaque: String
    private var random: any RandomNumberGenerator & Sendable
    private var counts: DigestNonceCountTable

    /// A challenger for `configuration`.
    /// - Parameters:
    ///   - secret: the HMAC key for nonces, at least 32 random bytes, never sent. Keep it
    ///     across restarts (and share it between nodes) only if nonces should stay valid
    ///     there; a new secret just makes clients retry with `stale=true`.
    ///   - now: the current instant; nonces issued before it are refused as stale, so a
    ///     nonce issued by an earlier process is not replayable through an empty count table.
    ///   - random: the source of each nonce's random part.
    public init(configuration: DigestChallengerConfiguration, secret: [UInt8], now: SIPInstant,
                random: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()) {
        var configuration = configuration
        // An empty list would challenge with nothing to answer; offer the defaults instead.
        if configuration.algorithms.isEmpty { configuration.algorithms = [.sha256, .md5] }
        self.configuration = configuration
        self.codec = DigestNonceCodec(secret: secret, realm: configuration.realm)
        self.opaque = codec.opaque
        self.random = random
        self.counts = DigestNonceCountTable(capacity: configuration.nonceCountCapacity, start: now)
    }

    /// A fresh 32-byte secret from the system's random source.
    public static func randomSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).flatMap { _ -> [UInt8] in
            let word = generator.next()
            return (0..<8).map { UInt8(truncatingIfNeeded: word >> ($0 * 8)) }
        }
    }

    /// How many nonces' counts are held now (at most `nonceCountCapacity`).
    public var trackedNonces: Int { counts.count }

    // MARK: Challenging

    /// New challenges, one per configured algorithm in order (RFC 8760 §2.4: SHA-256 first),
    /// all under one new nonce, `qop="auth"` and the server's opaque.
    public mutating func challenges(stale: Bool = false, now: SIPInstant) -> [DigestChallenge] {
        let nonce = codec.make(issuedAt: now, random: random.next())
        return configuration.algorithms.map { algorithm in
            DigestChallenge(realm: configuration.realm, nonce: nonce, opaque: opaque, algorithm: algorithm,
                            qopOptions: ["auth"], stale: stale)
        }
    }

    /// The `401` (or `407` for a proxy) answering `request` with new challenges
    /// (RFC 3261 §22.1, §8.2.6). `toTag` is added to To when it has none.
    public mutating func challengeResponse(to request: SIPMessage, stale: Bool = false, now: SIPInstant,
                                           toTag: String? = nil) -> SIPMessage {
        var response = SIPMessage.response(to: request, status: configuration.role.challengeStatus, toTag: toTag)
        for challenge in challenges(stale: stale, now: now) {
            response.headers.append(configuration.role.challengeHeader, challenge.authenticationValue.description)
        }
        return response
    }

    /// The response a verification calls for, or nil when the request is authorized:
    /// a new challenge (stale or not), `403` or `400`.
    public mutating func response(for verification: DigestVerification, to request: SIPMessage, now: SIPInstant,
                                  toTag: String? = nil) -> SIPMessage? {
        switch verification {
        case .authorized: return nil
        case .challenge(let stale): return challengeResponse(to: request, stale: stale, now: now, toTag: toTag)
        case .forbidden, .badRequest:
            return SIPMessage.response(to: request, status: verification.statusCode ?? 403, toTag: toTag)
        }
    }

    // MARK: Verifying

    /// Verifies the credentials `request` carries for this realm (RFC 7616 §3.4.6, RFC 3261
    /// §22.3), in this order:
    /// 1. no Digest credentials for the realm → `.challenge(stale: false)`;
    /// 2. malformed credentials, an algorithm not offered, a qop other than `auth`, or a
    ///    `uri` that is not the Request-URI → `.badRequest`;
    /// 3. a user the store does not know, or a wrong response digest → `.forbidden`;
    /// 4. the right digest under a nonce that this server did not issue (another secret),
    ///    that expired, or whose count is no longer remembered → `.challenge(stale: true)`
    ///    (RFC 7616 §3.3: stale only when the digest itself is valid);
    /// 5. a nonce count not above the highest accepted for the nonce → `.forbidden`;
    /// 6. otherwise `.authorized`.
    ///
    /// For `-sess` algorithms the session HA1 is derived from the request's own cnonce.
    public mutating func verify(_ request: SIPMessage, store: some DigestCredentialStore, now: SIPInstant) -> DigestVerification {
        guard let method = request.method, let requestURI = request.requestURI else {
            return .badRequest(.malformed("not a request"))
        }
        let credentials: DigestAuthorization
        switch findCredentials(in: request) {
        case .none: return .challenge(stale: false)
        case .failure(let failure): return .badRequest(failure)
        case .found(let found): credentials = found
        }

        guard let algorithm = credentials.algorithm, configuration.algorithms.contains(algorithm) else {
            return .badRequest(.unsupportedAlgorithm(credentials.algorithmToken ?? "MD5"))
        }
        // RFC 7616 §3.4: the server offered qop="auth", so the client MUST answer with it.
        guard let qop = credentials.qop, qop.lowercased() == "auth",
              let count = credentials.nonceCount, let cnonce = credentials.cnonce
        else { return .badRequest(.unsupportedQop(credentials.qop ?? "")) }
        // RFC 7616 §3.4.6: the uri must designate the Request-URI's resource, else 400.
        guard Self.uri(credentials.uri, designates: requestURI) else {
            return .badRequest(.uriMismatch(uri: credentials.uri, requestURI: requestURI.description))
        }

        guard let ha1 = store.ha1(username: credentials.username, realm: configuration.realm, hashFunction: algorithm.hashFunction) else {
            return .forbidden(.unknownUser(credentials.username))
        }
        let expected = DigestComputation.response(
            storedHA1: ha1, algorithm: algorithm, method: method.name, uri: credentials.uri, nonce: credentials.nonce,
            protection: .auth(nonceCount: count, cnonce: cnonce))
        guard DigestHex.constantTimeEquals(expected, credentials.response.lowercased()) else {
            return .forbidden(.wrongResponse(username: credentials.username))
        }

        // The digest is right; now whether the nonce still is (RFC 7616 §3.3 stale).
        guard let issuedAt = codec.issuedAt(credentials.nonce), credentials.opaque.map({ $0 == opaque }) ?? true else {
            return .challenge(stale: true)
        }
        let expiredBefore = now + (Duration.zero - configuration.nonceLifetime)
        guard issuedAt <= now, issuedAt >= expiredBefore else { return .challenge(stale: true) }

        // RFC 7616 §5.3 / RFC 2617 §3.2.2: a nonce count seen before is a replay.
        switch counts.record(nonce: credentials.nonce, issuedAt: issuedAt, count: count, expiredBefore: expiredBefore) {
        case .accepted:
            return .authorized(DigestIdentity(username: credentials.username, realm: configuration.realm, algorithm: algorithm))
        case .replayed:
            return .forbidden(.replayedNonceCount(username: credentials.username, count: count))
        case .forgotten:
            return .challenge(stale: true)
        }
    }

    private enum Lookup {
        case none
        case found(DigestAuthorization)
        case failure(DigestFailure)
    }

    /// The Digest credentials for this realm among the request's Authorization (or
    /// Proxy-Authorization) values; a request may carry several, for other realms or
    /// schemes (RFC 3261 §22.3).
    private func findCredentials(in request: SIPMessage) -> Lookup {
        let values: [AuthenticationValue]
        do {
            values = configuration.role == .proxy ? try request.proxyAuthorization() : try request.authorization()
        } catch {
            return .failure(.malformed(String(describing: error)))
        }
        for value in values where value.scheme.lowercased() == "digest" && value.value("realm") == configuration.realm {
            do {
                if let credentials = try DigestAuthorization.parse(value) { return .found(credentials) }
            } catch {
                return .failure(.malformed(String(describing: error)))
            }
        }
        return .none
    }

    /// Whether the digest-uri designates the Request-URI: the same text, or an equivalent
    /// URI (RFC 3261 §19.1.4), since a proxy may have rewritten escapes or case.
    static func uri(_ digestURI: String, designates requestURI: URI) -> Bool {
        if digestURI == requestURI.description { return true }
        guard let parsed = try? URI(digestURI) else { return false }
        return parsed.isEquivalent(to: requestURI)
    }
}

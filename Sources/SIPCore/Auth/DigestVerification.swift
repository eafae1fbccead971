/// What a `DigestChallenger` decided about a request's credentials.
public enum DigestVerification: Hashable, Sendable {
    /// The credentials are valid: the request comes from this user.
    case authorized(DigestIdentity)
    /// Answer with a new challenge (`DigestChallenger.challengeResponse`): the request had
    /// no credentials for this realm, or (with `stale`) the right credentials under a nonce
    /// that expired or that this server no longer knows (RFC 7616 §3.3).
    case challenge(stale: Bool)
    /// Answer `403 Forbidden` (RFC 3261 §22.3 lets a server refuse outright): the
    /// credentials are wrong or replayed. The reason is for logs, not for the response.
    case forbidden(DigestFailure)
    /// Answer `400 Bad Request`: the credentials are malformed or do not fit the request
    /// (RFC 7616 §3.4.6: a `uri` that is not the Request-URI gets 400).
    case badRequest(DigestFailure)

    /// The status code to answer with, nil when authorized.
    public var statusCode: Int? {
        switch self {
        case .authorized: return nil
        case .challenge: return nil
        case .forbidden: return 403
        case .badRequest: return 400
        }
    }
}

/// The user a request was authenticated as.
public struct DigestIdentity: Hashable, Sendable {
    public var username: String
    public var realm: String
    public var algorithm: DigestAlgorithm

    public init(username: String, realm: String, algorithm: DigestAlgorithm) {
        self.username = username
        self.realm = realm
        self.algorithm = algorithm
    }
}

/// Why credentials were refused.
public enum DigestFailure: Hashable, Sendable, CustomStringConvertible {
    /// The header could not be parsed as Digest credentials.
    case malformed(String)
    /// The `algorithm` is unknown or was not offered.
    case unsupportedAlgorithm(String)
    /// `qop` is absent (this server always offers `qop=auth`, RFC 7616 §3.4) or not `auth`.
    case unsupportedQop(String)
    /// The `uri` directive does not designate the Request-URI (RFC 7616 §3.4.6).
    case uriMismatch(uri: String, requestURI: String)
    /// The credential store has no HA1 for the user.
    case unknownUser(String)
    /// The response digest is wrong: wrong password (or a nonce altered without the
    /// password to recompute the digest).
    case wrongResponse(username: String)
    /// The nonce count was not higher than one already accepted for the nonce (RFC 7616
    /// §5.3): a replayed request.
    case replayedNonceCount(username: String, count: UInt32)

    public var description: String {
        switch self {
        case .malformed(let reason): return "malformed credentials: \(reason)"
        case .unsupportedAlgorithm(let token): return "unsupported algorithm \(token)"
        case .unsupportedQop(let qop): return "unsupported qop '\(qop)'"
        case .uriMismatch(let uri, let requestURI): return "uri \(uri) is not the Request-URI \(requestURI)"
        case .unknownUser(let user): return "unknown user \(user)"
        case .wrongResponse(let user): return "wrong response digest for \(user)"
        case .replayedNonceCount(let user, let count): return "replayed nonce count \(count) for \(user)"
        }
    }
}

/// Why a `DigestResponder` could not answer a challenge; the UAC reports the failure of
/// the request (RFC 3261 §22.2, §22.3) instead of retrying.
public enum DigestResponderError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The response is not a 401 or 407.
    case notAChallenge(status: Int?)
    /// The message to authorize is not a request.
    case notARequest
    /// A WWW-Authenticate or Proxy-Authenticate header could not be parsed.
    case malformedChallenge(String)
    /// No challenge in the response is a Digest challenge this implementation can answer
    /// (algorithm and qop), e.g. only `SHA-512-256` or only `qop="auth-int"`.
    case unsupportedChallenge(realm: String?)
    /// No credentials apply to the realm, or they lack HA1 for every offered algorithm.
    case noCredentials(realm: String)
    /// The server refused the credentials: it challenged again an answer to its challenge
    /// without `stale=true`, or repeated the nonce just answered. Answering again would
    /// only repeat the failure (RFC 7616 §3.3: new credentials are needed).
    case rejected(realm: String)

    public var description: String {
        switch self {
        case .notAChallenge(let status): return "not a 401/407 challenge (status \(status.map(String.init) ?? "none"))"
        case .notARequest: return "not a request"
        case .malformedChallenge(let reason): return "malformed challenge: \(reason)"
        case .unsupportedChallenge(let realm): return "no answerable Digest challenge\(realm.map { " for realm \($0)" } ?? "")"
        case .noCredentials(let realm): return "no credentials for realm \(realm)"
        case .rejected(let realm): return "credentials refused by realm \(realm)"
        }
    }
}

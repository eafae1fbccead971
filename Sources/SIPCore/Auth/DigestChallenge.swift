import SIPMessage

/// One Digest challenge, the value of a `WWW-Authenticate` or `Proxy-Authenticate` header
/// (RFC 3261 §20.27, §20.44, §22.1; RFC 7616 §3.3), read from or written to the typed
/// `AuthenticationValue`.
public struct DigestChallenge: Hashable, Sendable {
    public var realm: String
    public var nonce: String
    public var opaque: String?
    /// nil when the directive is absent, which means MD5 (RFC 7616 §3.3).
    public var algorithmToken: String?
    /// The `qop` options offered, e.g. `["auth"]`; empty when the directive is absent
    /// (an RFC 2069 challenge).
    public var qopOptions: [String]
    /// `stale=true`: the previous request's nonce was stale, not its credentials
    /// (RFC 7616 §3.3): retry with the new nonce without asking for a new password.
    public var stale: Bool

    public init(realm: String, nonce: String, opaque: String? = nil, algorithm: DigestAlgorithm? = .md5,
                qopOptions: [String] = ["auth"], stale: Bool = false) {
        self.realm = realm
        self.nonce = nonce
        self.opaque = opaque
        self.algorithmToken = algorithm?.token
        self.qopOptions = qopOptions
        self.stale = stale
    }

    /// The algorithm, or nil when this implementation cannot compute the one named.
    public var algorithm: DigestAlgorithm? { DigestAlgorithm.named(algorithmToken) }

    /// Whether `qop=auth` is among the options.
    public var offersAuth: Bool { qopOptions.contains { $0.lowercased() == "auth" } }

    /// The challenge in `value`, or nil when it is not a Digest challenge or lacks the
    /// required realm and nonce (RFC 7616 §3.3: both MUST be present).
    public init?(_ value: AuthenticationValue) {
        guard value.scheme.lowercased() == "digest",
              let realm = value.value("realm"), let nonce = value.value("nonce")
        else { return nil }
        self.realm = realm
        self.nonce = nonce
        self.opaque = value.value("opaque")
        self.algorithmToken = value.value("algorithm")
        // qop-options = "qop" EQUAL LDQUOT qop-value *("," qop-value) RDQUOT (RFC 3261 §25.1).
        self.qopOptions = (value.value("qop") ?? "")
            .split(separator: ",")
            .map { $0.digestTrimmed() }
            .filter { !$0.isEmpty }
        self.stale = value.value("stale")?.lowercased() == "true"
    }

    /// The header value: `Digest realm="…", nonce="…", opaque="…", algorithm=…, qop="auth"`
    /// with `stale=true` when set (RFC 7616 §3.3 directive syntax: realm, nonce, opaque and
    /// qop quoted; algorithm and stale tokens).
    public var authenticationValue: AuthenticationValue {
        var parameters = [
            GenericParameter(name: "realm", value: Quoting.quote(realm)),
            GenericParameter(name: "nonce", value: Quoting.quote(nonce)),
        ]
        if let opaque { parameters.append(GenericParameter(name: "opaque", value: Quoting.quote(opaque))) }
        if let algorithmToken { parameters.append(GenericParameter(name: "algorithm", value: algorithmToken)) }
        if !qopOptions.isEmpty {
            parameters.append(GenericParameter(name: "qop", value: Quoting.quote(qopOptions.joined(separator: ","))))
        }
        if stale { parameters.append(GenericParameter(name: "stale", value: "true")) }
        return AuthenticationValue(scheme: "Digest", parameters: parameters)
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs.
    func digestTrimmed() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}

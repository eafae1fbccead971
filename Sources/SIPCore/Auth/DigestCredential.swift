/// A UAC's credentials for digest authentication (RFC 3261 §22.2, §22.3): the username and
/// either the password or precomputed HA1 values, for one realm or for any realm.
public struct DigestCredential: Hashable, Sendable {
    /// What proves the user's identity.
    public enum Secret: Hashable, Sendable {
        /// The cleartext password, as a trunk's configuration usually gives it.
        case password(String)
        /// HA1 = H(username:realm:password) in lower-case hex, per hash function
        /// (RFC 7616 §3.4.2); only the algorithms with a value here can be answered.
        case ha1([DigestHashFunction: String])
    }

    public var username: String
    /// The realm these credentials are for; nil answers a challenge from any realm
    /// (HA1 values are bound to one realm, so give one with `.ha1`).
    public var realm: String?
    public var secret: Secret

    public init(username: String, realm: String? = nil, secret: Secret) {
        self.username = username
        self.realm = realm
        self.secret = secret
    }

    /// Credentials from a password.
    public static func password(_ password: String, username: String, realm: String? = nil) -> DigestCredential {
        DigestCredential(username: username, realm: realm, secret: .password(password))
    }

    /// HA1 = H(username ":" realm ":" password) in lower-case hex (RFC 7616 §3.4.2,
    /// RFC 3261 §22.4): the value a credential store keeps instead of the password. For a
    /// `-sess` algorithm this is the stored part; the session key is derived per nonce.
    public static func ha1(user: String, realm: String, password: String, algorithm: DigestAlgorithm = .sha256) -> String {
        ha1(user: user, realm: realm, password: password, hashFunction: algorithm.hashFunction)
    }

    /// HA1 for a hash function (RFC 7616 §3.4.2).
    public static func ha1(user: String, realm: String, password: String, hashFunction: DigestHashFunction) -> String {
        hashFunction.hex(user + ":" + realm + ":" + password)
    }

    /// Whether these credentials may answer a challenge from `realm`.
    func applies(to realm: String) -> Bool { self.realm == nil || self.realm == realm }

    /// The stored HA1 for `realm` and `hashFunction`, or nil when it cannot be had.
    func storedHA1(realm: String, hashFunction: DigestHashFunction) -> String? {
        switch secret {
        case .password(let password):
            return DigestCredential.ha1(user: username, realm: realm, password: password, hashFunction: hashFunction)
        case .ha1(let values):
            return values[hashFunction]?.lowercased()
        }
    }
}

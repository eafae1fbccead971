/// Where a UAS finds the secrets it checks digest credentials against. It hands out HA1
/// values only — H(username:realm:password), per hash function and realm (RFC 7616 §3.4.2,
/// §5.13: "the server … SHOULD store H(A1) rather than the password") — never passwords,
/// so a leaked store does not reveal passwords usable elsewhere.
///
/// The lookup is synchronous: Switchboard's users come from `flows/directory.yaml`, held in
/// memory. A store backed by a database loads what it needs before verification.
public protocol DigestCredentialStore {
    /// HA1 in lower-case hex for `username` in `realm` under `hashFunction`, or nil when
    /// the user is unknown or has no HA1 for that hash function.
    func ha1(username: String, realm: String, hashFunction: DigestHashFunction) -> String?
}

/// A `DigestCredentialStore` over a dictionary, for tests and for credentials loaded from
/// a configuration file.
public struct InMemoryDigestCredentialStore: DigestCredentialStore, Sendable {
    /// Key of one stored HA1.
    public struct Key: Hashable, Sendable {
        public var username: String
        public var realm: String
        public var hashFunction: DigestHashFunction

        public init(username: String, realm: String, hashFunction: DigestHashFunction) {
            self.username = username
            self.realm = realm
            self.hashFunction = hashFunction
        }
    }

    public var values: [Key: String]

    public init(values: [Key: String] = [:]) {
        self.values = values
    }

    /// Stores the HA1 values of `password` for every hash function; the password itself
    /// is not kept.
    public mutating func add(username: String, realm: String, password: String) {
        for hashFunction in DigestHashFunction.allCases {
            values[Key(username: username, realm: realm, hashFunction: hashFunction)] =
                DigestCredential.ha1(user: username, realm: realm, password: password, hashFunction: hashFunction)
        }
    }

    public func ha1(username: String, realm: String, hashFunction: DigestHashFunction) -> String? {
        values[Key(username: username, realm: realm, hashFunction: hashFunction)]
    }
}

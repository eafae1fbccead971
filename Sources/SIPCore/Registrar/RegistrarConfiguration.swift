/// What a registrar accepts (RFC 3261 §10.3). Intervals are in seconds.
public struct RegistrarConfiguration: Sendable, Equatable {
    /// The domains this registrar holds bindings for (§10.3 step 1), compared
    /// case-insensitively with the host of the Request-URI and of the To URI (the AOR).
    public var domains: Set<String>
    /// The interval used when neither the Contact's `expires` nor an Expires header gives
    /// one (§10.3 step 7, "a locally-configured default").
    public var defaultExpires: UInt32
    /// Requested intervals above 0 and below this are answered `423 Interval Too Brief`
    /// with `Min-Expires` — only when they are also under one hour, as §10.3 step 7 allows,
    /// so a minimum above 3600 acts as 3600.
    public var minExpires: UInt32
    /// Longer requested intervals are shortened to this (§10.3 step 7: "MAY choose an
    /// expiration less than the requested").
    public var maxExpires: UInt32
    /// Live bindings one AOR may have; a REGISTER that would add a binding beyond it is
    /// refused with `403` "Too Many Contacts" (a policy, not overload, so not `503`).
    public var maxBindingsPerAOR: Int
    /// When true, a REGISTER reaching the registrar without an authenticated user (the
    /// digest layer did not run) is refused with `403`.
    public var requireAuthentication: Bool
    /// Option tags the registrar accepts in `Require` (§10.3 step 2, §8.2.2.3); any other
    /// gets `420 Bad Extension` with `Unsupported`.
    public var supportedExtensions: Set<String>

    public init(domains: Set<String>, defaultExpires: UInt32 = 3600, minExpires: UInt32 = 60,
                maxExpires: UInt32 = 7200, maxBindingsPerAOR: Int = 10, requireAuthentication: Bool = true,
                supportedExtensions: Set<String> = []) {
        self.domains = Set(domains.map { $0.lowercased() })
        self.defaultExpires = defaultExpires
        self.minExpires = minExpires
        self.maxExpires = max(maxExpires, 1)
        self.maxBindingsPerAOR = max(maxBindingsPerAOR, 1)
        self.requireAuthentication = requireAuthentication
        self.supportedExtensions = Set(supportedExtensions.map { $0.lowercased() })
    }

    /// Whether `host` is one of `domains`.
    public func serves(_ host: String) -> Bool { domains.contains(host.lowercased()) }
}

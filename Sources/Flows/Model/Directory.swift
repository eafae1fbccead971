/// `flows/directory.yaml`: who and what can be reached, and when the company is open.
public struct Directory: Sendable {
    public var departments: [Department] = []
    public var people: [Person] = []
    public var schedules: [Schedule] = []
    /// Outside destinations a transfer may reach (toll-fraud guard).
    public var allowedOutbound: [Located<String>] = []

    public init() {}

    public func department(_ id: String) -> Department? { departments.first { $0.id == id } }
    public func person(_ id: String) -> Person? { people.first { $0.id == id } }
    public func schedule(_ id: String) -> Schedule? { schedules.first { $0.id == id } }

    /// Every mailbox a department or person owns.
    public var mailboxes: Set<String> {
        Set(departments.compactMap { $0.mailbox?.value } + people.compactMap { $0.mailbox?.value })
    }

    /// The person with a SIP account whose mailbox is `mailbox`: theirs by the `mailbox`
    /// key, or named like their SIP user name (the rule unsolicited MWI follows too).
    public func accountOwner(ofMailbox mailbox: String) -> Person? {
        people.first { $0.sip != nil && ($0.mailbox?.value == mailbox || $0.sip?.username == mailbox) }
    }

    /// True when `destination` (a number or URI) matches an allowed outbound pattern.
    public func allowsOutbound(_ destination: String) -> Bool {
        allowedOutbound.contains { DialPattern($0.value).matches(destination) }
    }
}

/// How a department's members are rung.
public enum RingStrategy: String, Sendable, Hashable, CaseIterable {
    /// All members at once; the first to answer gets the call.
    case simultaneous
    /// One after another in the listed order, each for `member-timeout`.
    case sequential
}

/// A ring group with its own extension and mailbox.
public struct Department: Sendable {
    public var id: String
    public var location: SourceLocation
    public var displayName: String
    public var extensionNumber: Located<String>?
    public var members: [Located<String>]
    public var strategy: RingStrategy
    public var memberTimeout: Duration
    public var mailbox: Located<String>?
}

/// A member of staff: reachable by extension, owns a mailbox, registers SIP phones.
public struct Person: Sendable {
    public var id: String
    public var location: SourceLocation
    public var displayName: String
    public var extensionNumber: Located<String>?
    public var mailbox: Located<String>?
    /// SIP registration credentials: user name, realm and HA1 = MD5(user:realm:password) — never the password.
    public var sip: SIPCredentials?
    /// Outside numbers rung together with the registered phones.
    public var phones: [Located<String>]
    public var forwarding: Forwarding

    /// Call forwarding: numbers or URIs; each must be allowed by `outbound`.
    public struct Forwarding: Sendable {
        public var always: Located<String>?
        public var busy: Located<String>?
        public var noAnswer: Located<String>?
    }
}

/// What a phone needs to register as a person (RFC 8760 digest; HA1 stored, not the password).
public struct SIPCredentials: Sendable {
    public var username: String
    public var realm: String
    /// MD5(username:realm:password) in lower-case hex.
    public var ha1: String
    /// SHA-256(username:realm:password) in lower-case hex, for phones that use RFC 8760's
    /// SHA-256 digest; nil when only MD5 is stored.
    public var ha1SHA256: String? = nil
}

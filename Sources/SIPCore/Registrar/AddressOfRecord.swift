import SIPMessage

/// An address-of-record in the canonical form a registrar keys bindings by
/// (RFC 3261 §10.3 step 5): the user part with escapes resolved, and the host, lower-cased;
/// every URI parameter (`user=phone` included), the port and the scheme are dropped, so
/// `sips:Alice%40x@Example.COM;user=ip` and `sip:Alice%40x@example.com` name one AOR.
public struct AddressOfRecord: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The user part, unescaped; compared case-sensitively (RFC 3261 §19.1.4).
    public let user: String
    /// The domain, lower-cased (an IPv6 reference keeps its brackets).
    public let domain: String

    /// An AOR from its parts; the domain is lower-cased.
    public init(user: String, domain: String) {
        self.user = user
        self.domain = domain.lowercased()
    }

    /// The canonical AOR of a SIP or SIPS URI with a user part (RFC 3261 §10.3 step 5);
    /// nil for other URIs (tel, or no user part), which cannot be an AOR (§10.2).
    public init?(uri: URI) {
        guard case .sip(let sip) = uri, let user = sip.unescapedUser, !user.isEmpty else { return nil }
        self.init(user: user, domain: sip.host)
    }

    /// The AOR as a `sip:` URI, the user part escaped as needed.
    public var uri: SIPURI { SIPURI(user: PercentEncoding.encodeUser(user), host: domain) }

    public var description: String { uri.description }

    public static func < (lhs: AddressOfRecord, rhs: AddressOfRecord) -> Bool {
        (lhs.domain, lhs.user) < (rhs.domain, rhs.user)
    }
}

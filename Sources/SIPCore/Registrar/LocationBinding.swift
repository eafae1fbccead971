import SIPMessage
import SIPTransaction

/// One binding of an address-of-record to a contact address (RFC 3261 §10.2, §10.3), with
/// what a registrar records about it: the Call-ID and CSeq of the REGISTER that made it
/// (§10.3 step 7), when it expires, its q-value, and the flow it arrived on so that a phone
/// behind NAT can be reached over the same flow (RFC 5626 §5.3, §6).
///
/// Instants are `SIPInstant`s on the **wall clock** (nanoseconds since the Unix epoch), so a
/// stored binding keeps its meaning across a restart and the registrar can write `Date`.
public struct LocationBinding: Hashable, Sendable, CustomStringConvertible {
    /// The address-of-record this binding belongs to.
    public var aor: AddressOfRecord
    /// The contact address as the UA registered it (compared with RFC 3261 §19.1.4 rules).
    public var contact: URI
    /// When the binding stops being valid; it is live while `now < expiresAt`.
    public var expiresAt: SIPInstant
    /// The `q` parameter of the Contact (0 … 1), nil when the UA gave none.
    public var q: Double?
    /// The Call-ID of the REGISTER that last created or refreshed the binding.
    public var callID: String
    /// The CSeq sequence number of that REGISTER.
    public var cseq: UInt32
    /// When the binding was last created or refreshed (for "most recent first" ordering).
    public var updatedAt: SIPInstant
    /// The transport, address, port and connection the REGISTER came from.
    public var source: TransportFlow
    /// The `+sip.instance` Contact parameter, unquoted (`<urn:uuid:…>`), RFC 5626 §4.1.
    public var instanceID: String?
    /// The `reg-id` Contact parameter (RFC 5626 §4.2); only kept together with an instance ID.
    public var regID: UInt32?
    /// The User-Agent header of the REGISTER, if any.
    public var userAgent: String?

    public init(aor: AddressOfRecord, contact: URI, expiresAt: SIPInstant, q: Double? = nil,
                callID: String, cseq: UInt32, updatedAt: SIPInstant, source: TransportFlow,
                instanceID: String? = nil, regID: UInt32? = nil, userAgent: String? = nil) {
        self.aor = aor
        self.contact = contact
        self.expiresAt = expiresAt
        self.q = q
        self.callID = callID
        self.cseq = cseq
        self.updatedAt = updatedAt
        self.source = source
        self.instanceID = instanceID
        self.regID = regID
        self.userAgent = userAgent
    }

    /// Whether the binding is still valid at `now`.
    public func isLive(at now: SIPInstant) -> Bool { now < expiresAt }

    /// Whole seconds left at `now`, rounded up (0 once expired), as the `expires` parameter
    /// of a 200 to REGISTER states it (RFC 3261 §10.3 step 8).
    public func remainingSeconds(at now: SIPInstant) -> UInt32 {
        guard now < expiresAt else { return 0 }
        let nanoseconds = expiresAt.nanoseconds &- now.nanoseconds
        let seconds = nanoseconds / 1_000_000_000 + (nanoseconds % 1_000_000_000 == 0 ? 0 : 1)
        return seconds > Int64(UInt32.max) ? UInt32.max : UInt32(seconds)
    }

    /// The q-value used for ordering: an absent `q` ranks as 1.0, the top preference.
    public var effectiveQ: Double { q ?? 1.0 }

    /// Whether the binding is identified by its RFC 5626 instance ID and reg-id rather than
    /// by its contact URI.
    public var isOutboundFlow: Bool { instanceID != nil && regID != nil }

    public var description: String { "\(aor) -> \(contact) (cseq \(cseq), via \(source))" }
}

extension LocationBinding {
    /// The order transfers try contacts in: highest q first (RFC 3261 §16.6 step 1, §8.3),
    /// then the most recently refreshed, then by contact text so the order is total.
    public static func lookupOrder(_ a: LocationBinding, _ b: LocationBinding) -> Bool {
        if a.effectiveQ != b.effectiveQ { return a.effectiveQ > b.effectiveQ }
        if a.updatedAt != b.updatedAt { return a.updatedAt > b.updatedAt }
        return a.contact.description < b.contact.description
    }
}

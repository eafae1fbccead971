import SIPMessage
import SIPTransaction

/// Our sent-by for the Via of every request a leg sends (RFC 3261 §8.1.1.7, §18.1.1): the
/// transport and address responses should come back to. Each request gets a fresh branch.
public struct LocalVia: Hashable, Sendable {
    /// `UDP`, `TCP`, `TLS` … as written in the Via.
    public var transport: String
    public var host: String
    public var port: UInt16?
    /// Whether to add an empty `rport` (RFC 3581 §3) so a NAT's mapping is reported back.
    public var rport: Bool

    public init(transport: String = "UDP", host: String, port: UInt16? = nil, rport: Bool = true) {
        self.transport = transport
        self.host = host
        self.port = port
        self.rport = rport
    }

    /// The Via with `branch`.
    public func via(branch: String) -> Via {
        Via(transport: transport, host: host, port: port, branch: branch,
            parameters: rport ? [GenericParameter(name: "rport")] : [])
    }
}

/// The random values that make one leg's requests its own (RFC 3261 §8.1.1.3 From tag,
/// §8.1.1.4 Call-ID, §8.1.1.7 branch). Branches are `branchPrefix` followed by `.` and a
/// counter, so every request of the leg has a different one and legs never share one.
public struct OutboundInviteIdentity: Hashable, Sendable {
    /// The Call-ID of every INVITE of the leg (kept across auth retries and redirects,
    /// §8.1.3.5) and of the dialog it creates.
    public var callID: String
    /// The From tag, likewise kept.
    public var fromTag: String
    /// Starts with the magic cookie `z9hG4bK` (added when missing).
    public var branchPrefix: String

    public init(callID: String, fromTag: String, branchPrefix: String) {
        self.callID = callID
        self.fromTag = fromTag
        self.branchPrefix = branchPrefix.hasPrefix(Self.magicCookie) ? branchPrefix : Self.magicCookie + branchPrefix
    }

    /// RFC 3261 §8.1.1.7.
    public static let magicCookie = "z9hG4bK"

    /// Fresh values drawn from `random`: a 128-bit Call-ID at `host` (§8.1.1.4: globally
    /// unique), a 64-bit From tag (§19.3: at least 32 random bits), a 64-bit branch prefix.
    public static func random(host: String, using random: inout some RandomNumberGenerator) -> OutboundInviteIdentity {
        let callID = hex(random.next()) + hex(random.next()) + "@" + host
        return OutboundInviteIdentity(callID: callID, fromTag: hex(random.next()), branchPrefix: magicCookie + hex(random.next()))
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// What every INVITE of a leg carries besides its target, and the leg's limits.
public struct OutboundInviteConfiguration: Sendable {
    /// Our identity in From (RFC 3261 §8.1.1.3), without tag: for a transfer, usually the
    /// caller's number at our domain.
    public var from: NameAddress
    /// Our Contact (§8.1.1.8): where the callee sends requests in the dialog.
    public var contact: NameAddress
    /// Our sent-by for the Via.
    public var via: LocalVia
    /// The session description offered in the INVITE (RFC 3264 §5); empty sends an
    /// offerless INVITE — not supported by this core yet: its 2xx would carry the offer and
    /// the ACK the answer (§13.2.2.4), which `OutboundInvite` does not build.
    public var offer: [UInt8]
    public var offerType: MediaType
    /// Further header lines for every INVITE (Allow, Supported, User-Agent, P-Asserted-Identity …).
    public var headers: [SIPHeader]
    /// How long the leg may ring before it is cancelled with result `noAnswer`; nil: no limit
    /// (the owner cancels). Counted from `start`, across auth retries and redirects.
    public var ringTimeout: Duration?
    /// How many 3xx responses the leg follows before failing (RFC 3261 §8.1.3.4 leaves the
    /// bound to the UAC; loops are caught by the target set anyway).
    public var maxRedirects: Int
    /// At most this many 401/407 challenges are answered per target: one from an outbound
    /// proxy (407) and one from the callee (401). The responder refuses a second challenge of
    /// the same realm on its own (RFC 7616 §3.3).
    public var maxChallenges: Int
    /// T1 for the §9.1 wait after a CANCEL: 64·T1 without a final response ends the leg.
    public var timers: TransactionTimerValues
    /// Whether the INVITE goes over TLS (the dialog's secure flag, §12.1.2).
    public var overTLS: Bool

    public init(from: NameAddress, contact: NameAddress, via: LocalVia, offer: [UInt8], offerType: MediaType = .sdp,
                headers: [SIPHeader] = [], ringTimeout: Duration? = .seconds(30), maxRedirects: Int = 3, maxChallenges: Int = 2,
                timers: TransactionTimerValues = TransactionTimerValues(), overTLS: Bool = false) {
        self.from = from
        self.contact = contact
        self.via = via
        self.offer = offer
        self.offerType = offerType
        self.headers = headers
        self.ringTimeout = ringTimeout
        self.maxRedirects = max(0, maxRedirects)
        self.maxChallenges = max(0, maxChallenges)
        self.timers = timers
        self.overTLS = overTLS
    }
}

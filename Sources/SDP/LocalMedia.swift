/// Where and as whom we take part in a session: the values our offers and answers carry.
public struct LocalMedia: Sendable {
    /// Our media address, IPv4 or IPv6; the `IP4`/`IP6` address type follows from it.
    public var address: String
    /// The `o=` username.
    public var username: String
    /// The `o=` session id; keep it for the whole dialog.
    public var sessionID: UInt64
    /// The `o=` session version; increment it for every new offer or answer in a dialog (RFC 3264 §8).
    public var sessionVersion: UInt64
    /// The `s=` session name.
    public var sessionName: String
    /// Where RTP ports for accepted streams come from.
    public var ports: PortAssignment

    /// Creates local media parameters.
    public init(
        address: String, username: String = "switchboard", sessionID: UInt64, sessionVersion: UInt64,
        sessionName: String = "Switchboard", ports: PortAssignment
    ) {
        self.address = address
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.sessionName = sessionName
        self.ports = ports
    }

    /// `IP6` for an address containing a colon, `IP4` otherwise.
    public var addressType: String {
        Connection(address: address).addrType
    }

    /// A session description from us with the given media sections: our origin, session name,
    /// session-level connection and `t=0 0`.
    func sessionDescription(media: [MediaDescription]) -> SessionDescription {
        SessionDescription(
            origin: Origin(username: username, sessionID: sessionID, sessionVersion: sessionVersion, addrType: addressType, address: address),
            sessionName: sessionName,
            connection: Connection(address: address),
            media: media
        )
    }
}

/// How RTP ports are chosen for the audio streams we accept or offer.
public enum PortAssignment: Sendable {
    /// The n-th accepted stream gets the n-th port; streams beyond the list are rejected.
    case list([UInt16])
    /// Called with the stream's m-line index (0-based) once codecs are agreed; return `nil`
    /// (or 0) when no port is available and the stream is rejected.
    case allocator(@Sendable (_ mediaIndex: Int) -> UInt16?)
}

/// Hands out ports from a ``PortAssignment`` in order.
struct PortSource {
    private let assignment: PortAssignment
    private var nextListIndex = 0

    init(_ assignment: PortAssignment) {
        self.assignment = assignment
    }

    mutating func port(forMediaAt index: Int) -> UInt16? {
        let port: UInt16?
        switch assignment {
        case .list(let ports):
            port = nextListIndex < ports.count ? ports[nextListIndex] : nil
            nextListIndex += 1
        case .allocator(let allocate):
            port = allocate(index)
        }
        return port == 0 ? nil : port
    }
}

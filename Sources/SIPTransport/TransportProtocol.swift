/// The transport a SIP message travels on (RFC 3261 §18).
public enum TransportProtocol: String, Hashable, Sendable, CaseIterable {
    case udp, tcp, tls

    /// Whether the transport itself retransmits (RFC 3261 §17: reliable transports
    /// switch off the transaction layer's retransmission timers).
    public var isReliable: Bool { self != .udp }

    /// The port used when a URI or Via names none (RFC 3261 §18.1.1, §19.1.2).
    public var defaultPort: Int { self == .tls ? 5061 : 5060 }

    /// The transport token used in a Via header (RFC 3261 §20.42).
    public var viaToken: String { rawValue.uppercased() }

    /// The transport a Via header's token names, nil for one we do not carry (SCTP, WS …).
    public init?(viaToken token: String) {
        switch token.uppercased() {
        case "UDP": self = .udp
        case "TCP": self = .tcp
        case "TLS": self = .tls
        default: return nil
        }
    }

    /// RFC 3261 §18.1.1: a request within 200 bytes of the path MTU (or larger than 1300
    /// bytes when the MTU is unknown) must go over a congestion-controlled transport, so a
    /// UAC that meant to use UDP switches to TCP for it.
    public static func forRequest(ofSize size: Int, preferred: TransportProtocol, pathMTU: Int? = nil) -> TransportProtocol {
        guard preferred == .udp else { return preferred }
        let limit = pathMTU.map { $0 - 200 } ?? 1300
        return size > limit ? .tcp : .udp
    }
}

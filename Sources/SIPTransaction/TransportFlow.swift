/// The transport a message travels over (RFC 3261 §18). The transaction layer only cares
/// whether it is reliable: retransmission timers run on UDP only, and the timers that absorb
/// retransmissions (D, I, J, K) are zero on TCP and TLS (RFC 3261 §17, Table 4).
public enum SIPTransportKind: String, Hashable, Sendable {
    case udp, tcp, tls

    /// Whether the transport delivers reliably (TCP, TLS).
    public var isReliable: Bool { self != .udp }
}

/// Where a message came from or goes to. Opaque to the transaction layer except for its
/// reliability; the transport decides what `host`, `port` and `connection` mean.
public struct TransportFlow: Hashable, Sendable, CustomStringConvertible {
    public var transport: SIPTransportKind
    public var host: String
    public var port: Int
    /// The connection the message used; 0 for UDP.
    public var connection: UInt64

    public init(transport: SIPTransportKind, host: String, port: Int, connection: UInt64 = 0) {
        self.transport = transport
        self.host = host
        self.port = port
        self.connection = connection
    }

    public var description: String {
        transport.rawValue + ":" + host + ":" + String(port) + (connection == 0 ? "" : "#" + String(connection))
    }

    /// Equality, cheapest fields first (the layer compares flows when a transport fails).
    @inline(__always)
    func sameFlow(_ other: TransportFlow) -> Bool {
        connection == other.connection && port == other.port && transport == other.transport && host == other.host
    }
}

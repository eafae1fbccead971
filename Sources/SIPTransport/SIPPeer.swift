import NIOCore

/// The far end of a message: the transport, the socket address it came from (or goes to)
/// and, for streams, the connection it travelled on. `listener` names the UDP socket a
/// datagram arrived on, so the answer leaves from the same address (symmetric signalling).
public struct SIPPeer: Hashable, Sendable, CustomStringConvertible {
    public var transport: TransportProtocol
    public var address: SocketAddress
    /// The stream connection, nil for UDP or when a new connection may be opened.
    public var connection: ConnectionID?
    /// The index of the UDP listener the datagram arrived on (0 when unknown).
    public var listener: Int

    /// The IP address as text, without brackets (what a `received` parameter holds).
    public let host: String
    /// The port.
    public let port: Int

    public init(transport: TransportProtocol, address: SocketAddress, connection: ConnectionID? = nil, listener: Int = 0) {
        self.init(transport: transport, address: address, host: address.ipAddress ?? "", connection: connection, listener: listener)
    }

    /// A peer whose address text is already known (saves formatting it again).
    public init(transport: TransportProtocol, address: SocketAddress, host: String, connection: ConnectionID? = nil, listener: Int = 0) {
        self.transport = transport
        self.address = address
        self.host = host
        self.port = address.port ?? 0
        self.connection = connection
        self.listener = listener
    }

    public var description: String { "\(transport.rawValue):\(host):\(port)" }
}

/// Names one stream connection for as long as the transport keeps it.
public struct ConnectionID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "#\(rawValue)" }
}

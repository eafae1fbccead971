import NIOCore
import SIPMessage

/// Where a response goes, worked out from the top Via of the request it answers
/// (RFC 3261 §18.2.2, with RFC 3581 §4's `rport`).
public struct ResponseDestination: Hashable, Sendable {
    public var transport: TransportProtocol
    public var host: String
    public var port: Int
    /// For streams: the connection the request came on, tried first.
    public var connection: ConnectionID?
    /// The UDP listener the request came in on, so the answer leaves from the same socket.
    public var listener: Int
    /// `host` and `port` as a socket address, when already known (saves parsing `host`).
    public var address: SocketAddress?

    public init(transport: TransportProtocol, host: String, port: Int, connection: ConnectionID? = nil, listener: Int = 0,
                address: SocketAddress? = nil) {
        self.transport = transport
        self.host = host
        self.port = port
        self.connection = connection
        self.listener = listener
        self.address = address
    }
}

/// The response-sending rules of RFC 3261 §18.2.2 as a pure function.
public enum ResponseRouting {
    /// The destination for a response whose top Via is `via` (already stamped with
    /// `received`/`rport` by `ViaStamping` when the request arrived), for a request that
    /// arrived from `source`.
    public static func destination(topVia via: Via, source: SIPPeer) -> ResponseDestination {
        var destination = route(topVia: via, source: source)
        // The usual case (rport, or a Via naming the source): reuse the source's address.
        if destination.host == source.host, destination.port == source.port { destination.address = source.address }
        return destination
    }

    private static func route(topVia via: Via, source: SIPPeer) -> ResponseDestination {
        let viaTransport = TransportProtocol(viaToken: via.transport) ?? source.transport
        let sentByPort = via.port.map(Int.init) ?? viaTransport.defaultPort
        let sourceHost = source.host
        // §18.2.2 bullet 1: reliable transport — the connection the request came on; if it
        // has closed, a new connection to the received address and the sent-by port.
        if source.transport.isReliable {
            return ResponseDestination(transport: source.transport, host: via.received ?? sourceHost,
                                       port: sentByPort, connection: source.connection)
        }
        // Bullet 2: maddr — send there, to the sent-by port (multicast TTL is not ours to set).
        if let maddr = via.maddr, !maddr.isEmpty {
            return ResponseDestination(transport: .udp, host: unbracketed(maddr), port: sentByPort, listener: source.listener)
        }
        // RFC 3581 §4: rport asked for — back to the exact source address and port.
        if case .port(let rport) = via.rport {
            return ResponseDestination(transport: .udp, host: via.received ?? sourceHost, port: Int(rport), listener: source.listener)
        }
        if case .requested = via.rport {
            return ResponseDestination(transport: .udp, host: sourceHost, port: source.port, listener: source.listener)
        }
        // Bullet 3: the received address (always the source; we stamp it when it differs)
        // and the sent-by port, or 5060 when the Via names none.
        return ResponseDestination(transport: .udp, host: via.received ?? sourceHost, port: sentByPort, listener: source.listener)
    }

    static func unbracketed(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }
}

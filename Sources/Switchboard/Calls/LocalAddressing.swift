import NIOCore
import SIPMessage
import SIPTransport

/// Where Switchboard says it is, for one peer: the host and port in our Via sent-by, our
/// Contact, and the address in our SDP.
///
/// A listener bound to a specific address is that address. A wildcard listener (`0.0.0.0`,
/// `::`) does not know which of the machine's addresses the peer reached, so the host the
/// peer itself used is taken: the Request-URI host of its INVITE when it is an IP literal
/// (RFC 3261 §8.1.1.8: the Contact must be reachable by the peer), else loopback.
struct LocalAddressing: Sendable, Equatable {
    /// The host for Via, Contact and SDP `c=`.
    var host: String
    /// Our SIP port on the peer's transport.
    var port: Int
    /// The peer's transport.
    var transport: TransportProtocol

    init(server: SIPServer, peer: SIPPeer, request: SIPMessage) {
        self.init(server: server, peer: peer, reachedAs: request.requestURI?.sipURI?.host.trimmingCharacters(in: ["[", "]"]))
    }

    /// Our addresses towards `peer`; `reachedAs` is the host the peer knows us by, when it
    /// is known (used with a wildcard listener only, and only when an IP literal).
    init(server: SIPServer, peer: SIPPeer, reachedAs requested: String?) {
        let ipv6 = peer.host.contains(":")
        let listener = server.listeners.first {
            $0.transport == peer.transport && ($0.address.ipAddress?.contains(":") ?? false) == ipv6
        } ?? server.listeners.first { $0.transport == peer.transport }
        let bound = listener?.address.ipAddress ?? (ipv6 ? "::1" : "127.0.0.1")
        if bound != "0.0.0.0" && bound != "::" {
            host = bound
        } else if let requested, Self.isIPLiteral(requested) {
            host = requested
        } else {
            host = ipv6 ? "::1" : "127.0.0.1"
        }
        port = listener?.address.port ?? 5060
        transport = peer.transport
    }

    /// Our addresses for a call we place to `peer` (click-to-call): with a wildcard
    /// listener, loopback for a peer on loopback, else the first up, non-loopback interface
    /// address of the peer's family (no routing table is consulted).
    init(server: SIPServer, calling peer: SIPPeer) {
        let ipv6 = peer.host.contains(":")
        let isLoopback = peer.host.hasPrefix("127.") || peer.host == "::1"
        let interface = isLoopback ? nil : (try? System.enumerateDevices())?.lazy
            .compactMap { $0.address?.ipAddress }
            .first { $0.contains(":") == ipv6 && !$0.hasPrefix("127.") && $0 != "::1" && !$0.hasPrefix("fe80") }
        self.init(server: server, peer: peer, reachedAs: interface)
    }

    /// `host` as it appears in a URI or a Via (IPv6 in brackets).
    var uriHost: String { host.contains(":") ? "[\(host)]" : host }

    /// Our Contact for a dialog (RFC 3261 §12.1.1: a SIP URI where this UA is reachable).
    var contact: String { "<sip:switchboard@\(uriHost):\(port);transport=\(transport.rawValue)>" }

    /// A Via for a new request of ours, with a fresh branch.
    func via(branch: String) -> Via {
        Via(transport: transport.viaToken, host: uriHost, port: UInt16(clamping: port), branch: branch, parameters: [GenericParameter(name: "rport", value: nil)])
    }

    static func isIPLiteral(_ host: String) -> Bool {
        host.contains(":") || (!host.isEmpty && host.allSatisfy { $0.isNumber || $0 == "." })
    }
}

import NIOCore
import SIPMessage
import Testing
@testable import SIPTransport

private func peer(_ kind: TransportProtocol = .udp, _ host: String = "192.0.2.7", _ port: Int = 40000, connection: UInt64? = nil) throws -> SIPPeer {
    SIPPeer(transport: kind, address: try SocketAddress(ipAddress: host, port: port), connection: connection.map(ConnectionID.init), listener: 1)
}

private func via(_ text: String) throws -> Via {
    let list = try Via.parseList(text)
    return try #require(list.first)
}

@Suite("Response routing, RFC 3261 §18.2.2 and RFC 3581")
struct ResponseRoutingTests {
    @Test("UDP without rport: received address, sent-by port")
    func udpSentByPort() throws {
        let destination = ResponseRouting.destination(topVia: try via("SIP/2.0/UDP 192.0.2.7:5070;branch=z9hG4bK1"), source: try peer())
        #expect(destination == ResponseDestination(transport: .udp, host: "192.0.2.7", port: 5070, listener: 1))
    }

    @Test("UDP without port in Via: 5060")
    func udpDefaultPort() throws {
        let stamped = try via("SIP/2.0/UDP phone.example.com;branch=z9hG4bK1;received=192.0.2.7")
        let destination = ResponseRouting.destination(topVia: stamped, source: try peer())
        #expect(destination.host == "192.0.2.7")
        #expect(destination.port == 5060)
    }

    @Test("rport filled in: back to the source port (RFC 3581 §4)")
    func rport() throws {
        let stamped = try via("SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK1;received=192.0.2.7;rport=40000")
        let destination = ResponseRouting.destination(topVia: stamped, source: try peer())
        #expect(destination.host == "192.0.2.7")
        #expect(destination.port == 40000)
    }

    @Test("maddr: to maddr and the sent-by port")
    func maddr() throws {
        let destination = ResponseRouting.destination(topVia: try via("SIP/2.0/UDP 10.0.0.2:5062;branch=z9hG4bK1;maddr=239.255.255.1;ttl=1"), source: try peer())
        #expect(destination.host == "239.255.255.1")
        #expect(destination.port == 5062)
    }

    @Test("TCP: the same connection")
    func reliable() throws {
        let destination = ResponseRouting.destination(topVia: try via("SIP/2.0/TCP 10.0.0.2:5060;branch=z9hG4bK1;received=192.0.2.7"),
                                                      source: try peer(.tcp, connection: 9))
        #expect(destination.transport == .tcp)
        #expect(destination.connection == ConnectionID(9))
        #expect(destination.host == "192.0.2.7")
        #expect(destination.port == 5060)
    }

    @Test("IPv6 maddr loses its brackets")
    func ipv6() throws {
        let destination = ResponseRouting.destination(topVia: try via("SIP/2.0/UDP [2001:db8::9]:5060;branch=z9hG4bK1;maddr=[2001:db8::1]"),
                                                      source: try peer(.udp, "2001:db8::9", 5060))
        #expect(destination.host == "2001:db8::1")
    }
}

@Suite("Via stamping, RFC 3261 §18.2.1 and RFC 3581 §4")
struct ViaStampingTests {
    @Test("same host: nothing added")
    func unchanged() throws {
        #expect(ViaStamping.stamped(try via("SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK1"), source: try peer()) == nil)
    }

    @Test("different host: received added")
    func received() throws {
        let stamped = try #require(ViaStamping.stamped(try via("SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1"), source: try peer()))
        #expect(stamped.received == "192.0.2.7")
        #expect(stamped.rport == .absent)
    }

    @Test("empty rport: filled with the source port, received always added")
    func rport() throws {
        let stamped = try #require(ViaStamping.stamped(try via("SIP/2.0/UDP 192.0.2.7:5060;rport;branch=z9hG4bK1"), source: try peer()))
        #expect(stamped.received == "192.0.2.7")
        #expect(stamped.rport == .port(40000))
        #expect(stamped.branch == "z9hG4bK1")
    }

    @Test("IPv6 host in brackets equals the address")
    func ipv6Same() throws {
        #expect(ViaStamping.stamped(try via("SIP/2.0/UDP [2001:DB8::9]:5060;branch=z9hG4bK1"), source: try peer(.udp, "2001:db8::9")) == nil)
    }

    @Test("stamping a request keeps the other Vias and header order")
    func stampRequest() throws {
        var request = try SIPMessage(parsing: """
        OPTIONS sip:a@example.com SIP/2.0\r
        Via: SIP/2.0/UDP host.example.com;rport;branch=z9hG4bK1, SIP/2.0/UDP p2.example.com;branch=z9hG4bK2\r
        Via: SIP/2.0/UDP p3.example.com;branch=z9hG4bK3\r
        Max-Forwards: 70\r
        To: <sip:a@example.com>\r
        From: <sip:b@example.com>;tag=1\r
        Call-ID: c1\r
        CSeq: 1 OPTIONS\r
        Content-Length: 0\r
        \r

        """)
        #expect(ViaStamping.stamp(&request, source: try peer()))
        let vias = try request.vias()
        #expect(vias.count == 3)
        #expect(vias[0].received == "192.0.2.7")
        #expect(vias[0].rport == .port(40000))
        #expect(vias[1].host == "p2.example.com")
        #expect(vias[2].host == "p3.example.com")
        #expect(request.headers.all.map(\.name) == ["Via", "Via", "Max-Forwards", "To", "From", "Call-ID", "CSeq", "Content-Length"])
    }
}

@Suite("Transport choice and listen addresses")
struct TransportChoiceTests {
    @Test("RFC 3261 §18.1.1: requests over 1300 bytes leave UDP for TCP")
    func sizeSwitch() {
        #expect(TransportProtocol.forRequest(ofSize: 1300, preferred: .udp) == .udp)
        #expect(TransportProtocol.forRequest(ofSize: 1301, preferred: .udp) == .tcp)
        #expect(TransportProtocol.forRequest(ofSize: 9000, preferred: .udp, pathMTU: 9000) == .tcp)
        #expect(TransportProtocol.forRequest(ofSize: 8000, preferred: .udp, pathMTU: 9000) == .udp)
        #expect(TransportProtocol.forRequest(ofSize: 5000, preferred: .tls) == .tls)
    }

    @Test("listen addresses", arguments: [
        ("0.0.0.0:5060", "0.0.0.0", 5060, [TransportProtocol.udp, .tcp]),
        ("[::1]:5070", "::1", 5070, [.udp, .tcp]),
        ("tcp:127.0.0.1:0", "127.0.0.1", 0, [.tcp]),
        ("udp:[::]:5060", "::", 5060, [.udp]),
        ("tls:0.0.0.0:5061", "0.0.0.0", 5061, [.tls]),
    ])
    func listen(text: String, host: String, port: Int, transports: [TransportProtocol]) throws {
        let address = try ListenAddress(parsing: text)
        #expect(address.host == host)
        #expect(address.port == port)
        #expect(address.transports == transports)
    }

    @Test("bad listen addresses are explained", arguments: ["5060", "::1:5060", "[::1]5060", "host:99999", ":5060", "[::1"])
    func badListen(text: String) {
        #expect(throws: ListenAddress.FormatError.self) { try ListenAddress(parsing: text) }
    }
}

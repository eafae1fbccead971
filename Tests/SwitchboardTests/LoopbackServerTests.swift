import Foundation
import NIOCore
import SIPMessage
import SIPTransport
import Testing
@testable import Switchboard

/// The real server on loopback, driven by a plain socket client.
@Suite("SIP server on loopback")
struct LoopbackServerTests {
    @Test("OPTIONS over UDP: 200 with Allow, Accept, Supported and a To tag")
    func optionsUDP() async throws {
        try await withLoopbackServer { _, port in
            let client = try SocketClient(connectTo: port)
            try client.send(request("OPTIONS", port: client.port))
            let response = try #require(try client.receiveMessage())
            #expect(response.statusCode == 200)
            #expect(response.headers.first(.allow)?.contains("OPTIONS") == true)
            #expect(response.headers.first(.accept) == "application/sdp")
            #expect(response.headers.contains(.supported))
            #expect(try response.to().tag != nil)
        }
    }

    @Test("a retransmitted OPTIONS gets the same response; the TU sees it once")
    func retransmission() async throws {
        try await withLoopbackServer { server, port in
            let client = try SocketClient(connectTo: port)
            let text = request("OPTIONS", port: client.port, branch: "z9hG4bKretrans")
            try client.send(text)
            let first = try #require(try client.receiveMessage())
            try client.send(text)
            let second = try #require(try client.receiveMessage())
            #expect(first.serialized() == second.serialized())
            let accepted = try await server.onLoop { server.server.stats.requestsAccepted }
            #expect(accepted == 2)
            let active = try await server.onLoop { server.server.activeTransactions }
            #expect(active == 1)
        }
    }

    @Test("stateless answers: 483, 501, 420")
    func stateless() async throws {
        try await withLoopbackServer { _, port in
            let client = try SocketClient(connectTo: port)
            try client.send(request("OPTIONS", port: client.port, maxForwards: 0))
            #expect(try client.receiveMessage()?.statusCode == 483)
            try client.send(request("FROB", port: client.port))
            #expect(try client.receiveMessage()?.statusCode == 501)
            try client.send(request("OPTIONS", port: client.port, extraHeaders: "Require: nonsense\r\n"))
            let refused = try #require(try client.receiveMessage())
            #expect(refused.statusCode == 420)
            #expect(refused.headers.first(HeaderName("Unsupported")) == "nonsense")
        }
    }

    @Test("unparsable with a Via: 400 naming the problem; without a Via: dropped, and serving goes on")
    func malformed() async throws {
        try await withLoopbackServer { server, port in
            let client = try SocketClient(connectTo: port)
            try client.send(request("OPTIONS", port: client.port).replacingOccurrences(of: "CSeq: 1 OPTIONS", with: "CSeq: x OPTIONS"))
            let bad = try #require(try client.receiveMessage())
            #expect(bad.statusCode == 400)
            #expect(bad.reasonPhrase?.contains("CSeq") == true)
            try client.send("GARBAGE\r\n\r\n")
            try client.send(request("OPTIONS", port: client.port))
            #expect(try client.receiveMessage()?.statusCode == 200)
            let dropped = try await server.onLoop { server.server.stats.dropped }
            #expect(dropped == 1)
        }
    }

    @Test("a 60,000-byte datagram is read whole (no truncation in batched reads)")
    func largeDatagram() async throws {
        try await withLoopbackServer { _, port in
            let client = try SocketClient(connectTo: port)
            // Six 10,000-byte lines: each under the line-length limit, together 60 kB.
            let padding = String(repeating: "X-Padding: " + String(repeating: "p", count: 10_000) + "\r\n", count: 6)
            try client.send(request("OPTIONS", port: client.port, extraHeaders: padding))
            #expect(try client.receiveMessage()?.statusCode == 200)
        }
    }

    @Test("rport: the answer goes to the source port (RFC 3581), with received and rport filled")
    func rport() async throws {
        try await withLoopbackServer { _, port in
            let client = try SocketClient(connectTo: port)
            // The Via names a port nobody listens on; rport sends the answer back here anyway.
            let text = request("OPTIONS", port: 9).replacingOccurrences(of: "127.0.0.1:9;", with: "127.0.0.1:9;rport;")
            try client.send(text)
            let response = try #require(try client.receiveMessage())
            let via = try response.topVia()
            #expect(via.rport == .port(UInt16(client.port)))
            #expect(via.received == "127.0.0.1")
        }
    }

    @Test("OPTIONS over TCP, and a CRLF ping gets a CRLF pong (RFC 5626 §4.4.1)")
    func tcp() async throws {
        try await withLoopbackServer { _, port in
            let client = try SocketClient(stream: true, connectTo: port)
            try client.send("\r\n\r\n")
            #expect(client.receive() == Array("\r\n".utf8))
            try client.send(request("OPTIONS", port: client.port, transport: "TCP"))
            let response = try #require(try client.receiveMessage())
            #expect(response.statusCode == 200)
        }
    }

    @Test("TCP: an idle connection is closed")
    func idle() async throws {
        try await withLoopbackServer(idleTimeout: .milliseconds(200)) { server, port in
            let client = try SocketClient(stream: true, connectTo: port)
            #expect(client.receive() == nil)   // end of stream, well before the 10 s receive timeout
            let closed = try await server.onLoop { server.server.transportStats.connectionsClosedIdle }
            #expect(closed == 1)
        }
    }

    @Test("TCP: connections over the limit are refused")
    func connectionLimit() async throws {
        try await withLoopbackServer(maxConnections: 1) { server, port in
            let first = try SocketClient(stream: true, connectTo: port)
            try first.send(request("OPTIONS", port: first.port, transport: "TCP"))
            #expect(try first.receiveMessage()?.statusCode == 200)
            let second = try SocketClient(stream: true, connectTo: port)
            #expect(second.receive() == nil)
            let refused = try await server.onLoop { server.server.transportStats.connectionsRefused }
            #expect(refused == 1)
        }
    }

    @Test("TCP: a message over the size limit gets 513, then the connection closes")
    func tooLarge() async throws {
        try await withLoopbackServer { server, port in
            let client = try SocketClient(stream: true, connectTo: port)
            let huge = request("OPTIONS", port: client.port, transport: "TCP",
                               extraHeaders: "X-Filler: " + String(repeating: "a", count: 70_000) + "\r\n")
            try? client.send(huge)
            #expect(try client.receiveMessage()?.statusCode == 513)
            #expect(client.receive() == nil)   // then the connection is closed
            let errors = try await server.onLoop { server.server.transportStats.connectionsClosedForErrors }
            #expect(errors >= 1)
        }
    }

    @Test("IPv6 loopback")
    func ipv6() async throws {
        try await withLoopbackServer(host: "::1") { _, port in
            let client = try SocketClient(connectTo: port, ipv6: true)
            try client.send(request("OPTIONS", port: client.port).replacingOccurrences(of: "127.0.0.1:\(client.port)", with: "[::1]:\(client.port)"))
            #expect(try client.receiveMessage()?.statusCode == 200)
        }
    }
}

import Foundation
import NIOCore
import SIPMessage
import SIPTransaction
import SIPTransport
import Testing
import TestSupport
@testable import Switchboard
#if canImport(Glibc)
import Glibc
#endif

/// Requests the server sends as a UAC: UDP when small, TCP when over 1,300 bytes
/// (RFC 3261 §18.1.1), with a client transaction each.
@Suite("Outgoing requests")
struct OutgoingRequestTests {
    static func options(size: Int, to port: Int) -> SIPMessage {
        var headers = SIPHeaders()
        headers.append(.via, "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK\(UInt32.random(in: 0...UInt32.max))")
        headers.append(.maxForwards, "70")
        headers.append(.to, "<sip:peer@127.0.0.1:\(port)>")
        headers.append(.from, "<sip:switchboard@127.0.0.1>;tag=s1")
        headers.append(.callID, UUID().uuidString)
        headers.append(.cseq, "1 OPTIONS")
        if size > 0 { headers.append(HeaderName("X-Padding"), String(repeating: "p", count: size)) }
        headers.append(.contentLength, "0")
        return .request(.options, uri: .sip(SIPURI(user: "peer", host: "127.0.0.1", port: UInt16(port))), headers: headers)
    }

    /// A TCP socket listening on loopback; `accept` waits (bounded by the receive timeout).
    final class Listener {
        let fd: Int32
        let port: Int
        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let result = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address -> Int32 in
                    guard bind(fd, address, length) == 0, listen(fd, 4) == 0 else { return -1 }
                    return getsockname(fd, address, &length)
                }
            }
            guard result == 0 else { close(fd); throw SocketClient.SocketError.failed("listen") }
            port = Int(UInt16(bigEndian: address.sin_port))
            self.fd = fd
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
        deinit { close(fd) }

        /// The first message sent on the first accepted connection.
        func acceptMessage() throws -> SIPMessage? {
            let connection = accept(fd, nil, nil)
            guard connection >= 0 else { return nil }
            defer { close(connection) }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var framer = SIPStreamFramer()
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                if let frame = try framer.next(), case .message(let bytes) = frame { return try SIPParser().parse(bytes, framing: .stream) }
                let count = buffer.withUnsafeMutableBytes { buffer in
                    retryingInterrupted { recv(connection, buffer.baseAddress, buffer.count, 0) }
                }
                guard count > 0 else { return nil }
                framer.append(buffer.prefix(count))
            }
        }
    }

    @Test("a small request goes over UDP; one over 1,300 bytes over TCP with its Via saying so")
    func sizeSwitch() async throws {
        try await withLoopbackServer { server, _ in
            let udp = try SocketClient()
            let udpPort = udp.port
            let small = Self.options(size: 0, to: udpPort)
            _ = try await server.onLoop {
                server.server.sendRequest(small, to: ResponseDestination(transport: .udp, host: "127.0.0.1", port: udpPort))
            }
            let smallReceived = try #require(try udp.receiveMessage())
            #expect(try smallReceived.topVia().transport == "UDP")

            let tcp = try Listener()
            let tcpPort = tcp.port
            let large = Self.options(size: 1_400, to: tcpPort)
            _ = try await server.onLoop {
                server.server.sendRequest(large, to: ResponseDestination(transport: .udp, host: "127.0.0.1", port: tcpPort))
            }
            let largeReceived = try #require(try tcp.acceptMessage())
            #expect(try largeReceived.topVia().transport == "TCP")
            #expect(largeReceived.headers.first(HeaderName("X-Padding"))?.count == 1_400)
        }
    }
}

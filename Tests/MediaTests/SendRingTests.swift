import Glibc
import NIOCore
import Testing
import TestSupport
@testable import Media

/// A plain blocking UDP socket on 127.0.0.1 that reads with a timeout.
private final class TestReceiver {
    let descriptor: CInt
    let address: SocketAddress

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length)
                return getsockname(fd, pointer, &length)
            }
        }
        descriptor = fd
        address = try SocketAddress(ipAddress: "127.0.0.1", port: Int(UInt16(bigEndian: local.sin_port)))
    }

    deinit { close(descriptor) }

    /// The next datagram, or nil after the timeout.
    func receive() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 2048)
        let count = buffer.withUnsafeMutableBytes { buffer in retryingInterrupted { recv(descriptor, buffer.baseAddress, buffer.count, 0) } }
        return count < 0 ? nil : Array(buffer.prefix(count))
    }
}

@Suite("io_uring send ring")
struct SendRingTests {
    /// Datagram `index` of socket `socketIndex`: sequence number and a payload that names both.
    static func packet(_ socketIndex: Int, _ index: Int) -> (RTPHeader, [UInt8]) {
        let header = RTPHeader(marker: index == 0, payloadType: 0, sequenceNumber: UInt16(index),
                               timestamp: UInt32(160 * index), ssrc: UInt32(1000 + socketIndex))
        return (header, (0..<160).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ index &+ 31 &* socketIndex) })
    }

    @Test("datagrams of two sockets leave in one submission, intact and in order; a small ring submits early")
    func twoSocketsInOrder() throws {
        guard let ring = SendRing(entries: 8) else {
            // No io_uring here: the driver's fallback is covered by LoopbackTests.ringFallback.
            return
        }
        let receiver = try TestReceiver()
        let batches = try (0..<2).map { _ in try DatagramBatch(bindingTo: SocketAddress(ipAddress: "127.0.0.1", port: 0), initialCapacity: 2) }
        defer { for batch in batches { close(batch.descriptor) } }
        let perSocket = 25  // 50 sends through an 8-entry ring: six early submissions
        let destination = try #require(SocketDestination(receiver.address))
        for ticks in [0..<12, 12..<perSocket] {
            for index in ticks {
                for (socketIndex, batch) in batches.enumerated() {
                    let (header, payload) = Self.packet(socketIndex, index)
                    payload.withUnsafeBytes { batch.enqueue(header: header, payload: $0, to: destination) }
                }
            }
            for batch in batches { batch.flush(through: ring) }
            ring.submit()
        }
        #expect(ring.sent == 2 * perSocket)
        #expect(ring.failed == 0)
        var seen: [UInt32: [UInt16]] = [:]
        for _ in 0..<(2 * perSocket) {
            let bytes = try #require(receiver.receive())
            let packet = try RTPPacket.parse(bytes)
            let socketIndex = Int(packet.header.ssrc) - 1000
            let (header, payload) = Self.packet(socketIndex, Int(packet.header.sequenceNumber))
            #expect(packet.header == header)
            #expect(Array(bytes[packet.payloadOffset...]) == payload)
            seen[packet.header.ssrc, default: []].append(packet.header.sequenceNumber)
        }
        #expect(seen[1000] == (0..<perSocket).map { UInt16($0) })
        #expect(seen[1001] == (0..<perSocket).map { UInt16($0) })
    }

    @Test("a socket registered as a fixed file sends through its slot; unregistered and closed, its port is free again")
    func registeredSocket() throws {
        guard let ring = SendRing(entries: 8) else { return }  // no io_uring: covered by the fallback tests
        let receiver = try TestReceiver()
        let batch = try DatagramBatch(bindingTo: SocketAddress(ipAddress: "127.0.0.1", port: 0), initialCapacity: 2)
        let port = try #require(Self.localPort(batch.descriptor))
        batch.ringSlot = ring.register(descriptor: batch.descriptor)
        #expect(batch.ringSlot >= 0)
        let destination = try #require(SocketDestination(receiver.address))
        for index in 0..<3 {
            let (header, payload) = Self.packet(0, index)
            payload.withUnsafeBytes { batch.enqueue(header: header, payload: $0, to: destination) }
            batch.flush(through: ring)
            ring.submit()
        }
        #expect(ring.sent == 3)
        for index in 0..<3 {
            let packet = try RTPPacket.parse(try #require(receiver.receive()))
            #expect(packet.header.sequenceNumber == UInt16(index))
        }
        // The ring's table holds the socket open: only after unregistering does closing it
        // free the port for the next call.
        ring.unregister(slot: batch.ringSlot)
        close(batch.descriptor)
        let again = try DatagramBatch(bindingTo: SocketAddress(ipAddress: "127.0.0.1", port: port), initialCapacity: 1)
        close(again.descriptor)
    }

    @Test("media sockets set DF and never fragment (IP_PMTUDISC_PROBE), on IPv4 and IPv6")
    func dontFragment() throws {
        for (host, level, option, expected) in [("127.0.0.1", CInt(IPPROTO_IP), IP_MTU_DISCOVER, CInt(IP_PMTUDISC_PROBE)),
                                                ("::1", CInt(IPPROTO_IPV6), IPV6_MTU_DISCOVER, CInt(IPV6_PMTUDISC_PROBE))] {
            guard let batch = try? DatagramBatch(bindingTo: SocketAddress(ipAddress: host, port: 0), initialCapacity: 1) else {
                continue  // no IPv6 on this host
            }
            defer { close(batch.descriptor) }
            var value: CInt = -1
            var length = socklen_t(MemoryLayout<CInt>.size)
            #expect(getsockopt(batch.descriptor, level, option, &value, &length) == 0)
            #expect(value == expected, "\(host)")
        }
    }

    /// The port a socket is bound to.
    static func localPort(_ descriptor: CInt) -> Int? {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return result == 0 ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }

    @Test("a ring of no entries is refused (the driver's fallback)")
    func refused() {
        #expect(SendRing(entries: 0) == nil)
    }
}

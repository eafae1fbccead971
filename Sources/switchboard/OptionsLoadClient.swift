import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A closed-loop SIP load generator for `bench transactions`: keeps `window` OPTIONS
/// requests in flight over one UDP socket, sends a new one for each answer, and checks
/// that every request is answered exactly once. Each request's number rides in its
/// branch, so answers are matched without parsing them fully. Blocking sockets on its own
/// thread; cheap enough per request that the server, not the client, is what is measured.
final class OptionsLoadClient {
    struct Result {
        var sent = 0
        var answered = 0
        var duplicates = 0
        var non200 = 0
        var elapsed = 0.0
        var lost: Int { sent - answered }
    }

    private let fd: Int32
    private let target: sockaddr_in
    private let localPort: Int
    private let window: Int
    private var answered: [Bool] = []

    init(targetPort: Int, window: Int) throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw ValidationError("socket() failed") }
        var size: Int32 = 8 << 20
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr("127.0.0.1")
        var bindResult: Int32 = 0
        withUnsafePointer(to: &local) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bindResult = bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bindResult == 0 else { close(fd); throw ValidationError("bind() failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &local) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        localPort = Int(UInt16(bigEndian: local.sin_port))
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = UInt16(targetPort).bigEndian
        target.sin_addr.s_addr = inet_addr("127.0.0.1")
        self.target = target
        self.fd = fd
        self.window = window
    }

    deinit { close(fd) }

    /// Runs for `seconds`, then waits up to one second for answers still in flight.
    func run(seconds: Double) -> Result {
        var result = Result()
        let prefix = Array("OPTIONS sip:bench@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:\(localPort);branch=z9hG4bKbench".utf8)
        let middle = Array("\r\nMax-Forwards: 70\r\nTo: <sip:bench@127.0.0.1>\r\nFrom: <sip:load@127.0.0.1>;tag=load\r\nCall-ID: bench-".utf8)
        let suffix = Array("\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n".utf8)
        var packet = [UInt8]()
        packet.reserveCapacity(400)
        answered.reserveCapacity(1 << 20)

        func send(_ number: Int) {
            let digits = Array(String(number).utf8)
            packet.removeAll(keepingCapacity: true)
            packet += prefix; packet += digits; packet += middle; packet += digits; packet += suffix
            var address = target
            let sent = packet.withUnsafeBytes { bytes in
                withUnsafePointer(to: &address) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            }
            if sent > 0 {
                answered.append(false)
                result.sent += 1
            }
        }

        var buffer = [UInt8](repeating: 0, count: 65_536)
        let start = DispatchTime.now().uptimeNanoseconds
        let stopAt = start + UInt64(seconds * 1e9)
        // Ramp up: start with a few requests and add one per answer until the window is
        // full, so the start is not one burst that overflows a socket buffer.
        var inFlightTarget = min(window, 16)
        for _ in 0..<inFlightTarget { send(result.sent) }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var sending = true
        var quietSince: UInt64? = nil
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            let now = DispatchTime.now().uptimeNanoseconds
            if sending, now >= stopAt {
                sending = false
                result.elapsed = Double(now - start) / 1e9
            }
            if count <= 0 {
                // Nothing for 200 ms: when sending, requests were lost — top the window up;
                // when draining, give up after one quiet second.
                if sending { for _ in 0..<inFlightTarget { send(result.sent) } ; continue }
                if let quiet = quietSince, now - quiet > 1_000_000_000 { break }
                quietSince = quietSince ?? now
                continue
            }
            quietSince = nil
            guard let number = Self.requestNumber(buffer, count) else { continue }
            if !Self.is200(buffer) { result.non200 += 1 }
            if number < answered.count {
                if answered[number] { result.duplicates += 1 } else { answered[number] = true; result.answered += 1 }
            }
            if sending {
                send(result.sent)
                if inFlightTarget < window { inFlightTarget += 1; send(result.sent) }
            }
            else if result.answered + result.duplicates >= result.sent { break }
        }
        if result.elapsed == 0 { result.elapsed = seconds }
        return result
    }

    private static func is200(_ buffer: [UInt8]) -> Bool {
        buffer.count > 12 && buffer[8] == UInt8(ascii: "2") && buffer[9] == UInt8(ascii: "0") && buffer[10] == UInt8(ascii: "0")
    }

    /// The number after `branch=z9hG4bKbench` in the response's Via.
    private static func requestNumber(_ buffer: [UInt8], _ count: Int) -> Int? {
        let marker = Array("z9hG4bKbench".utf8)
        var index = 0
        let end = count - marker.count
        while index < end {
            if buffer[index] == marker[0], buffer[index..<(index + marker.count)].elementsEqual(marker) {
                var position = index + marker.count
                var value = 0
                var digits = 0
                while position < count, buffer[position] >= 48, buffer[position] <= 57 {
                    value = value * 10 + Int(buffer[position] - 48)
                    position += 1
                    digits += 1
                }
                return digits > 0 ? value : nil
            }
            index += 1
        }
        return nil
    }
}

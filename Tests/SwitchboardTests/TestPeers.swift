import Foundation
import Logging
import NIOCore
import NIOPosix
import SIPMessage
import SIPTransport
import TestSupport
@testable import Switchboard
#if canImport(Glibc)
import Glibc
#endif

/// A SIP server on loopback with free ports, for one test.
final class LoopbackServer: @unchecked Sendable {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let server: SIPServer
    let user: TestCallUser

    init(forceRport: Bool = false, idleTimeout: TimeAmount = .seconds(180), maxConnections: Int = 1_000, host: String = "127.0.0.1",
         tls: TLSFiles? = nil) {
        var configuration = SIPTransportConfiguration(listen: [ListenAddress(host: host, port: 0)],
                                                      idleTimeout: idleTimeout, maxConnections: maxConnections)
        configuration.forceRport = forceRport
        if let tls {
            configuration.tls = tls
            configuration.listen = [ListenAddress(host: host, port: 0, transports: [.tls])]
        }
        user = TestCallUser()
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        server = SIPServer(transport: configuration, user: user, eventLoop: group.next(), logger: logger)
    }

    func start() async throws -> Int {
        try await server.start()
        return server.listeners.first?.address.port ?? 0
    }

    func stop() async {
        await server.stop()
        try? await group.shutdownGracefully()
    }

    /// Reads server state on its loop.
    func onLoop<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws -> T {
        try await group.next().submit(body).get()
    }
}

/// Runs `body` with a started loopback server, stopping it whatever happens.
func withLoopbackServer<T>(forceRport: Bool = false, idleTimeout: TimeAmount = .seconds(180), maxConnections: Int = 1_000,
                           host: String = "127.0.0.1", tls: TLSFiles? = nil,
                           _ body: (LoopbackServer, Int) async throws -> T) async throws -> T {
    let server = LoopbackServer(forceRport: forceRport, idleTimeout: idleTimeout, maxConnections: maxConnections, host: host, tls: tls)
    do {
        let port = try await server.start()
        let result = try await body(server, port)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

/// A blocking POSIX socket client for tests (UDP or TCP), with receive timeouts so a
/// missing answer fails the test instead of hanging it.
final class SocketClient: @unchecked Sendable {
    let fd: Int32
    let port: Int
    let isStream: Bool

    init(stream: Bool = false, connectTo serverPort: Int? = nil, ipv6: Bool = false) throws {
        isStream = stream
        let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(stream ? SOCK_STREAM.rawValue : SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError.failed("socket") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let bound = try SocketAddress(ipAddress: ipv6 ? "::1" : "127.0.0.1", port: 0)
        try bound.withSockAddr { address, length in
            guard bind(fd, address, socklen_t(length)) == 0 else { throw SocketError.failed("bind") }
        }
        if let serverPort {
            let target = try SocketAddress(ipAddress: ipv6 ? "::1" : "127.0.0.1", port: serverPort)
            try target.withSockAddr { address, length in
                guard Glibc.connect(fd, address, socklen_t(length)) == 0 else { throw SocketError.failed("connect") }
            }
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
        })
        self.fd = fd
    }

    deinit { close(fd) }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Connects a UDP socket to a loopback port learnt later (e.g. from an SDP answer).
    func connect(toLoopbackPort port: Int) throws {
        let target = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        try target.withSockAddr { address, length in
            guard Glibc.connect(fd, address, socklen_t(length)) == 0 else { throw SocketError.failed("connect") }
        }
    }

    func send(_ bytes: [UInt8]) throws {
        let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
        guard sent == bytes.count else { throw SocketError.failed("send") }
    }

    /// The next datagram (or the next chunk of a stream); nil on timeout or end of stream.
    func receive() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { buffer in retryingInterrupted { recv(fd, buffer.baseAddress, buffer.count, 0) } }
        return count > 0 ? Array(buffer.prefix(count)) : nil
    }

    /// The next SIP message; for streams, reads until one whole message is framed.
    func receiveMessage() throws -> SIPMessage? {
        if !isStream {
            guard let bytes = receive() else { return nil }
            return try SIPParser().parse(bytes)
        }
        while true {
            if let frame = try framer.next(), case .message(let bytes) = frame {
                return try SIPParser().parse(bytes, framing: .stream)
            }
            guard let bytes = receive() else { return nil }
            framer.append(bytes)
        }
    }

    private var framer = SIPStreamFramer()

    enum SocketError: Error { case failed(String) }
}

/// A request as SIPp or a phone would send it, from a client socket.
func request(_ method: String, port: Int, branch: String = "z9hG4bK\(UInt32.random(in: 0...UInt32.max))",
             callID: String = UUID().uuidString, transport: String = "UDP", extraHeaders: String = "", maxForwards: Int = 70) -> String {
    "\(method) sip:switchboard@127.0.0.1 SIP/2.0\r\n" +
        "Via: SIP/2.0/\(transport) 127.0.0.1:\(port);branch=\(branch)\r\n" +
        "Max-Forwards: \(maxForwards)\r\n" +
        "To: <sip:switchboard@127.0.0.1>\r\n" +
        "From: <sip:test@127.0.0.1>;tag=t1\r\n" +
        "Call-ID: \(callID)\r\n" +
        "CSeq: 1 \(method)\r\n" + extraHeaders +
        "Content-Length: 0\r\n\r\n"
}

/// Runs SIPp (Debian's `sip-tester`) with a scenario from Tests/SwitchboardTests/Scenarios
/// against the server; returns SIPp's exit status (0: every call succeeded) and output.
func runSIPp(scenario: String, serverPort: Int, transport: String, calls: Int = 3, service: String? = nil,
             localPort: Int = 0, timeoutSeconds: Int = 30, extraArguments: [String] = []) async throws -> (Int32, String) {
    guard let file = Bundle.module.url(forResource: scenario, withExtension: "xml", subdirectory: "Scenarios") else {
        throw SocketClient.SocketError.failed("scenario \(scenario) missing")
    }
    let log = FileManager.default.temporaryDirectory.appendingPathComponent("sipp-\(UUID().uuidString).log")
    FileManager.default.createFile(atPath: log.path, contents: nil)
    let output = try FileHandle(forWritingTo: log)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sipp")
    process.arguments = ["127.0.0.1:\(serverPort)", "-sf", file.path, "-t", transport, "-i", "127.0.0.1", "-p", String(localPort),
                         "-m", String(calls), "-r", "20", "-timeout", "\(timeoutSeconds)s", "-timeout_error", "-nostdin", "-trace_err",
                         "-error_file", log.path + ".err"] + (service.map { ["-s", $0] } ?? []) + extraArguments
    process.standardOutput = output
    process.standardError = output
    process.standardInput = FileHandle.nullDevice
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do { try process.run() } catch { continuation.resume(throwing: error) }
    }
    try? output.close()
    let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
    let errors = (try? String(contentsOfFile: log.path + ".err", encoding: .utf8)) ?? ""
    try? FileManager.default.removeItem(at: log)
    try? FileManager.default.removeItem(atPath: log.path + ".err")
    return (status, String(text.suffix(3000)) + errors)
}

/// Runs blocking socket code on a thread of its own, not on Swift's cooperative pool: the
/// pool has one thread per core (two here), and the server's flow tasks need them while a
/// test waits in `recv`.
func offloaded<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try body() })
        }
    }
}

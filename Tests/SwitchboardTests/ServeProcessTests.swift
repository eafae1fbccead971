import Foundation
import SIPMessage
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The `switchboard serve` process itself: it starts from a config file, answers OPTIONS,
/// and stops cleanly on SIGTERM (swift-service-lifecycle).
@Suite("switchboard serve process")
struct ServeProcessTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A UDP port that was free a moment ago (bound, read, closed).
    static func freePort() throws -> Int {
        let probe = try SocketClient()
        return probe.port
    }

    @Test("serve --config: answers OPTIONS on UDP, exits 0 on SIGTERM")
    func serve() async throws {
        let binary = Self.repository.appendingPathComponent(".build/debug/switchboard")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the switchboard product first")
        let port = try Self.freePort()
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString).yaml")
        try "sip: [\"udp:127.0.0.1:\(port)\"]\nlog-level: notice\n".write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }

        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--config", config.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let exited = AsyncStream<Int32> { continuation in
            process.terminationHandler = { continuation.yield($0.terminationStatus); continuation.finish() }
        }
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // A bound on the whole test: a server that never logs or never exits is killed.
        let pid = process.processIdentifier
        let watchdog = Task.detached {
            try await Task.sleep(for: .seconds(60))
            kill(pid, SIGKILL)
        }
        defer { watchdog.cancel() }

        // The server logs "listening on …" once its socket is bound; read stderr until then.
        var log = ""
        while !log.contains("listening on udp 127.0.0.1:\(port)") {
            let chunk = errors.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            log += String(decoding: chunk, as: UTF8.self)
        }
        #expect(log.contains("listening on udp 127.0.0.1:\(port)"), "server log: \(log)")

        let client = try SocketClient(connectTo: port)
        try client.send(request("OPTIONS", port: client.port))
        #expect(try client.receiveMessage()?.statusCode == 200)

        kill(process.processIdentifier, SIGTERM)
        var status: Int32? = nil
        for await code in exited { status = code }
        #expect(status == 0)
    }
}

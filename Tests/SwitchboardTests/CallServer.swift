import Foundation
import Logging
import NIOCore
import NIOPosix
import SIPTransport
import Voicemail
@testable import Switchboard

/// The real call layer on loopback for one test: the flows in Tests/Fixtures/call-flows,
/// the repository's prompts, media on its own loop, and a SIP server whose transaction user
/// is a `CallRouter`.
final class CallServer: @unchecked Sendable {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let flows = repository.appendingPathComponent("Tests/Fixtures/call-flows").path
    static let prompts = repository.appendingPathComponent("prompts").path

    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let layer: CallLayer
    let router: CallRouter
    let server: SIPServer

    init(flows: String = CallServer.flows, policy: CallPolicy = CallPolicy(), voicemail: (any VoicemailStore)? = nil) async throws {
        var logger = Logger(label: "call-test")
        logger.logLevel = .warning
        layer = try await CallLayer.start(flows: flows, prompts: Self.prompts, policy: policy, rtpPorts: 30000...39999,
                                          voicemail: voicemail, logger: logger)
        router = layer.makeRouter()
        server = SIPServer(transport: SIPTransportConfiguration(listen: [ListenAddress(host: "127.0.0.1", port: 0)]),
                           user: router, eventLoop: group.next(), logger: logger)
    }

    func start() async throws -> Int {
        try await server.start()
        return server.listeners.first?.address.port ?? 0
    }

    func stop() async {
        await server.stop()
        await layer.stop()
        try? await group.shutdownGracefully()
    }

    /// Reads router state on the SIP loop.
    func onLoop<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws -> T {
        try await group.next().submit(body).get()
    }

    /// Polls `condition` on the SIP loop every 10 ms for up to `seconds`; true once it holds.
    func eventually(within seconds: Double = 10, _ condition: @escaping @Sendable () -> Bool) async throws -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try await onLoop(condition) { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return try await onLoop(condition)
    }
}

/// Runs `body` with a started call server, stopping it whatever happens.
func withCallServer<T>(policy: CallPolicy = CallPolicy(), voicemail: (any VoicemailStore)? = nil,
                       _ body: (CallServer, Int) async throws -> T) async throws -> T {
    let server = try await CallServer(policy: policy, voicemail: voicemail)
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

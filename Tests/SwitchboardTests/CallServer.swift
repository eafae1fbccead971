import Flows
import Foundation
import NIOConcurrencyHelpers
import SIPCore
import SIPMessage
import SIPTransaction
import Logging
import NIOCore
import NIOPosix
import SIPCore
import SIPMessage
import SIPTransaction
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

    init(flows: String = CallServer.flows, policy: CallPolicy = CallPolicy(), voicemail: (any VoicemailStore)? = nil,
         clock: @escaping @Sendable () -> Date = { Date() }) async throws {
        var logger = Logger(label: "call-test")
        logger.logLevel = .warning
        layer = try await CallLayer.start(flows: flows, prompts: Self.prompts, policy: policy, rtpPorts: 30000...39999,
                                          voicemail: voicemail, clock: clock, logger: logger)
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

    struct CallServerError: Error {
        static let noLocationStore = CallServerError()
    }

    /// Reads router state on the SIP loop.
    func onLoop<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws -> T {
        try await group.next().submit(body).get()
    }

    /// Binds `user`'s phone at a loopback UDP port in the location service, as a REGISTER would.
    func registerPhone(user: String, domain: String = "switchboard.test", port phonePort: Int) async throws {
        guard let store = router.registrations?.store else { throw CallServerError.noLocationStore }
        let now = RegistrationService.wallClock()
        let binding = LocationBinding(aor: AddressOfRecord(user: user, domain: domain),
                                      contact: try URI("sip:\(user)@127.0.0.1:\(phonePort)"), expiresAt: now + .seconds(3600),
                                      callID: user, cseq: 1, updatedAt: now,
                                      source: TransportFlow(transport: .udp, host: "127.0.0.1", port: phonePort))
        try await store.update(binding.aor) { $0 = [binding] }
    }

    /// Records the result of every transfer the flows attempt, in order.
    func recordTransfers() async throws -> NIOLockedValueBox<[TransferResult]> {
        let results = NIOLockedValueBox<[TransferResult]>([])
        try await onLoop {
            self.router.traceObserver = { event in
                if case .transfer(_, _, _, let result) = event.kind { results.withLockedValue { $0.append(result) } }
            }
        }
        return results
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
func withCallServer<T>(flows: String = CallServer.flows, policy: CallPolicy = CallPolicy(), voicemail: (any VoicemailStore)? = nil,
                       clock: @escaping @Sendable () -> Date = { Date() },
                       _ body: (CallServer, Int) async throws -> T) async throws -> T {
    let server = try await CallServer(flows: flows, policy: policy, voicemail: voicemail, clock: clock)
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

import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SIPTransport

/// `switchboard serve` as a service: binds the SIP listeners, serves until a graceful
/// shutdown (SIGINT/SIGTERM through swift-service-lifecycle), then closes them.
public struct SIPService: Service {
    public let configuration: ServeConfiguration
    /// Makes the transaction user when the server starts; the user then lives on the
    /// server's event loop only.
    public let makeUser: @Sendable () -> TransactionUser
    public let logger: Logger
    /// Told when the listeners are up (and down again), for `/healthz`.
    public let status: SwitchboardStatus?
    /// Given the server and its router while the listeners are up (click-to-call places
    /// calls through them); only when the transaction user is a `CallRouter`.
    public let running: RunningSIP?

    public init(configuration: ServeConfiguration, logger: Logger, status: SwitchboardStatus? = nil,
                running: RunningSIP? = nil, makeUser: @escaping @Sendable () -> TransactionUser) {
        self.configuration = configuration
        self.makeUser = makeUser
        self.logger = logger
        self.status = status
        self.running = running
    }

    public func run() async throws {
        // One thread for all of SIP: transport, transactions and the user share its loop.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let user = makeUser()
        let server = SIPServer(transport: configuration.transport, user: user, eventLoop: group.next(), logger: logger)
        do {
            try await server.start()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        for listener in server.listeners { logger.notice("listening on \(listener)") }
        if let router = user as? CallRouter { running?.attach(server: server, router: router) }
        status?.update { $0.listenersUp = true }
        try? await gracefulShutdown()
        status?.update { $0.listenersUp = false }
        running?.detach()
        logger.notice("shutting down")
        await server.stop()
        try await group.shutdownGracefully()
    }
}

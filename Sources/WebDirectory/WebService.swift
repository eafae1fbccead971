import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// An HTTP listen address, `HOST:PORT` or `[IPv6]:PORT` (port 0: any free port).
public struct WebListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `127.0.0.1:8080`, `[::1]:0` or `0.0.0.0:80`.
    public init(parsing text: String) throws(WebAddressError) {
        let host: Substring, portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw WebAddressError(text: text, reason: "an IPv6 address is written [ADDR]:PORT")
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw WebAddressError(text: text, reason: "expected ADDR:PORT") }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty else { throw WebAddressError(text: text, reason: "the address is empty") }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw WebAddressError(text: text, reason: "the port is not a number from 0 to 65535")
        }
        self.init(host: String(host), port: port)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Why an HTTP listen address could not be read.
public struct WebAddressError: Error, Sendable, Equatable, CustomStringConvertible {
    public var text: String
    public var reason: String
    public var description: String { "'\(text)': \(reason)" }
}

/// The web directory as a swift-service-lifecycle service, to run beside the SIP service in
/// `switchboard serve`'s group: serves ``DirectorySite`` on `address` until a graceful
/// shutdown. ``boundPort()`` tells which port it got (for port 0).
public struct WebService: Service {
    public let site: DirectorySite
    public let address: WebListenAddress
    public let logger: Logger
    private let binding = Binding()

    public init(site: DirectorySite, address: WebListenAddress, logger: Logger) {
        self.site = site
        self.address = address
        self.logger = logger
    }

    /// The port the server listens on, once it does; throws if it stopped or failed first.
    /// (A caller waits until then, so ask only of a service that has been started.)
    public func boundPort() async throws -> Int { try await binding.port() }

    public func run() async throws {
        let binding = self.binding, logger = self.logger
        let application = Application(
            router: site.makeRouter(),
            configuration: ApplicationConfiguration(address: .hostname(address.host, port: address.port),
                                                    serverName: "Switchboard"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.notice("web directory on http://\(WebListenAddress(host: channel.localAddress?.ipAddress ?? "?", port: port))/")
                await binding.resolve(.success(port))
            },
            logger: logger
        )
        do {
            try await application.run()
        } catch {
            await binding.resolve(.failure(error))
            throw error
        }
        await binding.resolve(.failure(WebServiceStopped()))
    }

    /// Thrown by ``boundPort()`` when the service ended before it listened.
    public struct WebServiceStopped: Error, Sendable {}

    /// The bound port, or why there is none; waiters resume when it is known.
    private actor Binding {
        private var result: Result<Int, any Error>?
        private var waiters: [CheckedContinuation<Int, any Error>] = []

        func resolve(_ outcome: Result<Int, any Error>) {
            guard result == nil else { return }
            result = outcome
            for waiter in waiters { waiter.resume(with: outcome) }
            waiters = []
        }

        func port() async throws -> Int {
            if let result { return try result.get() }
            return try await withCheckedThrowingContinuation { waiters.append($0) }
        }
    }
}

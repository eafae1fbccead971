import Logging
import NIOCore
import NIOPosix
import NIOSSL
import SIPMessage

/// SIP over UDP and TCP on SwiftNIO (RFC 3261 §18).
///
/// Every socket and connection lives on one event loop, and everything the transport
/// reports arrives on that loop, so the layers above need no locks. Methods other than
/// `start`/`stop` must be called on `eventLoop`.
public final class SIPTransport: @unchecked Sendable {
    /// A socket the transport listens on, with the port actually bound.
    public struct Listener: Sendable, CustomStringConvertible {
        public let transport: TransportProtocol
        public let address: SocketAddress
        public var description: String {
            let host = address.ipAddress ?? "?"
            return "\(transport.rawValue) \(host.contains(":") ? "[\(host)]" : host):\(address.port ?? 0)"
        }
    }

    public let eventLoop: EventLoop
    public let configuration: SIPTransportConfiguration
    static let datagramsPerRead = 16
    let logger: Logger
    /// Where events go; set once, before `start`.
    var onInbound: (InboundEvent) -> Void
    private let parser: SIPParser

    /// Counters; read on the event loop.
    public internal(set) var stats = TransportStats()
    let connections = ConnectionTable()
    private var udpChannels: [Channel] = []
    private var serverChannels: [Channel] = []
    private var dirtyUDP: Set<Int> = []
    private var dirtyStreams: [ObjectIdentifier: Channel] = [:]
    private var pendingConnects: [ConnectionTable.RemoteKey: [ByteBuffer]] = [:]
    public private(set) var listeners: [Listener] = []

    /// `onInbound` is called on `eventLoop` for every message, rejected message, send
    /// failure and end of a read batch (it can also be given later, before `start`, with
    /// `deliverEvents(to:)`).
    public init(configuration: SIPTransportConfiguration, eventLoop: EventLoop, logger: Logger,
                onInbound: @escaping (InboundEvent) -> Void = { _ in }) {
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.logger = logger
        self.onInbound = onInbound
        let limits = SIPParser.Limits(maxMessageSize: configuration.maxMessageSize)
        self.parser = SIPParser(limits: limits)
    }

    func deliver(_ event: InboundEvent) { onInbound(event) }

    /// Sends every event to `handler` from now on; call before `start`.
    public func deliverEvents(to handler: @escaping (InboundEvent) -> Void) {
        onInbound = handler
    }

    // MARK: Starting and stopping

    /// Binds every configured address. For an address with port 0 listening on both UDP
    /// and TCP, the TCP socket takes the port the UDP socket was given.
    ///
    /// The port the UDP socket was given may already be taken for TCP (another socket's
    /// local port), so such an address is bound again on a new port, up to 8 times.
    public func start() async throws {
        for address in configuration.listen {
            let attempts = address.port == 0 && address.transports.count > 1 ? 8 : 1
            for attempt in 1...attempts {
                do {
                    try await bindAll(address)
                    break
                } catch let error as IOError where error.errnoCode == EADDRINUSE && attempt < attempts {
                    continue
                }
            }
        }
    }

    /// Binds every transport of `address`; on a failure, closes what it bound and rethrows.
    private func bindAll(_ address: ListenAddress) async throws {
        let before = try await eventLoop.submit { (self.udpChannels.count, self.serverChannels.count, self.listeners.count) }.get()
        do {
            var port = address.port
            for kind in address.transports {
                let bound: Listener
                switch kind {
                case .udp: bound = try await bindUDP(host: address.host, port: port)
                case .tcp: bound = try await bindStream(host: address.host, port: port, kind: .tcp, tls: nil)
                case .tls: bound = try await bindStream(host: address.host, port: port, kind: .tls, tls: try makeServerTLSContext())
                }
                if port == 0 { port = bound.address.port ?? 0 }
                try await eventLoop.submit { self.listeners.append(bound) }.get()
            }
        } catch {
            let opened = try? await eventLoop.submit {
                let channels = Array(self.udpChannels.dropFirst(before.0)) + Array(self.serverChannels.dropFirst(before.1))
                self.udpChannels.removeLast(self.udpChannels.count - before.0)
                self.serverChannels.removeLast(self.serverChannels.count - before.1)
                self.listeners.removeLast(self.listeners.count - before.2)
                return channels
            }.get()
            for channel in opened ?? [] { try? await channel.close() }
            throw error
        }
    }

    /// Closes every listener and connection.
    public func stop() async {
        let channels = try? await eventLoop.submit { self.udpChannels + self.serverChannels + self.connections.allChannels }.get()
        for channel in channels ?? [] {
            try? await channel.close()
        }
    }

    private func bindUDP(host: String, port: Int) async throws -> Listener {
        let index = try await eventLoop.submit { self.udpChannels.count }.get()
        let parser = self.parser
        let channel = try await DatagramBootstrap(group: eventLoop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            // Up to 16 datagrams per recvmmsg, each with room for the largest UDP payload;
            // the buffer is reused from read to read because messages copy what they keep.
            .channelOption(.datagramVectorReadMessageCount, value: Self.datagramsPerRead)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_536 * Self.datagramsPerRead))
            .channelOption(.maxMessagesPerRead, value: 4)
            // Room for bursts (a load balancer's probes, a flood of retransmissions); the
            // kernel caps it at net.core.rmem_max.
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DatagramHandler(transport: self, listener: index, parser: parser))
                }
            }
            .bind(host: host, port: port).get()
        try await eventLoop.submit { self.udpChannels.append(channel) }.get()
        return Listener(transport: .udp, address: try channel.localAddress ?? SocketAddress(ipAddress: host, port: port))
    }

    /// The TLS server context from the configured PEM files (RFC 3261 §26.2.1).
    private func makeServerTLSContext() throws -> NIOSSLContext {
        guard let files = configuration.tls else { throw TransportError.tlsNotConfigured }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(files.certificateChain).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: files.privateKey, format: .pem)
            return try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
        } catch {
            throw TransportError.tlsFiles(files, String(describing: error))
        }
    }

    private func bindStream(host: String, port: Int, kind: TransportProtocol, tls: NIOSSLContext?) async throws -> Listener {
        let channel = try await ServerBootstrap(group: eventLoop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try self.acceptStream(channel, kind: kind, tls: tls)
                }
            }
            .bind(host: host, port: port).get()
        try await eventLoop.submit { self.serverChannels.append(channel) }.get()
        return Listener(transport: kind, address: try channel.localAddress ?? SocketAddress(ipAddress: host, port: port))
    }

    /// Sets up an accepted connection, or closes it when the connection limit is reached.
    private func acceptStream(_ channel: Channel, kind: TransportProtocol, tls: NIOSSLContext?) throws {
        guard connections.count < configuration.maxConnections else {
            stats.connectionsRefused += 1
            channel.close(promise: nil)
            return
        }
        stats.connectionsAccepted += 1
        if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
        try addStreamHandlers(channel, kind: kind)
    }

    private func addStreamHandlers(_ channel: Channel, kind: TransportProtocol) throws {
        let handler = StreamHandler(transport: self, id: connections.makeID(), kind: kind, parser: parser)
        try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: configuration.idleTimeout))
        try channel.pipeline.syncOperations.addHandler(handler)
    }

    // MARK: Sending

    /// Queues `message` for `destination`; `flush()` sends what is queued (a read batch
    /// ends with `.readBatchComplete`, the natural moment to flush).
    public func send(_ message: SIPMessage, to destination: ResponseDestination) {
        let bytes = message.serialized()
        var buffer = ByteBufferAllocator().buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        send(buffer, to: destination)
    }

    /// Queues raw bytes for `destination`.
    public func send(_ buffer: ByteBuffer, to destination: ResponseDestination) {
        switch destination.transport {
        case .udp: sendDatagram(buffer, to: destination)
        case .tcp, .tls: sendStream(buffer, to: destination)
        }
    }

    /// Sends everything queued since the last flush.
    public func flush() {
        for index in dirtyUDP { udpChannels[index].flush() }
        dirtyUDP.removeAll(keepingCapacity: true)
        for channel in dirtyStreams.values { channel.flush() }
        dirtyStreams.removeAll(keepingCapacity: true)
    }

    private func sendDatagram(_ buffer: ByteBuffer, to destination: ResponseDestination) {
        guard let address = destination.address ?? (try? SocketAddress(ipAddress: destination.host, port: destination.port)),
              let index = udpChannelIndex(for: address, preferred: destination.listener) else {
            failed(destination)
            return
        }
        stats.datagramsSent += 1
        // No promise per datagram: a UDP send fails only on a local error, which NIO also
        // reports through errorCaught (logged), and a promise per packet costs.
        udpChannels[index].write(AddressedEnvelope(remoteAddress: address, data: buffer), promise: nil)
        dirtyUDP.insert(index)
    }

    /// The UDP socket to send from: the one the request came in on when it can reach the
    /// address family, otherwise the first that can.
    private func udpChannelIndex(for address: SocketAddress, preferred: Int) -> Int? {
        if udpChannels.indices.contains(preferred), udpChannels[preferred].localAddress?.protocol == address.protocol {
            return preferred
        }
        return udpChannels.firstIndex { $0.localAddress?.protocol == address.protocol }
    }

    private func sendStream(_ buffer: ByteBuffer, to destination: ResponseDestination) {
        stats.streamMessagesSent += 1
        if let id = destination.connection, let channel = connections.channel(id) {
            write(buffer, on: channel, destination: destination)
            return
        }
        guard let address = try? SocketAddress(ipAddress: destination.host, port: destination.port) else {
            failed(destination)
            return
        }
        if let channel = connections.channel(to: address, kind: destination.transport) {
            write(buffer, on: channel, destination: destination)
            return
        }
        guard destination.transport == .tcp else {
            failed(destination)   // outgoing TLS needs a client context (not configured)
            return
        }
        connect(to: address, sending: buffer, destination: destination)
    }

    private func write(_ buffer: ByteBuffer, on channel: Channel, destination: ResponseDestination) {
        let promise = eventLoop.makePromise(of: Void.self)
        promise.futureResult.whenFailure { [self] _ in failed(destination) }
        channel.write(buffer, promise: promise)
        dirtyStreams[ObjectIdentifier(channel)] = channel
    }

    /// Opens a TCP connection (RFC 3261 §18.1.1, §18.2.2 when the request's connection
    /// has closed); messages for the same peer wait for it instead of opening more.
    private func connect(to address: SocketAddress, sending buffer: ByteBuffer, destination: ResponseDestination) {
        let key = ConnectionTable.RemoteKey(kind: .tcp, address: address)
        if pendingConnects[key] != nil {
            pendingConnects[key]?.append(buffer)
            return
        }
        pendingConnects[key] = [buffer]
        ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try self.addStreamHandlers(channel, kind: .tcp) }
            }
            .connect(to: address)
            .whenComplete { [self] result in
                let queued = pendingConnects.removeValue(forKey: key) ?? []
                switch result {
                case .success(let channel):
                    for buffer in queued { write(buffer, on: channel, destination: destination) }
                    channel.flush()
                case .failure:
                    for _ in queued { failed(destination) }
                }
            }
    }

    private func failed(_ destination: ResponseDestination) {
        stats.sendFailures += 1
        deliver(.sendFailed(destination))
    }
}

/// Failures of the transport itself.
public enum TransportError: Error, CustomStringConvertible {
    case tlsNotConfigured
    case tlsFiles(TLSFiles, String)

    public var description: String {
        switch self {
        case .tlsNotConfigured: return "a tls: listen address needs a certificate and key (--tls-certificate, --tls-key)"
        case .tlsFiles(let files, let why):
            return "cannot use TLS certificate \(files.certificateChain) with key \(files.privateKey): \(why)"
        }
    }
}

import Logging
import NIOCore
import SIPMessage
import SIPTransaction
import SIPTransport

/// The SIP stack of one node: the transport, the transaction layer and a transaction user,
/// all on one event loop, so none of them needs a lock.
///
/// Requests are stamped with `received`/`rport` (RFC 3261 §18.2.1, RFC 3581), screened at
/// the edge (`EdgeScreening`: 483, 501, 420 without a transaction), then handed to the
/// transaction layer; what cannot be parsed is answered with the parser's reason when a
/// Via can be salvaged, and dropped otherwise. Everything but `start`/`stop` runs on
/// `eventLoop`.
public final class SIPServer: @unchecked Sendable {
    public let eventLoop: EventLoop
    public let logger: Logger
    private let transport: SIPTransport
    private let transactions: TransactionLayer
    private let screening: EdgeScreening
    private let user: TransactionUser
    private var outputs: [TransactionOutput] = []
    private var draining = false
    /// True while the messages of one read are handled: their answers are flushed once at
    /// the end of the read.
    private var inReadBatch = false
    private var addresses = AddressCache()
    private var wakeUp: Scheduled<Void>?
    private var wakeUpAt: SIPInstant?
    private var tagCounter: UInt64 = 0
    private let tagSeed = UInt64.random(in: 0...UInt64.max)
    /// Counters; read on the event loop.
    public private(set) var stats = ServerStats()

    private let forceRport: Bool

    /// The `Server` header value (RFC 3261 §20.35).
    public var productName = "Switchboard"

    public init(transport configuration: SIPTransportConfiguration, timers: TransactionTimerValues = .init(),
                screening: EdgeScreening = EdgeScreening(), user: TransactionUser,
                eventLoop: EventLoop, logger: Logger) {
        self.eventLoop = eventLoop
        self.logger = logger
        self.transactions = TransactionLayer(timers: timers)
        self.forceRport = configuration.forceRport
        self.screening = screening
        self.user = user
        self.transport = SIPTransport(configuration: configuration, eventLoop: eventLoop, logger: logger)
        transport.deliverEvents { [unowned self] event in self.handle(event) }
    }

    /// Binds the listeners.
    public func start() async throws {
        try await transport.start()
    }

    /// Closes the listeners and connections and stops the timers.
    public func stop() async {
        await transport.stop()
        try? await eventLoop.submit {
            self.wakeUp?.cancel()
            self.wakeUp = nil
        }.get()
    }

    /// The sockets actually bound (port 0 in the configuration becomes a real port).
    public var listeners: [SIPTransport.Listener] { transport.listeners }

    /// Transport counters.
    public var transportStats: TransportStats { transport.stats }

    /// Transactions alive now.
    public var activeTransactions: Int { transactions.activeCount }

    // MARK: Answering

    /// Sends `response` in the server transaction `id` (the layer retransmits and absorbs).
    public func respond(_ response: SIPMessage, to id: ServerTransactionID) {
        eventLoop.assertInEventLoop()
        transactions.respond(response, to: id, now: now(), into: &outputs)
        drainOutputs()
        if !inReadBatch {
            // An answer given later (after media set-up, a store write, a timer): nothing
            // else will flush the stream transports for it.
            transport.flush()
            scheduleWakeUp()
        }
    }

    /// Starts a client transaction for `request` towards `destination` (a UAC request;
    /// the caller has built its Via with a fresh branch). A request larger than 1,300
    /// bytes that was meant for UDP goes over TCP instead, its Via saying so
    /// (RFC 3261 §18.1.1).
    @discardableResult
    public func sendRequest(_ request: SIPMessage, to destination: ResponseDestination) -> ClientTransactionID {
        eventLoop.assertInEventLoop()
        var request = request
        var destination = destination
        let size = request.serialized().count
        let chosen = TransportProtocol.forRequest(ofSize: size, preferred: destination.transport)
        if chosen != destination.transport, let via = try? request.topVia() {
            request.replaceTopVia(Via(transport: chosen.viaToken, host: via.host, port: via.port,
                                      parameters: via.parameters.all, protocolName: via.protocolName,
                                      protocolVersion: via.protocolVersion))
            destination.transport = chosen
            destination.connection = nil
        }
        stats.requestsSent += 1
        let id = transactions.sendRequest(request, to: flow(for: destination), now: now(), into: &outputs)
        drainOutputs()
        transport.flush()
        scheduleWakeUp()
        return id
    }

    /// A fresh `z9hG4bK` branch for a request of ours (RFC 3261 §8.1.1.7).
    public func newBranch() -> String {
        transactions.newBranch()
    }

    /// A fresh tag for a To or From header (RFC 3261 §19.3: at least 32 bits of randomness).
    public func makeTag() -> String {
        tagCounter &+= 1
        return String(tagSeed &+ tagCounter &* 0x9E37_79B9_7F4A_7C15, radix: 36)
    }

    /// `200` to an OPTIONS (RFC 3261 §11.2) listing what this server does.
    public func optionsResponse(to request: SIPMessage, allowing methods: [SIPMethod]) -> SIPMessage {
        var response = SIPMessage.response(to: request, status: 200, reason: "OK", toTag: makeTag())
        response.headers.append(.allow, methods.map(\.name).joined(separator: ", "))
        response.headers.append(.accept, "application/sdp")
        response.headers.append(.supported, screening.supportedExtensions.sorted().joined(separator: ", "))
        response.headers.append(HeaderName("Server"), productName)
        return response
    }

    // MARK: Inbound

    private func handle(_ event: InboundEvent) {
        switch event {
        case .message(let message, let peer):
            inReadBatch = true
            if message.isRequest { handleRequest(message, from: peer) } else { handleResponse(message, from: peer) }
        case .unparsable(let bytes, let error, let peer):
            answerUnparsable(bytes, error, from: peer)
        case .sendFailed(let destination):
            transactions.transportFailed(flow(for: destination), now: now(), into: &outputs)
            drainOutputs()
        case .readBatchComplete:
            inReadBatch = false
            transport.flush()
            scheduleWakeUp()
        }
    }

    private func handleRequest(_ message: SIPMessage, from peer: SIPPeer) {
        var request = message
        guard ViaStamping.stamp(&request, source: peer, forceRport: forceRport) else {
            stats.dropped += 1   // no usable Via: nowhere to send an answer (RFC 3261 §18.2.1)
            return
        }
        // RFC 3261 §8.2: method and header inspection (483, 501, 420) come before the
        // checks of the message's content, so an unknown method with a mismatched CSeq
        // gets 501 (RFC 4475 §3.1.2.18).
        if case .respond(let status, let reason, let headers) = screening.screen(request) {
            var response = SIPMessage.response(to: request, status: status, reason: reason, toTag: makeTag())
            for header in headers { response.headers.append(header.name, header.value) }
            sendStateless(response, for: peer)
            return
        }
        do throws(SIPParseError) {
            try request.validate()
        } catch {
            if request.method == .ack { stats.dropped += 1; return }
            sendStateless(SIPMessage.response(to: request, status: error.suggestedStatus, reason: error.reasonPhrase), for: peer)
            return
        }
        stats.requestsAccepted += 1
        transactions.receive(request, from: flow(for: peer), now: now(), into: &outputs)
        drainOutputs()
    }

    private func handleResponse(_ response: SIPMessage, from peer: SIPPeer) {
        stats.responsesReceived += 1
        transactions.receive(response, from: flow(for: peer), now: now(), into: &outputs)
        drainOutputs()
    }

    /// A `400` (or `513`, `505`, `416`) with the parser's reason, when a Via can be
    /// salvaged; otherwise the bytes are dropped and counted.
    private func answerUnparsable(_ bytes: [UInt8], _ error: SIPParseError, from peer: SIPPeer) {
        guard let salvaged = SalvagedRequest(bytes) else {
            stats.dropped += 1
            return
        }
        let stamped = ViaStamping.stamped(salvaged.topVia, source: peer, forceRport: forceRport)
        let response = salvaged.response(status: error.suggestedStatus, reason: error.reasonPhrase, stampedVia: stamped)
        sendStateless(response, for: peer)
    }

    private func sendStateless(_ response: SIPMessage, for peer: SIPPeer) {
        guard let via = try? response.topVia() else {
            stats.dropped += 1
            return
        }
        stats.statelessResponses[response.statusCode ?? 0, default: 0] += 1
        transport.send(response, to: ResponseRouting.destination(topVia: via, source: peer))
    }

    // MARK: Transaction outputs

    /// Performs queued outputs. A transaction user answering at once re-enters through
    /// `respond`; its outputs join the queue and the outer call performs them.
    private func drainOutputs() {
        guard !draining else { return }
        draining = true
        var index = 0
        while index < outputs.count {
            let output = outputs[index]
            index += 1
            perform(output)
        }
        outputs.removeAll(keepingCapacity: true)
        draining = false
    }

    private func perform(_ output: TransactionOutput) {
        switch output {
        case .send(let message, let flow):
            // Responses follow the Via (RFC 3261 §18.2.2); requests go where the layer says.
            if !message.isRequest, let via = try? message.topVia(), let source = peer(for: flow) {
                transport.send(message, to: ResponseRouting.destination(topVia: via, source: source))
            } else {
                transport.send(message, to: destination(for: flow))
            }
        case .request(let request, let id, let flow):
            guard let source = peer(for: flow) else { return }
            user.received(request: request, transaction: id, from: source, server: self)
        case .ackWithoutTransaction(let ack, let flow):
            guard let source = peer(for: flow) else { return }
            user.received(ack: ack, from: source, server: self)
        case .cancelled(let id):
            user.cancelled(transaction: id, server: self)
        case .response(let response, let id):
            user.received(response: response, transaction: id, server: self)
        case .clientTimeout(let id):
            user.failed(transaction: id, timedOut: true, server: self)
        case .transportError(let client, _):
            if let client { user.failed(transaction: client, timedOut: false, server: self) }
        case .strayResponse:
            stats.strayResponses += 1
        case .serverTimeout, .terminated:
            break
        }
    }

    // MARK: Time

    private func now() -> SIPInstant {
        SIPInstant(nanoseconds: Int64(NIODeadline.now().uptimeNanoseconds))
    }

    /// Keeps one scheduled wake-up at the layer's earliest deadline.
    private func scheduleWakeUp() {
        guard let deadline = transactions.nextDeadline else { return }
        if let current = wakeUpAt, current <= deadline, wakeUp != nil { return }
        wakeUp?.cancel()
        wakeUpAt = deadline
        wakeUp = eventLoop.scheduleTask(deadline: NIODeadline(deadline)) { [unowned self] in
            wakeUp = nil
            wakeUpAt = nil
            transactions.fireTimers(now: now(), into: &outputs)
            drainOutputs()
            transport.flush()
            scheduleWakeUp()
        }
    }

    // MARK: Address conversions

    /// The transaction layer's view of a peer. For UDP the `connection` field carries the
    /// listener index, so answers leave from the socket the request came in on.
    func flow(for peer: SIPPeer) -> TransportFlow {
        TransportFlow(transport: SIPTransportKind(rawValue: peer.transport.rawValue) ?? .udp, host: peer.host, port: peer.port,
                      connection: peer.connection?.rawValue ?? UInt64(peer.listener))
    }

    private func flow(for destination: ResponseDestination) -> TransportFlow {
        TransportFlow(transport: SIPTransportKind(rawValue: destination.transport.rawValue) ?? .udp, host: destination.host,
                      port: destination.port, connection: destination.connection?.rawValue ?? UInt64(destination.listener))
    }

    /// Nil when the flow's host is not an IP address (it always is for a flow that a
    /// message arrived on).
    private func peer(for flow: TransportFlow) -> SIPPeer? {
        let kind = TransportProtocol(rawValue: flow.transport.rawValue) ?? .udp
        guard let address = addresses.address(flow.host, flow.port) else { return nil }
        if kind == .udp {
            return SIPPeer(transport: .udp, address: address, host: flow.host, listener: Int(truncatingIfNeeded: flow.connection))
        }
        return SIPPeer(transport: kind, address: address, host: flow.host,
                       connection: flow.connection == 0 ? nil : ConnectionID(flow.connection))
    }

    private func destination(for flow: TransportFlow) -> ResponseDestination {
        let kind = TransportProtocol(rawValue: flow.transport.rawValue) ?? .udp
        return ResponseDestination(transport: kind, host: flow.host, port: flow.port,
                                   connection: kind == .udp || flow.connection == 0 ? nil : ConnectionID(flow.connection),
                                   listener: kind == .udp ? Int(truncatingIfNeeded: flow.connection) : 0)
    }
}

/// Socket addresses by their text, so the address a message came from is not parsed again
/// for each of its outputs. Bounded: emptied when it grows past `limit`.
struct AddressCache {
    private struct Key: Hashable {
        let host: String
        let port: Int
    }

    private var entries: [Key: SocketAddress] = [:]
    let limit = 4_096

    mutating func address(_ host: String, _ port: Int) -> SocketAddress? {
        let key = Key(host: host, port: port)
        if let known = entries[key] { return known }
        guard let address = try? SocketAddress(ipAddress: host, port: port) else { return nil }
        if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
        entries[key] = address
        return address
    }
}

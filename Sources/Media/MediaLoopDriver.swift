import Foundation
import NIOCore
import NIOPosix

/// Runs a ``MediaClock`` on a NIO event loop and connects its channels to UDP sockets.
///
/// One task is scheduled per tick for the whole loop (not per channel). In each tick every
/// channel's packet is queued on its socket and each socket written to is flushed once;
/// on a shared port that is one flush for all channels. Two write paths:
/// ``WritePath/batched`` (default) queues into preallocated buffers and sends with
/// `sendmmsg(2)` directly (see `DatagramBatch`); ``WritePath/nio`` writes
/// `AddressedEnvelope`s through the NIO channel and flushes it (NIO also uses `sendmmsg`,
/// at the cost of a buffer and a pipeline trip per packet); ``WritePath/ioUring`` queues
/// like the batched path but sends every socket's datagrams of a tick with one io_uring
/// submission (see `SendRing`). Sockets are always read by NIO. Received datagrams go to
/// the channel that owns the socket, or on the shared port to the channel whose remote
/// address (or, before latching, SSRC) matches.
///
/// Confined to its event loop: create it, and call everything, on that loop.
public final class MediaLoopDriver {
    /// The loop everything runs on.
    public let eventLoop: any EventLoop
    /// The sans-IO clock.
    public let clock: MediaClock
    /// Called with the events of each tick and of received packets.
    public var onEvents: (([MediaEvent]) -> Void)?
    /// Called after each (sub-)tick's flush with the tick's deadline, the time the flush ended,
    /// and the packets written (for lateness figures).
    public var onTick: ((_ deadline: NIODeadline, _ flushed: NIODeadline, _ packets: Int) -> Void)?
    /// Called when the tick task starts, with the tick's deadline and the time (how late
    /// the loop woke: the machine's scheduling, before any of our work).
    public var onWake: ((_ deadline: NIODeadline, _ woke: NIODeadline) -> Void)?
    /// Datagrams on the shared port that matched no channel.
    public private(set) var unmatchedDatagrams = 0
    /// RTP datagrams received on every socket of the loop.
    public private(set) var datagramsReceived = 0

    /// How packets reach the kernel.
    public enum WritePath: Sendable {
        /// Our own buffers and `sendmmsg(2)` on the socket NIO reads.
        case batched
        /// NIO channel writes and one flush per socket per tick.
        case nio
        /// Our own buffers, sent on every socket of the loop with one io_uring submission
        /// per tick; where io_uring is unavailable, ``batched``.
        case ioUring
    }

    /// The write path in use: the one asked for at creation, or ``WritePath/batched`` when
    /// ``WritePath/ioUring`` was asked for and the kernel refused a ring.
    public let writePath: WritePath
    private let ring: SendRing?
    /// Whether sockets get datagrams from our own buffers (not NIO writes).
    private var batched: Bool { writePath != .nio }
    private var ownBatches: [Int: DatagramBatch] = [:]
    private var sharedBatch: DatagramBatch? {
        didSet { sharedBatchView = sharedBatch.map(Unmanaged.passUnretained) }
    }
    /// ``sharedBatch`` read per packet without a retain (``sharedBatch`` keeps it alive).
    @exclusivity(unchecked) private var sharedBatchView: Unmanaged<DatagramBatch>?
    /// Batches written to in this tick, unretained (the channel's or shared batch is held by
    /// ``ownBatches``/``sharedBatch`` or ``rtcpBatches``; a removed one is taken out here).
    @exclusivity(unchecked) private var dirtyBatches: [Unmanaged<DatagramBatch>] = []
    private var retiredSent = 0, retiredDropped = 0

    /// Datagrams the kernel took, on the batched and io_uring paths.
    public var datagramsSent: Int {
        let batches = ownBatches.values.reduce(0) { $0 + $1.sent } + rtcpBatches.values.reduce(0) { $0 + $1.sent }
        return retiredSent + (ring?.sent ?? 0) + (sharedBatch?.sent ?? 0) + (sharedRTCPBatch?.sent ?? 0) + batches
    }

    /// Datagrams dropped because the socket buffer was full (batched and io_uring paths).
    public var datagramsDropped: Int {
        let batches = ownBatches.values.reduce(0) { $0 + $1.dropped } + rtcpBatches.values.reduce(0) { $0 + $1.dropped }
        return retiredDropped + (ring?.failed ?? 0) + (sharedBatch?.dropped ?? 0) + (sharedRTCPBatch?.dropped ?? 0) + batches
    }

    private var ownSockets: [Int: any Channel] = [:]
    private var sharedPort: (any Channel)?
    /// The shared port's RTCP companion (RTP port + 1, RFC 3550 §11), when opened in range.
    private var sharedRTCPPort: (any Channel)?
    private var sharedRTCPBatch: DatagramBatch?
    private var byAddress: [SocketAddress: Int] = [:]
    private var bySSRC: [UInt32: Int] = [:]
    private var dirty: [ObjectIdentifier: any Channel] = [:]
    private var scheduled: Scheduled<Void>?
    @exclusivity(unchecked) private var packetsThisTick = 0
    private let allocator = ByteBufferAllocator()

    /// Creates a driver whose clock starts 20 ms from now, with `phases` sub-ticks per 20 ms
    /// (see ``MediaClock``).
    public convenience init(eventLoop: any EventLoop, writePath: WritePath = .batched, phases: Int = 1) {
        self.init(eventLoop: eventLoop, writePath: writePath, phases: phases, ringEntries: 4096)
    }

    /// `ringEntries`: sends per io_uring submission (0 makes the ring fail: the fallback).
    init(eventLoop: any EventLoop, writePath: WritePath, phases: Int, ringEntries: Int) {
        self.eventLoop = eventLoop
        ring = writePath == .ioUring ? SendRing(entries: ringEntries) : nil
        self.writePath = writePath == .ioUring && ring == nil ? .batched : writePath
        self.clock = MediaClock(start: .now() + .milliseconds(20), phases: phases)
    }

    // MARK: Sockets

    /// Binds a UDP socket on this loop (port 0 picks a free one) whose datagrams come back
    /// to `handler` on the loop.
    static func bind(host: String, port: Int, on eventLoop: any EventLoop, batched: Bool, shared: Bool,
                     handler: @escaping @Sendable (AddressedEnvelope<ByteBuffer>) -> Void) -> EventLoopFuture<(any Channel, DatagramBatch?)> {
        // The shared port reads up to 32 datagrams per recvmmsg; a channel's own port gets
        // 50 a second and reads one at a time (NIO's vector-read state is kilobytes per socket).
        let messagesPerRead = shared ? 32 : 1
        let bootstrap = DatagramBootstrap(group: eventLoop)
            .channelOption(.datagramVectorReadMessageCount, value: messagesPerRead)
            // recvmmsg splits the receive buffer evenly between the messages: 2 KB each.
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: messagesPerRead * 2048))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DatagramDelivery(deliver: handler))
                }
            }
        guard batched else { return bootstrap.bind(host: host, port: port).map { ($0, nil) } }
        let batch: DatagramBatch
        do {
            batch = try DatagramBatch(bindingTo: try SocketAddress(ipAddress: host, port: port), initialCapacity: shared ? 64 : 2)
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        let bound = NIOLoopBound(batch, eventLoop: eventLoop)
        return bootstrap.withBoundSocket(batch.descriptor).map { ($0, bound.value) }
    }

    /// Opens the shared media port: every channel added with `ownSocket: nil` sends from it.
    public func openSharedPort(host: String = "0.0.0.0", port: Int = 0) -> EventLoopFuture<SocketAddress?> {
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        return Self.bind(host: host, port: port, on: eventLoop, batched: batched, shared: true) { envelope in
            bound.value.receiveShared(envelope)
        }.map { channel, batch in
            bound.value.sharedPort = channel
            bound.value.sharedBatch = batch
            return channel.localAddress
        }
    }

    /// Opens the shared media port on the next free even port of ``portAllocator`` and its
    /// RTCP companion on the odd port above it (RFC 3550 §11): every channel of the loop
    /// sends RTP from the first and RTCP from the second, and datagrams arriving on either
    /// are demultiplexed like the shared port's. Tries further ports when one is taken (up
    /// to `attempts`). Returns the RTP port.
    public func openSharedPortInRange(host: String = "0.0.0.0", attempts: Int = 16) -> EventLoopFuture<Int> {
        guard attempts > 0, let port = portAllocator.allocate() else {
            return eventLoop.makeFailedFuture(MediaPortsExhausted())
        }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let handler: @Sendable (AddressedEnvelope<ByteBuffer>) -> Void = { bound.value.receiveShared($0) }
        return Self.bind(host: host, port: port + 1, on: eventLoop, batched: batched, shared: true, handler: handler)
            .flatMap { rtcp, rtcpBatch in
                let boundBatch = NIOLoopBound(rtcpBatch, eventLoop: bound.value.eventLoop)
                return bound.value.openSharedPort(host: host, port: port).map { _ in
                    bound.value.sharedRTCPPort = rtcp
                    bound.value.sharedRTCPBatch = boundBatch.value
                    return port
                }.flatMapError { error in
                    rtcp.close(promise: nil)
                    return bound.value.eventLoop.makeFailedFuture(error)
                }
            }
            .flatMapError { _ in
                bound.value.openSharedPortInRange(host: host, attempts: attempts - 1)
            }
    }

    /// Opens a socket for one channel (one RTP port per call).
    public func openSocket(for channelID: Int, host: String = "0.0.0.0", port: Int = 0) -> EventLoopFuture<SocketAddress?> {
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        return Self.bind(host: host, port: port, on: eventLoop, batched: batched, shared: false) { envelope in
            bound.value.receive(envelope, channelID: channelID)
        }.map { channel, batch in
            bound.value.ownSockets[channelID] = channel
            if let batch { bound.value.setOwnBatch(batch, for: channelID) }
            return channel.localAddress
        }
    }

    /// Ports for ``openSocketInRange(for:host:attempts:)`` (10000–20000 by default). Loops
    /// each have their own; a port another loop (or process) holds fails to bind and the
    /// next one is tried.
    public var portAllocator = RTPPortAllocator()
    private var portByChannel: [Int: Int] = [:]

    /// Opens a socket for one channel on the next free even port of ``portAllocator``,
    /// trying further ports when one is taken by another process (up to `attempts`).
    public func openSocketInRange(for channelID: Int, host: String = "0.0.0.0", withRTCP: Bool = true,
                                  attempts: Int = 16) -> EventLoopFuture<SocketAddress?> {
        guard attempts > 0, let port = portAllocator.allocate() else {
            return eventLoop.makeFailedFuture(MediaPortsExhausted())
        }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let opened = openSocket(for: channelID, host: host, port: port).flatMap { address -> EventLoopFuture<SocketAddress?> in
            guard withRTCP else { return bound.value.eventLoop.makeSucceededFuture(address) }
            // RFC 3550 §11: RTCP on the next (odd) port, received and sent there.
            return bound.value.openRTCPSocket(for: channelID, host: host, port: port + 1).map { address }.flatMapError { error in
                bound.value.ownSockets.removeValue(forKey: channelID)?.close(promise: nil)
                bound.value.setOwnBatch(nil, for: channelID)
                return bound.value.eventLoop.makeFailedFuture(error)
            }
        }
        return opened.map { address in
            bound.value.portByChannel[channelID] = port
            return address
        }.flatMapError { _ in
            bound.value.portAllocator.release(port)
            return bound.value.openSocketInRange(for: channelID, host: host, withRTCP: withRTCP, attempts: attempts - 1)
        }
    }

    private var rtcpSockets: [Int: any Channel] = [:]
    private var rtcpBatches: [Int: DatagramBatch] = [:]

    private func openRTCPSocket(for channelID: Int, host: String, port: Int) -> EventLoopFuture<Void> {
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        return Self.bind(host: host, port: port, on: eventLoop, batched: batched, shared: false) { envelope in
            bound.value.receiveRTCPDatagram(envelope, channelID: channelID)
        }.map { channel, batch in
            bound.value.rtcpSockets[channelID] = channel
            if let batch { bound.value.rtcpBatches[channelID] = batch }
        }
    }

    private func receiveRTCPDatagram(_ envelope: AddressedEnvelope<ByteBuffer>, channelID: Int) {
        guard let channel = clock.channel(channelID) else { return }
        let now = NIODeadline.now()
        let events = envelope.data.withUnsafeReadableBytes { channel.receiveRTCP($0, from: envelope.remoteAddress, at: now) }
        if !events.isEmpty { onEvents?(events) }
    }

    // MARK: Channels

    /// Adds a channel to the clock. Its remote RTP and RTCP addresses (and SSRC once known)
    /// route shared-port datagrams to it.
    public func add(_ channel: MediaChannel) {
        clock.add(channel)
        if running, !ticking, let scheduledDeadline, clock.nextDueTick < scheduledDeadline {
            // Asleep past the new channel's first tick (its phase was empty): wake for it.
            scheduled?.cancel()
            scheduleNext()
        }
        channel.ownBatch = ownBatches[channel.id].map(Unmanaged.passUnretained)
        if let address = channel.remoteAddress { byAddress[address] = channel.id }
        // Its reports come from its RTCP port (RFC 3550 §11, or `a=rtcp`): known before any RTP.
        if let address = channel.rtcpAddress, byAddress[address] == nil { byAddress[address] = channel.id }
    }

    /// Removes a channel and closes its own socket, if any. A relay it was part of ends:
    /// the other leg is back on its player at the next tick.
    public func remove(id: Int) {
        detachRelay(channelID: id)
        if let channel = clock.channel(id) {
            for address in [channel.remoteAddress, channel.rtcpAddress, channel.receiver.latchedAddress] {
                if let address, byAddress[address] == id { byAddress[address] = nil }
            }
            if let ssrc = channel.receiver.remoteSSRC { bySSRC[ssrc] = nil }
        }
        setOwnBatch(nil, for: id)
        clock.remove(id: id)
        ownSockets.removeValue(forKey: id)?.close(promise: nil)
        if let batch = rtcpBatches.removeValue(forKey: id) { retire(batch) }
        rtcpSockets.removeValue(forKey: id)?.close(promise: nil)
        if let port = portByChannel.removeValue(forKey: id) { portAllocator.release(port) }
    }

    /// Records a channel's own send buffer, here and on the channel (read per packet), and
    /// registers its socket with the send ring (a previous one is released).
    private func setOwnBatch(_ batch: DatagramBatch?, for channelID: Int) {
        if let old = ownBatches[channelID], old !== batch {
            retire(old)
            releaseRingSlot(of: old)
        }
        if let ring, let batch, batch.ringSlot < 0 { batch.ringSlot = ring.register(descriptor: batch.descriptor) }
        ownBatches[channelID] = batch
        clock.channel(channelID)?.ownBatch = batch.map(Unmanaged.passUnretained)
    }

    /// Keeps a batch's counts in the driver's totals and takes it out of this tick's dirty
    /// list (held unretained there) before the batch is dropped.
    private func retire(_ batch: DatagramBatch) {
        retiredSent += batch.sent
        retiredDropped += batch.dropped
        dirtyBatches.removeAll { $0.takeUnretainedValue() === batch }
    }

    /// Takes a socket out of the send ring's file table: the table holds it open, so its
    /// port would stay bound after the channel closed it.
    private func releaseRingSlot(of batch: DatagramBatch) {
        guard let ring, batch.ringSlot >= 0 else { return }
        ring.unregister(slot: batch.ringSlot)
        batch.ringSlot = -1
    }

    // MARK: Relaying

    private var relays: [Int: MediaRelay] = [:]

    /// Joins two channels of this loop: from now on what one receives is forwarded to the
    /// other at once (not on the clock), and neither player sends.
    public func attach(_ relay: MediaRelay) {
        relays[relay.a.id] = relay
        relays[relay.b.id] = relay
    }

    /// Ends a relay: both channels are back on their players from the next tick.
    public func detachRelay(channelID: Int) {
        guard let relay = relays[channelID] else { return }
        relay.detach()
        relays[relay.a.id] = nil
        relays[relay.b.id] = nil
    }

    private func sendNow(_ datagram: [UInt8], on channel: MediaChannel) {
        guard let remote = channel.remoteAddress else { return }
        if batched {
            guard let batch = sharedBatch ?? ownBatches[channel.id] else { return }
            batch.enqueue(bytes: datagram, to: remote)
            batch.flush()
            return
        }
        guard let socket = ownSockets[channel.id] ?? sharedPort else { return }
        var buffer = allocator.buffer(capacity: datagram.count)
        buffer.writeBytes(datagram)
        socket.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: buffer), promise: nil)
    }

    // MARK: Ticking

    /// Starts ticking.
    public func start() {
        running = true
        scheduleNext()
    }

    /// Stops ticking and closes every socket.
    public func stop() {
        running = false
        scheduled?.cancel()
        scheduled = nil
        scheduledDeadline = nil
        for batch in dirtyBatches { batch._withUnsafeGuaranteedRef { $0.flush(through: ring) } }
        ring?.submit()
        dirtyBatches.removeAll()
        for batch in ownBatches.values { releaseRingSlot(of: batch) }
        for socket in ownSockets.values { socket.close(promise: nil) }
        ownSockets = [:]
        for socket in rtcpSockets.values { socket.close(promise: nil) }
        rtcpSockets = [:]
        sharedPort?.close(promise: nil)
        sharedPort = nil
        sharedRTCPPort?.close(promise: nil)
        sharedRTCPPort = nil
    }

    /// The deadline the next tick task is scheduled for (nil before start and after stop).
    private var scheduledDeadline: NIODeadline?
    /// Whether a tick task is running (it schedules the next one when it ends).
    private var ticking = false
    /// Between ``start()`` and ``stop()`` (a tick whose events stop the driver schedules no more).
    private var running = false
    /// Which scheduled tick task is the live one. A task replaced by a reschedule may
    /// already be on its way to run (NIO takes all due tasks off its queue before running
    /// them, so cancelling it then does nothing): it finds another number and does nothing,
    /// instead of ticking and scheduling a second chain of ticks.
    private var tickGeneration = 0

    /// Schedules the tick task for the next tick with channels (see ``MediaClock/nextDueTick``).
    private func scheduleNext() {
        guard running else { return }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let deadline = clock.nextDueTick
        tickGeneration &+= 1
        let generation = tickGeneration
        scheduledDeadline = deadline
        scheduled = eventLoop.scheduleTask(deadline: deadline) {
            bound.value.tick(generation: generation)
        }
    }

    private func tick(generation: Int) {
        guard running, generation == tickGeneration else { return }  // stopped, or replaced
        ticking = true
        defer { ticking = false }
        onWake?(scheduledDeadline ?? clock.nextTick, .now())
        let result = clock.advance(to: .now(), send: { channel, header, payload in
            self.write(channel: channel, header: header, payload: payload)
        }, sendRTCP: { channel in
            self.writeRTCP(channel: channel)
        }, flush: {
            self.flushDirty()
        })
        if !result.events.isEmpty { onEvents?(result.events) }
        scheduleNext()
    }

    private func write(channel: MediaChannel, header: RTPHeader, payload: UnsafeRawBufferPointer) {
        if batched {
            guard let destination = channel.destination, let batch = sharedBatchView ?? channel.ownBatch else { return }
            // Unretained: the batch is held by sharedBatch or ownBatches (no retain/release per packet).
            let first = batch._withUnsafeGuaranteedRef { batch in
                batch.enqueue(header: header, payload: payload, to: destination)
                return batch.pending == 1
            }
            if first { dirtyBatches.append(batch) }
            packetsThisTick += 1
            return
        }
        guard let remote = channel.remoteAddress, let socket = ownSockets[channel.id] ?? sharedPort else { return }
        var buffer = allocator.buffer(capacity: header.encodedLength + payload.count)
        header.write(into: &buffer)
        buffer.writeBytes(payload)
        socket.write(AddressedEnvelope(remoteAddress: remote, data: buffer), promise: nil)
        dirty[ObjectIdentifier(socket)] = socket
        packetsThisTick += 1
    }

    private func writeRTCP(channel: MediaChannel) {
        guard let remote = channel.rtcpAddress else { return }
        let unixNanoseconds = Int64(Date().timeIntervalSince1970 * 1e9)
        let bytes = channel.rtcpCompound(unixNanoseconds: unixNanoseconds)
        let useRTCPSocket = !channel.rtcpMultiplexed
        if batched {
            guard let batch = (useRTCPSocket ? rtcpBatches[channel.id] ?? sharedRTCPBatch : nil) ?? sharedBatch ?? ownBatches[channel.id] else { return }
            batch.enqueue(bytes: bytes, to: remote)
            if batch.pending == 1 { dirtyBatches.append(Unmanaged.passUnretained(batch)) }
            return
        }
        guard let socket = (useRTCPSocket ? rtcpSockets[channel.id] ?? sharedRTCPPort : nil) ?? ownSockets[channel.id] ?? sharedPort else { return }
        var buffer = allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        socket.write(AddressedEnvelope(remoteAddress: remote, data: buffer), promise: nil)
        dirty[ObjectIdentifier(socket)] = socket
    }

    private func flushDirty() {
        for batch in dirtyBatches { batch._withUnsafeGuaranteedRef { $0.flush(through: ring) } }
        ring?.submit()
        dirtyBatches.removeAll(keepingCapacity: true)
        for socket in dirty.values { socket.flush() }
        dirty.removeAll(keepingCapacity: true)
        onTick?(clock.nextTick, .now(), packetsThisTick)
        packetsThisTick = 0
    }

    // MARK: Receiving

    private func receive(_ envelope: AddressedEnvelope<ByteBuffer>, channelID: Int) {
        datagramsReceived += 1
        guard let channel = clock.channel(channelID) else { return }
        deliver(envelope, to: channel)
    }

    private func receiveShared(_ envelope: AddressedEnvelope<ByteBuffer>) {
        datagramsReceived += 1
        var id = byAddress[envelope.remoteAddress]
        if id == nil {
            // A source not seen yet: route by SSRC (RFC 3550 §8) if a channel knows it. RTP
            // names its source at octet 8 (§5.1); an RTCP compound its sender at octet 4 (§6.4):
            // the far end's reports come from its RTCP port, an address no channel latched.
            let ssrc: UInt32? = envelope.data.withUnsafeReadableBytes { raw in
                let offset = RTPPacket.looksLikeRTCP(raw) ? 4 : 8
                return raw.count >= offset + 4 ? raw.readBigEndianUInt32(at: offset) : nil
            }
            id = ssrc.flatMap { bySSRC[$0] }
        }
        guard let id, let channel = clock.channel(id) else {
            unmatchedDatagrams += 1
            return
        }
        deliver(envelope, to: channel)
        if let latched = channel.receiver.latchedAddress, byAddress[latched] == nil { byAddress[latched] = id }
        if let ssrc = channel.receiver.remoteSSRC, bySSRC[ssrc] == nil { bySSRC[ssrc] = id }
    }

    private func deliver(_ envelope: AddressedEnvelope<ByteBuffer>, to channel: MediaChannel) {
        let now = NIODeadline.now()
        if let relay = relays[channel.id] {
            let forwarded = envelope.data.withUnsafeReadableBytes { raw -> (datagram: [UInt8], to: MediaChannel)? in
                if RTPPacket.looksLikeRTCP(raw) {
                    let events = channel.receiveRTCP(raw, from: envelope.remoteAddress, at: now)  // each leg keeps its own RTCP
                    if !events.isEmpty { self.onEvents?(events) }
                    return nil
                }
                return relay.forward(raw, receivedOn: channel, from: envelope.remoteAddress, at: now)
            }
            if let forwarded { sendNow(forwarded.datagram, on: forwarded.to) }
            return
        }
        let events = envelope.data.withUnsafeReadableBytes { raw -> [MediaEvent] in
            if RTPPacket.looksLikeRTCP(raw) {
                return channel.receiveRTCP(raw, from: envelope.remoteAddress, at: now)
            }
            return channel.receive(raw, from: envelope.remoteAddress, at: now)
        }
        if !events.isEmpty { onEvents?(events) }
    }
}

/// No free RTP port was left in the configured range (or binding kept failing).
public struct MediaPortsExhausted: Error, Sendable {
    public init() {}
}

/// Hands each received datagram to a closure.
final class DatagramDelivery: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let deliver: @Sendable (AddressedEnvelope<ByteBuffer>) -> Void

    init(deliver: @escaping @Sendable (AddressedEnvelope<ByteBuffer>) -> Void) {
        self.deliver = deliver
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deliver(unwrapInboundIn(data))
    }
}

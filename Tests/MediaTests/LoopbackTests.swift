import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
@testable import Media

/// Collects datagrams on a UDP socket until `expected` have arrived.
final class Collector: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let expected: Int
    /// The datagrams so far, and whether the promise was completed.
    let state = NIOLockedValueBox<(received: [[UInt8]], finished: Bool)>(([], false))
    let done: EventLoopPromise<[[UInt8]]>
    /// Skips RTCP (a leg's reports to port + 1 may land here when ports are adjacent).
    let ignoresRTCP: Bool

    init(expected: Int, promise: EventLoopPromise<[[UInt8]]>, ignoresRTCP: Bool = false) {
        self.expected = expected
        self.done = promise
        self.ignoresRTCP = ignoresRTCP
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = Array(unwrapInboundIn(data).data.readableBytesView)
        if ignoresRTCP, bytes.withUnsafeBytes({ RTPPacket.looksLikeRTCP($0) }) { return }
        let all = state.withLockedValue { state -> [[UInt8]]? in
            guard !state.finished else { return nil }
            state.received.append(bytes)
            guard state.received.count == expected else { return nil }
            state.finished = true
            return state.received
        }
        if let all { done.succeed(all) }
    }

    /// Completes with what arrived so far (a lost datagram fails the test instead of hanging it).
    func giveUp() {
        let partial = state.withLockedValue { state -> [[UInt8]]? in
            guard !state.finished else { return nil }
            state.finished = true
            return state.received
        }
        if let partial { done.succeed(partial) }
    }
}

@Suite("Loopback: the player sends a prompt over UDP")
struct LoopbackTests {
    @Test("received payloads decode back to the prompt's audio, paced and in order", arguments: [
        (false, MediaLoopDriver.WritePath.batched), (true, .batched), (false, .nio), (true, .nio),
        (false, .ioUring), (true, .ioUring),
    ])
    func loopback(sharedPort: Bool, writePath: MediaLoopDriver.WritePath) async throws {
        try await Self.playPrompt(sharedPort: sharedPort) { loop in MediaLoopDriver(eventLoop: loop, writePath: writePath) }
    }

    @Test("io_uring refused: the driver falls back to sendmmsg/sendto and still delivers", arguments: [false, true])
    func ringFallback(sharedPort: Bool) async throws {
        try await Self.playPrompt(sharedPort: sharedPort) { loop in
            let driver = MediaLoopDriver(eventLoop: loop, writePath: .ioUring, phases: 1, ringEntries: 0)
            #expect(driver.writePath == .batched)
            return driver
        }
    }

    @Test("a removed channel's RTP port can be bound again at once (io_uring's file table lets it go)", arguments: [
        (MediaLoopDriver.WritePath.batched, 45000...45099), (.nio, 45100...45199), (.ioUring, 45200...45299),
    ])
    /// Each case has its own ports: the cases run at once, and an allocator hands out its
    /// range's ports in order, so with one range a case would rebind a port another holds.
    func removedPortIsFree(writePath: MediaLoopDriver.WritePath, ports: ClosedRange<Int>) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let target = try SocketAddress(ipAddress: "127.0.0.1", port: 9)
        // Bound again while the driver (and its ring) still lives.
        let rebound = try await loop.flatSubmit { () -> EventLoopFuture<[Int]> in
            let driver = MediaLoopDriver(eventLoop: loop, writePath: writePath)
            driver.portAllocator = RTPPortAllocator(range: ports)
            let boundDriver = NIOLoopBound(driver, eventLoop: loop)
            return driver.openSocketInRange(for: 7, host: "127.0.0.1").flatMapThrowing { address in
                let driver = boundDriver.value
                driver.add(MediaChannel(id: 7, codec: .pcmu, remoteAddress: target, sender: RTPSender(ssrc: 7, initialSequenceNumber: 0, initialTimestamp: 0)))
                driver.remove(id: 7)
                let port = try #require(address?.port)
                return try [port, port + 1].map { candidate in  // RTP and its RTCP port
                    let again = try DatagramBatch(bindingTo: SocketAddress(ipAddress: "127.0.0.1", port: candidate), initialCapacity: 1)
                    close(again.descriptor)
                    return candidate
                } + [driver.clock.channelCount]
            }
        }.get()
        try await group.shutdownGracefully()
        #expect(rebound.count == 3 && rebound[1] == rebound[0] + 1 && rebound[2] == 0)
    }

    @Test("an idle loop of 20 phases wakes once per frame; a channel added wakes it at its own phase, not at the frame's end")
    func idleWakesOncePerFrame() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let wakes = NIOLockedValueBox<[NIODeadline]>([])
        /// When the channel was added: the tick it is due at, and the one the driver slept till.
        let added = loop.makePromise(of: (due: NIODeadline, frameEnd: NIODeadline).self)
        let fourthWake = loop.makePromise(of: NIODeadline.self)
        let driver = try await loop.submit { () -> NIOLoopBound<MediaLoopDriver> in
            let driver = MediaLoopDriver(eventLoop: loop, phases: 20)
            let bound = NIOLoopBound(driver, eventLoop: loop)
            driver.onWake = { deadline, _ in
                let count = wakes.withLockedValue { $0.append(deadline); return $0.count }
                if count == 3 {
                    // 5 ms into the sleep that follows this frame's tick, on the same loop.
                    loop.scheduleTask(deadline: deadline + .milliseconds(5)) {
                        let driver = bound.value
                        let frameEnd = driver.clock.nextDueTick
                        driver.add(MediaChannel(id: 1, codec: .pcmu, remoteAddress: try? SocketAddress(ipAddress: "127.0.0.1", port: 9),
                                                sender: RTPSender(ssrc: 1, initialSequenceNumber: 0, initialTimestamp: 0)))
                        added.succeed((driver.clock.nextDueTick, frameEnd))
                    }
                }
                if count == 4 { fourthWake.succeed(deadline) }
            }
            driver.start()
            return bound
        }.get()
        let (due, frameEnd) = try await added.futureResult.get()
        let woke = try await fourthWake.futureResult.get()
        try await loop.submit { driver.value.stop() }.get()
        try await group.shutdownGracefully()
        let deadlines = wakes.withLockedValue { $0 }
        // Idle: never more than one wake per 20 ms (exactly 20 ms apart on an unloaded machine;
        // a late wake runs the missed ticks and sleeps 19 ticks past the last of them).
        #expect(deadlines[1] - deadlines[0] >= .milliseconds(20) && deadlines[2] - deadlines[1] >= .milliseconds(20))
        // The channel's first tick comes before the end of the frame the driver slept till
        // (at worst on it, when its phase is that frame's last), and the driver woke for it.
        #expect(due <= frameEnd && frameEnd - due < .milliseconds(20))
        #expect(woke == due)
    }

    @Test("a channel added by a task due with the tick (the tick already taken off NIO's queue) leaves one chain of ticks, not two")
    func addRacingTheTick() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let wakes = NIOLockedValueBox<[NIODeadline]>([])
        let enough = loop.makePromise(of: Void.self)
        let driver = try await loop.submit { () -> NIOLoopBound<MediaLoopDriver> in
            let driver = MediaLoopDriver(eventLoop: loop, phases: 20)
            let bound = NIOLoopBound(driver, eventLoop: loop)
            // Scheduled before the driver's first tick, for the same deadline: NIO takes both
            // off its queue together and runs this one first.
            loop.scheduleTask(deadline: driver.clock.nextDueTick) {
                bound.value.add(MediaChannel(id: 1, codec: .pcmu, remoteAddress: try? SocketAddress(ipAddress: "127.0.0.1", port: 9),
                                             sender: RTPSender(ssrc: 1, initialSequenceNumber: 0, initialTimestamp: 0)))
            }
            driver.onWake = { deadline, _ in
                if wakes.withLockedValue({ $0.append(deadline); return $0.count }) == 12 { enough.succeed() }
            }
            driver.start()
            return bound
        }.get()
        try await enough.futureResult.get()
        try await loop.submit { driver.value.stop() }.get()
        try await group.shutdownGracefully()
        let deadlines = wakes.withLockedValue { $0 }
        #expect(Set(deadlines).count == deadlines.count, "two tick tasks woke for the same deadline")
    }

    /// Plays a 200 ms prompt from a driver `makeDriver` creates to a NIO receiver and checks
    /// pacing, order, headers and the decoded audio.
    static func playPrompt(sharedPort: Bool, makeDriver: @escaping @Sendable (any EventLoop) -> MediaLoopDriver) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let prompt = Tones.tone(name: "loop", frequencies: [700, 1300], levelDBm0: -12, milliseconds: 200)
        let promise = loop.makePromise(of: [[UInt8]].self)
        let collector = Collector(expected: prompt.frameCount, promise: promise)
        let receiver = try await DatagramBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let target = try #require(receiver.localAddress)

        let started = try await loop.flatSubmit { () -> EventLoopFuture<NIODeadline> in
            let driver = makeDriver(loop)
            let channel = MediaChannel(id: 1, codec: .pcma, remoteAddress: target,
                                       sender: RTPSender(ssrc: 1234, initialSequenceNumber: 100, initialTimestamp: 0),
                                       sendsSilenceWhenIdle: false)
            driver.portAllocator = RTPPortAllocator(range: 42000...42999)
            let opened = sharedPort ? driver.openSharedPort(host: "127.0.0.1") : driver.openSocketInRange(for: 1, host: "127.0.0.1")
            let boundDriver = NIOLoopBound(driver, eventLoop: loop)
            let boundChannel = NIOLoopBound(channel, eventLoop: loop)
            return opened.map { _ in
                let driver = boundDriver.value
                driver.add(boundChannel.value)
                boundChannel.value.play([.prompt(prompt)])
                driver.onEvents = { events in
                    if events.contains(.playbackFinished(channel: 1)) { boundDriver.value.stop() }
                }
                let start = driver.clock.nextTick
                driver.start()
                return start
            }
        }.get()

        let deadline = loop.scheduleTask(in: .seconds(15)) { collector.giveUp() }
        let datagrams = try await promise.futureResult.get()
        deadline.cancel()
        let finished = NIODeadline.now()
        try await receiver.close()
        try await group.shutdownGracefully()

        // Ten frames of 20 ms take at least 180 ms of real pacing after the first tick.
        #expect(finished - started >= .milliseconds(175))
        let packets = try datagrams.map { try RTPPacket.parse($0) }
        #expect(packets.map(\.header.sequenceNumber) == (0..<prompt.frameCount).map { UInt16(100 + $0) })
        #expect(packets.map(\.header.timestamp) == (0..<prompt.frameCount).map { UInt32(160 * $0) })
        #expect(packets.allSatisfy { $0.header.payloadType == 8 && $0.header.ssrc == 1234 })
        let decoder = AudioDecoder(codec: .pcma)
        var audio: [Int16] = []
        for (bytes, packet) in zip(datagrams, packets) {
            bytes.withUnsafeBytes { decoder.decode(UnsafeRawBufferPointer(rebasing: $0[packet.payloadOffset...]), appendingTo: &audio) }
        }
        // A-law round trip of the prompt's own samples, and within G.711's SNR of the original.
        let expected = prompt.samples8k.map { G711.linear(fromALaw: G711.alaw(fromLinear: $0)) }
        #expect(Array(audio.prefix(expected.count)) == expected)
        var signal = 0.0, noise = 0.0
        for (a, b) in zip(audio, prompt.samples8k) {
            signal += Double(b) * Double(b)
            noise += (Double(a) - Double(b)) * (Double(a) - Double(b))
        }
        #expect(10 * log10(signal / noise) > 30)
    }
}

import Foundation

/// Collects driver events from the loop.
final class EventSink: Sendable {
    let events = NIOLockedValueBox<[MediaEvent]>([])
    let done: EventLoopPromise<Void>
    let wanted: Int
    init(wanted: Int, promise: EventLoopPromise<Void>) {
        self.wanted = wanted
        self.done = promise
    }
    func add(_ new: [MediaEvent]) {
        let count = events.withLockedValue { list -> Int in
            list += new.filter { if case .digit = $0 { return true } else { return false } }
            return list.count
        }
        if count == wanted { done.succeed(()) }
    }
}

@Suite("Shared media port: receiving")
struct SharedPortTests {
    @Test("datagrams to one port reach the right channel by source address, RTCP from the far end's other port by sender SSRC; strangers are counted, not delivered")
    func demultiplex() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        // Two far ends and a stranger, each its own socket.
        var peers: [any Channel] = []
        for _ in 0..<3 {
            peers.append(try await DatagramBootstrap(group: loop).bind(host: "127.0.0.1", port: 0).get())
        }
        let addresses = peers.compactMap(\.localAddress)
        let promise = loop.makePromise(of: Void.self)
        let sink = EventSink(wanted: 2, promise: promise)
        let (portAddress, boundDriver) = try await loop.flatSubmit { () -> EventLoopFuture<(SocketAddress?, NIOLoopBound<MediaLoopDriver>)> in
            let driver = MediaLoopDriver(eventLoop: loop)
            let bound = NIOLoopBound(driver, eventLoop: loop)
            return driver.openSharedPort(host: "127.0.0.1").map { address in
                for (id, remote) in addresses.prefix(2).enumerated() {
                    let channel = MediaChannel(id: id, codec: .pcmu, telephoneEventPayloadType: 101, remoteAddress: remote,
                                               sender: RTPSender(ssrc: UInt32(id + 1), initialSequenceNumber: 0, initialTimestamp: 0),
                                               sendsSilenceWhenIdle: false)
                    bound.value.add(channel)
                }
                bound.value.onEvents = { sink.add($0) }
                return (address, bound)
            }
        }.get()
        let port = try #require(portAddress)
        func key(_ digit: DTMFDigit, ssrc: UInt32) -> ByteBuffer {
            let bytes = RTPPacket.serialize(header: RTPHeader(marker: true, payloadType: 101, sequenceNumber: 1, timestamp: 8000, ssrc: ssrc),
                                            payload: TelephoneEvent(event: digit.rawValue, duration: 160).bytes)
            return ByteBuffer(bytes: bytes)
        }
        // The stranger first (must not reach anyone), then each far end.
        try await peers[2].writeAndFlush(AddressedEnvelope(remoteAddress: port, data: key(.d5, ssrc: 99)))
        try await peers[0].writeAndFlush(AddressedEnvelope(remoteAddress: port, data: key(.d1, ssrc: 10)))
        try await peers[1].writeAndFlush(AddressedEnvelope(remoteAddress: port, data: key(.d2, ssrc: 20)))
        try await promise.futureResult.get()
        let unmatched = try await loop.submit { boundDriver.value.unmatchedDatagrams }.get()
        let events = sink.events.withLockedValue { $0 }
        #expect(unmatched == 1)
        let byChannel = events.compactMap { event -> String? in
            if case let .digit(channel, press) = event { return "\(channel):\(press.digit)" }
            return nil
        }
        #expect(Set(byChannel) == ["0:1", "1:2"])

        // The first far end's RTCP comes from another port of its (its RTCP port): routed
        // by the sender SSRC the RTP taught the channel.
        let byePromise = loop.makePromise(of: MediaEvent.self)
        try await loop.submit {
            boundDriver.value.onEvents = { events in
                for event in events { if case .remoteBye = event { byePromise.succeed(event) } }
            }
        }.get()
        let rtcpPort = try await DatagramBootstrap(group: loop).bind(host: "127.0.0.1", port: 0).get()
        let bye = RTCPPacket.serializeCompound([.receiverReport(ssrc: 10, reports: []), .bye(ssrcs: [10], reason: "done")])
        try await rtcpPort.writeAndFlush(AddressedEnvelope(remoteAddress: port, data: ByteBuffer(bytes: bye)))
        let giveUp = loop.scheduleTask(in: .seconds(10)) { byePromise.fail(ChannelError.ioOnClosedChannel) }  // lost: fail, not hang
        #expect(try await byePromise.futureResult.get() == .remoteBye(channel: 0, reason: "done"))
        giveUp.cancel()
        try await rtcpPort.close()
        try await loop.submit { boundDriver.value.stop() }.get()
        for peer in peers { try await peer.close() }
        try await group.shutdownGracefully()
    }
}

/// Waits for `wanted` datagrams on a socket.
@Suite("Relay over UDP")
struct RelayLoopbackTests {
    @Test("a µ-law packet from leg A's far end arrives at leg B's far end as A-law on B's stream")
    func relay() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let promise = loop.makePromise(of: [[UInt8]].self)
        let farA = try await DatagramBootstrap(group: loop).bind(host: "127.0.0.1", port: 0).get()
        let collector = Collector(expected: 1, promise: promise, ignoresRTCP: true)
        let farB = try await DatagramBootstrap(group: loop)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) } }
            .bind(host: "127.0.0.1", port: 0).get()
        let addressA = try #require(farA.localAddress), addressB = try #require(farB.localAddress)
        let (portA, bound) = try await loop.flatSubmit { () -> EventLoopFuture<(SocketAddress?, NIOLoopBound<MediaLoopDriver>)> in
            let driver = MediaLoopDriver(eventLoop: loop)
            let bound = NIOLoopBound(driver, eventLoop: loop)
            let a = MediaChannel(id: 1, codec: .pcmu, remoteAddress: addressA, sender: RTPSender(ssrc: 0xA, initialSequenceNumber: 0, initialTimestamp: 0))
            let b = MediaChannel(id: 2, codec: .pcma, remoteAddress: addressB, sender: RTPSender(ssrc: 0xB, initialSequenceNumber: 500, initialTimestamp: 0))
            let boundA = NIOLoopBound(a, eventLoop: loop), boundB = NIOLoopBound(b, eventLoop: loop)
            return driver.openSocket(for: 1, host: "127.0.0.1").flatMap { portA in
                bound.value.openSocket(for: 2, host: "127.0.0.1").map { _ in
                    bound.value.add(boundA.value)
                    bound.value.add(boundB.value)
                    bound.value.attach(MediaRelay(a: boundA.value, b: boundB.value))
                    return (portA, bound)
                }
            }
        }.get()
        let target = try #require(portA)
        let samples = Signals.pcm(Signals.tones([(600, -10)], milliseconds: 20))
        let payload = AudioEncoder(codec: .pcmu).encode(samples)
        let packet = RTPPacket.serialize(header: RTPHeader(payloadType: 0, sequenceNumber: 9, timestamp: 90, ssrc: 0x55), payload: payload)
        try await farA.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: ByteBuffer(bytes: packet)))
        let deadline = loop.scheduleTask(in: .seconds(15)) { collector.giveUp() }
        let received = try await promise.futureResult.get()
        deadline.cancel()
        try #require(received.count == 1, "the relayed packet did not arrive")
        let parsed = try RTPPacket.parse(received[0])
        #expect(parsed.header.payloadType == 8 && parsed.header.ssrc == 0xB && parsed.header.sequenceNumber == 500)
        let decoded = AudioDecoder(codec: .pcma).decode(Array(received[0][parsed.payloadOffset...]))
        let original = AudioDecoder(codec: .pcmu).decode(payload)
        #expect(decoded.count == 160)
        #expect(zip(decoded, original).allSatisfy { abs(Int($0.0) - Int($0.1)) <= 8 + abs(Int($0.1)) / 16 })
        try await loop.submit { bound.value.stop() }.get()
        try await farA.close()
        try await farB.close()
        try await group.shutdownGracefully()
    }
}

@Suite("RTCP on its own port (RFC 3550 §11)")
struct RTCPPortTests {
    @Test("reports leave from RTP port + 1 to the far end's RTCP port; a BYE there reaches the flow (a port pair per call, or the loop's shared pair)",
          arguments: [false, true])
    func rtcpPort(shared: Bool) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        // The far end: RTP on an even port, RTCP on the next one.
        var farRTP: (any Channel)?
        var farRTCP: (any Channel)?
        let reportPromise = loop.makePromise(of: (SocketAddress, [UInt8]).self)
        final class FirstDatagram: ChannelInboundHandler, Sendable {
            typealias InboundIn = AddressedEnvelope<ByteBuffer>
            let promise: EventLoopPromise<(SocketAddress, [UInt8])>
            init(_ promise: EventLoopPromise<(SocketAddress, [UInt8])>) { self.promise = promise }
            func channelRead(context: ChannelHandlerContext, data: NIOAny) {
                let envelope = unwrapInboundIn(data)
                promise.succeed((envelope.remoteAddress, Array(envelope.data.readableBytesView)))
            }
        }
        let handler = FirstDatagram(reportPromise)
        for port in stride(from: 43_000, to: 43_400, by: 2) {
            guard let rtp = try? await DatagramBootstrap(group: loop).bind(host: "127.0.0.1", port: port).get() else { continue }
            if let rtcp = try? await DatagramBootstrap(group: loop)
                .channelInitializer({ channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) } })
                .bind(host: "127.0.0.1", port: port + 1).get() {
                farRTP = rtp
                farRTCP = rtcp
                break
            }
            try await rtp.close()
        }
        let rtp = try #require(farRTP), rtcp = try #require(farRTCP)
        let farAddress = try #require(rtp.localAddress)
        let byePromise = loop.makePromise(of: MediaEvent.self)
        let (ourRTP, bound) = try await loop.flatSubmit { () -> EventLoopFuture<(SocketAddress?, NIOLoopBound<MediaLoopDriver>)> in
            let driver = MediaLoopDriver(eventLoop: loop)
            driver.portAllocator = RTPPortAllocator(range: 44_000...44_999)
            let bound = NIOLoopBound(driver, eventLoop: loop)
            let channel = MediaChannel(id: 1, codec: .pcmu, remoteAddress: farAddress,
                                       sender: RTPSender(ssrc: 0x5151, initialSequenceNumber: 0, initialTimestamp: 0))
            let boundChannel = NIOLoopBound(channel, eventLoop: loop)
            let opened = shared ? driver.openSharedPortInRange(host: "127.0.0.1").map { port in try? SocketAddress(ipAddress: "127.0.0.1", port: port) }
                : driver.openSocketInRange(for: 1, host: "127.0.0.1")
            return opened.map { address in
                bound.value.add(boundChannel.value)
                bound.value.onEvents = { events in
                    for event in events { if case .remoteBye = event { byePromise.succeed(event) } }
                }
                bound.value.start()
                return (address, bound)
            }
        }.get()
        let ourPort = try #require(ourRTP?.port)
        #expect(ourPort % 2 == 0)
        let (source, report) = try await reportPromise.futureResult.get()
        #expect(source.port == ourPort + 1)
        let packets = try RTCPPacket.parseCompound(report)
        guard case let .senderReport(ssrc, _, _, _, _, _) = packets.first else { Issue.record("not an SR: \(packets)"); return }
        #expect(ssrc == 0x5151)
        // The far end says BYE to our RTCP port.
        let bye = RTCPPacket.serializeCompound([.receiverReport(ssrc: 7, reports: []), .bye(ssrcs: [7], reason: "done")])
        let ourRTCP = try SocketAddress(ipAddress: "127.0.0.1", port: ourPort + 1)
        try await rtcp.writeAndFlush(AddressedEnvelope(remoteAddress: ourRTCP, data: ByteBuffer(bytes: bye)))
        #expect(try await byePromise.futureResult.get() == .remoteBye(channel: 1, reason: "done"))
        try await loop.submit { bound.value.stop() }.get()
        try await rtp.close()
        try await rtcp.close()
        try await group.shutdownGracefully()
    }
}

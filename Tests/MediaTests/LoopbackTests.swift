import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
@testable import Media

/// Collects datagrams on a UDP socket until `expected` have arrived.
final class Collector: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let expected: Int
    let received = NIOLockedValueBox<[[UInt8]]>([])
    let done: EventLoopPromise<[[UInt8]]>

    init(expected: Int, promise: EventLoopPromise<[[UInt8]]>) {
        self.expected = expected
        self.done = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let all = received.withLockedValue { list -> [[UInt8]]? in
            list.append(Array(envelope.data.readableBytesView))
            return list.count == expected ? list : nil
        }
        if let all { done.succeed(all) }
    }
}

@Suite("Loopback: the player sends a prompt over UDP")
struct LoopbackTests {
    @Test("received payloads decode back to the prompt's audio, paced and in order", arguments: [
        (false, MediaLoopDriver.WritePath.batched), (true, .batched), (false, .nio), (true, .nio),
    ])
    func loopback(sharedPort: Bool, writePath: MediaLoopDriver.WritePath) async throws {
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
            let driver = MediaLoopDriver(eventLoop: loop, writePath: writePath)
            let channel = MediaChannel(id: 1, codec: .pcma, remoteAddress: target,
                                       sender: RTPSender(ssrc: 1234, initialSequenceNumber: 100, initialTimestamp: 0),
                                       sendsSilenceWhenIdle: false)
            let opened = sharedPort ? driver.openSharedPort(host: "127.0.0.1") : driver.openSocket(for: 1, host: "127.0.0.1")
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

        let datagrams = try await promise.futureResult.get()
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

#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import Testing
@testable import Media

/// The tick loop's shortcuts (idle inbound skipped, cached play cursor and destination)
/// must not change what a channel does.
@Suite("Media tick fast path")
struct MediaFastPathTests {
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    static let far = try! SocketAddress(ipAddress: "127.0.0.1", port: 4000)

    func channel() -> MediaChannel {
        MediaChannel(id: 1, codec: .pcmu, remoteAddress: Self.far,
                     sender: RTPSender(ssrc: 5, initialSequenceNumber: 0, initialTimestamp: 0))
    }

    func audio(_ sequence: Int, level: Int16 = 1000) -> [UInt8] {
        RTPPacket.serialize(header: RTPHeader(payloadType: 0, sequenceNumber: UInt16(sequence), timestamp: UInt32(sequence * 160), ssrc: 9),
                            payload: [UInt8](repeating: G711.ulaw(fromLinear: level), count: 160))
    }

    @Test("packets that arrive after idle ticks (inbound work skipped) are still decoded and heard")
    func idleThenReceived() {
        let ch = channel()
        var heard: [Int16] = []
        ch.onAudio = { heard += $0 }
        for _ in 0..<5 { _ = ch.tick { _, _ in } }
        #expect(!ch.inboundPending)
        for n in 0..<3 {
            _ = audio(n).withUnsafeBytes { ch.receive($0, from: Self.far, at: Self.start) }
        }
        #expect(ch.inboundPending)
        for _ in 0..<3 { _ = ch.tick { _, _ in } }
        #expect(heard.count == 3 * 160)
        #expect(heard.allSatisfy { $0 > 900 })
        // Drained: the next tick finds the stream paused and goes idle again.
        _ = ch.tick { _, _ in }
        _ = ch.tick { _, _ in }
        #expect(!ch.inboundPending)
    }

    @Test("the destination's socket address follows the remote address when the receiver latches")
    func destinationFollowsLatch() throws {
        let ch = channel()
        #expect(ch.destination?.length == socklen_t(MemoryLayout<sockaddr_in>.size))
        let moved = try SocketAddress(ipAddress: "127.0.0.2", port: 5006)
        _ = audio(0).withUnsafeBytes { ch.receive($0, from: moved, at: Self.start) }
        #expect(ch.remoteAddress == moved)
        let port = ch.destination.map { destination in
            withUnsafeBytes(of: destination.address) { UInt16(bigEndian: $0.load(fromByteOffset: 2, as: UInt16.self)) }
        }
        #expect(port == 5006)
        ch.remoteAddress = nil
        #expect(ch.destination == nil)
    }

    @Test("a looping prompt inside a play list plays its frames in order, then the next item")
    func loopingCursor() {
        let prompt = Tones.tone(name: "three", frequencies: [800], milliseconds: 60)  // 3 frames
        let reference: [[UInt8]] = (0..<3).map { i in prompt.withFrame(i, codec: .pcmu) { Array($0) } }
        let ch = channel()
        ch.sendsSilenceWhenIdle = false
        ch.play([.looping(prompt, milliseconds: 140), .prompt(prompt)])  // 7 frames, then 3
        var payloads: [[UInt8]] = []
        var events: [MediaEvent] = []
        for _ in 0..<12 { events += ch.tick { _, payload in payloads.append(Array(payload)) } }
        #expect(payloads == [0, 1, 2, 0, 1, 2, 0, 0, 1, 2].map { reference[$0] })
        #expect(events == [.playbackFinished(channel: 1)])
        #expect(!ch.isPlaying)
    }

    @Test("a channel removed from the clock while it ticks stays alive to the end of the tick")
    func removeDuringTick() {
        let clock = MediaClock(start: Self.start)
        for id in 0..<3 {
            let ch = MediaChannel(id: id, codec: .pcmu, remoteAddress: Self.far,
                                  sender: RTPSender(ssrc: UInt32(id), initialSequenceNumber: 0, initialTimestamp: 0))
            clock.add(ch)
        }
        var sent: [Int] = []
        clock.advance(to: Self.start) { channel, _, _ in
            sent.append(channel.id)
            clock.remove(id: channel.id)
        }
        #expect(sent.sorted() == [0, 1, 2])
        #expect(clock.channelCount == 0)
    }
}

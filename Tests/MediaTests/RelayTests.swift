import Foundation
import NIOCore
import Testing
@testable import Media

@Suite("Relay between two legs")
struct RelayTests {
    let farA = try! SocketAddress(ipAddress: "192.0.2.1", port: 7000)
    let farB = try! SocketAddress(ipAddress: "192.0.2.2", port: 8000)

    func leg(_ id: Int, _ codec: AudioCodec, pt: UInt8? = nil, events: UInt8? = 101, ssrc: UInt32) -> MediaChannel {
        MediaChannel(id: id, codec: codec, payloadType: pt, telephoneEventPayloadType: events,
                     sender: RTPSender(ssrc: ssrc, initialSequenceNumber: 1000, initialTimestamp: 50_000))
    }

    @Test("same codec: payload copied, SSRC/sequence/timestamp of the outgoing leg, PT mapped")
    func passThrough() throws {
        let a = leg(1, .pcmu, ssrc: 0xA), b = leg(2, .pcmu, events: 96, ssrc: 0xB)
        let relay = MediaRelay(a: a, b: b)
        var out: [RTPPacket] = []
        var payloads: [[UInt8]] = []
        for i in 0..<3 {
            let payload = [UInt8](repeating: UInt8(i), count: 160)
            let bytes = RTPPacket.serialize(header: RTPHeader(payloadType: 0, sequenceNumber: UInt16(7 + i), timestamp: UInt32(9000 + 160 * i), ssrc: 0x77), payload: payload)
            let result = try #require(bytes.withUnsafeBytes { relay.forward($0, receivedOn: a, from: farA, at: .now()) })
            #expect(result.to === b)
            let packet = try RTPPacket.parse(result.datagram)
            out.append(packet)
            payloads.append(Array(result.datagram[packet.payloadOffset...]))
        }
        #expect(out.map(\.header.ssrc) == [0xB, 0xB, 0xB])
        #expect(out.map(\.header.sequenceNumber) == [1000, 1001, 1002])
        #expect(out.map(\.header.timestamp) == [50_000, 50_160, 50_320])
        #expect(payloads == (0..<3).map { [UInt8](repeating: UInt8($0), count: 160) })
        // A telephone-event from A goes out with B's event payload type (96), same SSRC stream.
        let event = RTPPacket.serialize(header: RTPHeader(marker: true, payloadType: 101, sequenceNumber: 10, timestamp: 9480, ssrc: 0x77),
                                        payload: TelephoneEvent(event: 5, duration: 160).bytes)
        let forwarded = try #require(event.withUnsafeBytes { relay.forward($0, receivedOn: a, from: farA, at: .now()) })
        let packet = try RTPPacket.parse(forwarded.datagram)
        #expect(packet.header.payloadType == 96 && packet.header.marker && packet.header.timestamp == 50_480 && packet.header.sequenceNumber == 1003)
        #expect(relay.forwarded.aToB == 4)
    }

    @Test("transcoding µ-law → G.722 → A-law keeps the tone")
    func transcoding() throws {
        let a = leg(1, .pcmu, ssrc: 1), b = leg(2, .g722, ssrc: 2), c = leg(3, .pcma, ssrc: 3)
        let ab = MediaRelay(a: a, b: b)
        let tone = Signals.pcm(Signals.tones([(1000, -10)], milliseconds: 1200))
        let encoder = AudioEncoder(codec: .pcmu)
        var wideband: [[UInt8]] = []
        for (i, start) in stride(from: 0, to: tone.count, by: 160).enumerated() {
            let bytes = RTPPacket.serialize(header: RTPHeader(payloadType: 0, sequenceNumber: UInt16(i), timestamp: UInt32(i * 160), ssrc: 9),
                                            payload: encoder.encode(Array(tone[start..<(start + 160)])))
            if let result = bytes.withUnsafeBytes({ ab.forward($0, receivedOn: a, from: farA, at: .now()) }) {
                #expect(try RTPPacket.parse(result.datagram).header.payloadType == 9)
                wideband.append(result.datagram)
            }
        }
        #expect(wideband.count == 60)
        // Now relay the G.722 stream from a B-side leg into an A-law leg.
        let b2 = leg(4, .g722, ssrc: 4)
        let bc = MediaRelay(a: b2, b: c)
        let decoder = AudioDecoder(codec: .pcma)
        var narrow: [Int16] = []
        for datagram in wideband {
            if let result = datagram.withUnsafeBytes({ bc.forward($0, receivedOn: b2, from: farB, at: .now()) }) {
                let packet = try RTPPacket.parse(result.datagram)
                #expect(packet.header.payloadType == 8)
                result.datagram.withUnsafeBytes { decoder.decode(UnsafeRawBufferPointer(rebasing: $0[packet.payloadOffset...]), appendingTo: &narrow) }
            }
        }
        // Every sample comes through (the half-band filters delay by ~1.5 ms, hold nothing back).
        #expect(narrow.count == 9600)
        let (rms, share) = toneShare(Array(narrow[2000..<7000]), frequency: 1000, rate: 8000)
        #expect(share > 0.95)
        let expectedRMS = Signals.amplitude(dBm0: -10) / 2.0.squareRoot()
        #expect(abs(20 * log10(rms / expectedRMS)) < 1.5)
    }

    @Test("a key sent as RFC 4733 events to a leg without telephone-event arrives as tones it can detect")
    func eventsAsTones() throws {
        let a = leg(1, .pcmu, ssrc: 1), b = leg(2, .pcma, events: nil, ssrc: 2)
        let relay = MediaRelay(a: a, b: b)
        // Key 7: events every 20 ms up to 120 ms, three end packets, one duplicate, then audio silence.
        var durations: [(UInt16, Bool)] = (1...6).map { (UInt16($0 * 160), false) }
        durations.insert((320, false), at: 2)
        durations += [(960, true), (960, true), (960, true)]
        var audio: [Int16] = []
        let decoder = AudioDecoder(codec: .pcma)
        var sequence: UInt16 = 0
        for (duration, end) in durations {
            let bytes = RTPPacket.serialize(header: RTPHeader(marker: duration == 160, payloadType: 101, sequenceNumber: sequence, timestamp: 4000, ssrc: 9),
                                            payload: TelephoneEvent(event: 7, isEnd: end, duration: duration).bytes)
            sequence &+= 1
            if let out = bytes.withUnsafeBytes({ relay.forward($0, receivedOn: a, from: farA, at: .now()) }) {
                let packet = try RTPPacket.parse(out.datagram)
                #expect(packet.header.payloadType == 8)
                out.datagram.withUnsafeBytes { decoder.decode(UnsafeRawBufferPointer(rebasing: $0[packet.payloadOffset...]), appendingTo: &audio) }
            }
        }
        #expect(relay.eventsAsTones == 6)
        #expect(audio.count == 960)
        audio += [Int16](repeating: 0, count: 800)
        var detector = DTMFToneDetector()
        #expect(detector.process(audio) == [.d7])
    }

    @Test("detached: both players resume at once, streams continue with a marker; bad packets are dropped")
    func detach() throws {
        let a = leg(1, .pcmu, ssrc: 1), b = leg(2, .pcma, events: nil, ssrc: 2)
        a.remoteAddress = farA
        let clock = MediaClock(start: .uptimeNanoseconds(0))
        clock.add(a)
        clock.add(b)
        let relay = MediaRelay(a: a, b: b)
        var sentByA: [RTPHeader] = []
        _ = clock.advance(to: .uptimeNanoseconds(40_000_000)) { ch, header, _ in if ch === a { sentByA.append(header) } }
        #expect(sentByA.isEmpty)
        // Junk is dropped; a flash event (not a key) to a leg without telephone-event too.
        #expect([UInt8](repeating: 1, count: 5).withUnsafeBytes { relay.forward($0, receivedOn: a, from: farA, at: .now()) } == nil)
        let flash = RTPPacket.serialize(header: RTPHeader(payloadType: 101, sequenceNumber: 1, timestamp: 1, ssrc: 5), payload: TelephoneEvent(event: 16, duration: 160).bytes)
        #expect(flash.withUnsafeBytes { relay.forward($0, receivedOn: a, from: farA, at: .now()) } == nil)
        #expect(relay.eventsNotPassed == 1)
        relay.detach()
        a.play([.prompt(Tones.beep)])
        _ = clock.advance(to: .uptimeNanoseconds(80_000_000)) { ch, header, _ in if ch === a { sentByA.append(header) } }
        #expect(sentByA.count == 2)
        #expect(sentByA.first?.marker == true)
        #expect(sentByA.first?.timestamp == UInt32(50_000 + 3 * 160))
        #expect(sentByA.first?.sequenceNumber == 1000)
    }
}

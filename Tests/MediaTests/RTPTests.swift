import NIOCore
import Testing
import TestSupport
@testable import Media

@Suite("RTP and RTCP packets (RFC 3550 §5, §6)")
struct RTPPacketTests {
    @Test("header round trip with marker and CSRCs")
    func roundTrip() throws {
        let header = RTPHeader(marker: true, payloadType: 8, sequenceNumber: 65535, timestamp: 0xDEAD_BEEF, ssrc: 0x1234_5678, csrcs: [1, 2])
        let bytes = RTPPacket.serialize(header: header, payload: [1, 2, 3])
        #expect(bytes.count == 12 + 8 + 3)
        #expect(bytes[0] == 0x82 && bytes[1] == 0x88)
        let packet = try RTPPacket.parse(bytes)
        #expect(packet.header == header)
        #expect(packet.payloadOffset == 20 && packet.payloadCount == 3)
        var buffer = ByteBufferAllocator().buffer(capacity: 32)
        header.write(into: &buffer)
        #expect(Array(buffer.readableBytesView) == Array(bytes.prefix(20)))
    }

    @Test("extension and padding are skipped (§5.1, §5.3.1)")
    func extensionAndPadding() throws {
        var bytes: [UInt8] = [0xB0, 0x00, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]  // P and X set
        bytes += [0xBE, 0xDE, 0, 1, 9, 9, 9, 9]  // one-word extension
        bytes += [7, 7, 0, 0, 3]  // payload 7 7, then 3 octets of padding
        let packet = try RTPPacket.parse(bytes)
        #expect(packet.payloadOffset == 20)
        #expect(packet.payloadCount == 2)
    }

    @Test("bad datagrams throw the right error, never trap")
    func badInput() {
        #expect(throws: RTPParseError.truncated) { try RTPPacket.parse([0x80, 0, 0]) }
        #expect(throws: RTPParseError.badVersion) { try RTPPacket.parse([UInt8](repeating: 0x40, count: 12)) }
        #expect(throws: RTPParseError.truncated) { try RTPPacket.parse([0x8F] + [UInt8](repeating: 0, count: 20)) }
        #expect(throws: RTPParseError.badPadding) { try RTPPacket.parse([0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 200]) }
        #expect(throws: RTPParseError.badPadding) { try RTPPacket.parse([0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) }
        #expect(throws: RTPParseError.truncated) { try RTPPacket.parse([0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9]) }
    }

    @Test("random and mutated datagrams never trap")
    func fuzz() {
        var generator = SplitMix64(seed: 5)
        let valid = RTPPacket.serialize(header: RTPHeader(payloadType: 0, sequenceNumber: 1, timestamp: 2, ssrc: 3), payload: [UInt8](repeating: 0xFF, count: 160))
        for _ in 0..<20_000 {
            var bytes = valid
            let length = Int.random(in: 0...bytes.count, using: &generator)
            bytes = Array(bytes.prefix(length))
            for _ in 0..<Int.random(in: 0...4, using: &generator) where !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = .random(in: 0...255, using: &generator)
            }
            if let packet = try? RTPPacket.parse(bytes) {
                #expect(packet.payloadOffset + packet.payloadCount <= bytes.count)
            }
            _ = try? RTCPPacket.parseCompound(bytes)
        }
    }

    @Test("RTCP SR + SDES, RR and BYE compound round trips (§6.4.1, §6.4.2, §6.5, §6.6)")
    func rtcp() throws {
        let block = RTCPReportBlock(ssrc: 9, fractionLost: 64, cumulativeLost: -3, extendedHighestSequence: 70_000, jitter: 12, lastSenderReport: 0x1111_2222, delaySinceLastSenderReport: 65536)
        let packets: [RTCPPacket] = [
            .senderReport(ssrc: 1, ntpTimestamp: 0x0102_0304_0506_0708, rtpTimestamp: 160, packetCount: 10, octetCount: 1600, reports: [block]),
            .sourceDescription(cnames: [1: "switchboard@example"]),
            .bye(ssrcs: [1], reason: "call ended"),
        ]
        let bytes = RTCPPacket.serializeCompound(packets)
        #expect(bytes.count % 4 == 0)
        #expect(try RTCPPacket.parseCompound(bytes) == packets)
        let rr: [RTCPPacket] = [.receiverReport(ssrc: 5, reports: [block, RTCPReportBlock(ssrc: 10)]), .bye(ssrcs: [5, 6], reason: nil)]
        #expect(try RTCPPacket.parseCompound(RTCPPacket.serializeCompound(rr)) == rr)
        // A compound must start with SR or RR (§6.1, A.2).
        #expect(throws: RTPParseError.self) { try RTCPPacket.parseCompound(RTCPPacket.serializeCompound([.bye(ssrcs: [1], reason: nil)])) }
        // A length that overruns the datagram.
        var broken = RTCPPacket.serializeCompound(rr)
        broken[3] = 200
        #expect(throws: RTPParseError.badLength) { try RTCPPacket.parseCompound(broken) }
    }

    @Test("NTP timestamp of the Unix epoch and its middle 32 bits")
    func ntp() {
        #expect(NTPTime.timestamp(unixNanoseconds: 0) == UInt64(2_208_988_800) << 32)
        #expect(NTPTime.timestamp(unixNanoseconds: 500_000_000) & 0xFFFF_FFFF == 0x8000_0000)
        #expect(NTPTime.middle(0x0102_0304_0506_0708) == 0x0304_0506)
    }
}

@Suite("RTP sender (RFC 3550 §5.1, RFC 3551 §4.1)")
struct RTPSenderTests {
    @Test("sequence +1 per packet, timestamp follows the clock through silence, marker on talkspurts, wraps")
    func continuity() {
        var sender = RTPSender(ssrc: 7, initialSequenceNumber: 65534, initialTimestamp: UInt32.max - 159)
        let first = sender.audioHeader(payloadType: 0, payloadCount: 160)
        sender.advance(by: 160)
        let second = sender.audioHeader(payloadType: 0, payloadCount: 160)
        sender.advance(by: 160)
        #expect(first.marker && !second.marker)
        #expect(first.sequenceNumber == 65534 && second.sequenceNumber == 65535)
        #expect(first.timestamp == UInt32.max - 159 && second.timestamp == 0)
        // Two ticks with nothing sent, then audio: a new talkspurt, timestamp kept in step.
        sender.skipTick(); sender.advance(by: 160)
        sender.skipTick(); sender.advance(by: 160)
        let third = sender.audioHeader(payloadType: 0, payloadCount: 160)
        #expect(third.marker && third.sequenceNumber == 0 && third.timestamp == 480)
        #expect(sender.packetCount == 3 && sender.octetCount == 480)
        if case let .senderReport(ssrc, _, rtp, packets, octets, _) = sender.senderReport(ntpTimestamp: 1) {
            #expect(ssrc == 7 && rtp == 480 && packets == 3 && octets == 480)
        } else {
            Issue.record("not an SR")
        }
    }
}

@Suite("RTP receiver: latching, validation, statistics, inactivity")
struct RTPReceiverTests {
    let far = try! SocketAddress(ipAddress: "192.0.2.10", port: 4000)
    let natted = try! SocketAddress(ipAddress: "198.51.100.7", port: 31000)
    let stranger = try! SocketAddress(ipAddress: "203.0.113.66", port: 5000)

    func packet(seq: UInt16, ts: UInt32, pt: UInt8 = 0, ssrc: UInt32 = 42, payload: Int = 160) -> [UInt8] {
        RTPPacket.serialize(header: RTPHeader(payloadType: pt, sequenceNumber: seq, timestamp: ts, ssrc: ssrc), payload: [UInt8](repeating: 0xFF, count: payload))
    }

    func receive(_ r: inout RTPReceiver, _ bytes: [UInt8], from: SocketAddress, ms: Int64) -> RTPReceiver.Outcome {
        bytes.withUnsafeBytes { r.receive($0, from: from, at: .uptimeNanoseconds(UInt64(ms) * 1_000_000)) }
    }

    @Test("latches to the first source (NAT), then drops others until the latched one goes quiet (RFC 4961)")
    func latching() {
        var r = RTPReceiver(audioPayloadTypes: [0: .pcmu], telephoneEventPayloadType: 101, expectedAddress: far)
        guard case .audio = receive(&r, packet(seq: 1, ts: 0), from: natted, ms: 0) else { Issue.record("not accepted"); return }
        #expect(r.latchedAddress == natted)
        #expect(receive(&r, packet(seq: 2, ts: 160, ssrc: 99), from: stranger, ms: 20) == .dropped)
        #expect(r.drops.unexpectedSource == 1)
        #expect(r.latchedAddress == natted)
        // The latched source falls silent for longer than relatchAfter: a rebinding is accepted.
        guard case .audio = receive(&r, packet(seq: 3, ts: 320), from: stranger, ms: 2100) else { Issue.record("no relatch"); return }
        #expect(r.latchedAddress == stranger)
    }

    @Test("same-host policy drops other hosts before latching; strict wants the exact port")
    func policies() {
        var sameHost = RTPReceiver(audioPayloadTypes: [0: .pcmu], expectedAddress: far, latchPolicy: .sameHost)
        #expect(receive(&sameHost, packet(seq: 1, ts: 0), from: stranger, ms: 0) == .dropped)
        #expect(sameHost.drops.unexpectedSource == 1 && sameHost.latchedAddress == nil)
        let otherPort = try! SocketAddress(ipAddress: "192.0.2.10", port: 4002)
        guard case .audio = receive(&sameHost, packet(seq: 2, ts: 160), from: otherPort, ms: 20) else { Issue.record("same host refused"); return }
        var strict = RTPReceiver(audioPayloadTypes: [0: .pcmu], expectedAddress: far, latchPolicy: .strict)
        #expect(receive(&strict, packet(seq: 1, ts: 0), from: otherPort, ms: 0) == .dropped)
        guard case .audio = receive(&strict, packet(seq: 1, ts: 0), from: far, ms: 0) else { Issue.record("strict refused"); return }
    }

    @Test("wrong PT, truncated, oversized and malformed are dropped and counted; telephone-event recognised")
    func badInput() {
        var r = RTPReceiver(audioPayloadTypes: [8: .pcma], telephoneEventPayloadType: 101, maximumPacketSize: 400)
        #expect(receive(&r, packet(seq: 1, ts: 0, pt: 0), from: far, ms: 0) == .dropped)
        #expect(receive(&r, [0x80, 8, 0], from: far, ms: 0) == .dropped)
        #expect(receive(&r, packet(seq: 1, ts: 0, pt: 8, payload: 1000), from: far, ms: 0) == .dropped)
        #expect(receive(&r, [UInt8](repeating: 0, count: 20), from: far, ms: 0) == .dropped)
        #expect(r.drops == RTPDropCounters(truncated: 1, oversized: 1, malformed: 1, unknownPayloadType: 1))
        #expect(r.latchedAddress == nil)  // nothing invalid latches
        guard case .telephoneEvent = receive(&r, packet(seq: 1, ts: 0, pt: 101, payload: 4), from: far, ms: 0) else { Issue.record("event"); return }
        #expect(r.accepted == 1)
    }

    @Test("RTCP in: SR gives LSR/DLSR for our report, BYE ends the call, RTCP from another host is dropped")
    func rtcpIn() throws {
        let ch = MediaChannel(id: 9, codec: .pcmu, sender: RTPSender(ssrc: 0x99, initialSequenceNumber: 0, initialTimestamp: 0))
        let t0 = NIODeadline.uptimeNanoseconds(5_000_000_000)
        _ = packet(seq: 1, ts: 0).withUnsafeBytes { ch.receive($0, from: far, at: t0) }
        let sr = RTCPPacket.serializeCompound([.senderReport(ssrc: 42, ntpTimestamp: 0x0000_1234_5678_0000, rtpTimestamp: 0, packetCount: 1, octetCount: 160, reports: [])])
        #expect(sr.withUnsafeBytes { ch.receiveRTCP($0, from: far, at: t0) }.isEmpty)
        // Our report half a second later: LSR = middle bits of their NTP time, DLSR = 0.5 s in 1/65536 s.
        let compound = try RTCPPacket.parseCompound(ch.rtcpCompound(unixNanoseconds: 0, at: t0 + .milliseconds(500)))
        guard case let .receiverReport(ssrc, blocks) = compound.first else { Issue.record("no RR"); return }
        #expect(ssrc == 0x99)
        #expect(blocks.first?.lastSenderReport == 0x1234_5678)
        #expect(blocks.first?.delaySinceLastSenderReport == 32768)
        let bye = RTCPPacket.serializeCompound([.receiverReport(ssrc: 42, reports: []), .bye(ssrcs: [42], reason: "hangup")])
        #expect(bye.withUnsafeBytes { ch.receiveRTCP($0, from: stranger, at: t0) }.isEmpty)
        #expect(ch.receiver.drops.unexpectedSource == 1)
        #expect(bye.withUnsafeBytes { ch.receiveRTCP($0, from: far, at: t0) } == [.remoteBye(channel: 9, reason: "hangup")])
        #expect([UInt8](repeating: 0x81, count: 9).withUnsafeBytes { ch.receiveRTCP($0, from: far, at: t0) }.isEmpty)
        #expect(ch.receiver.drops.malformed == 1)
    }

    @Test("a flood beyond the per-second limit is dropped and counted, then accepted again the next second")
    func flood() {
        var r = RTPReceiver(audioPayloadTypes: [0: .pcmu])
        r.maximumPacketsPerSecond = 100
        var accepted = 0
        for i in 0..<1000 {
            if case .audio = receive(&r, packet(seq: UInt16(i), ts: UInt32(i * 160)), from: far, ms: Int64(i / 10)) { accepted += 1 }
        }
        #expect(accepted == 100)
        #expect(r.drops.rateLimited == 900)
        guard case .audio = receive(&r, packet(seq: 1000, ts: 160_000), from: far, ms: 1200) else { Issue.record("still limited"); return }
    }

    @Test("loss and jitter statistics feed a report block (A.3, A.8)")
    func statistics() {
        var r = RTPReceiver(audioPayloadTypes: [0: .pcmu])
        // 10 packets, sequence 5 lost; arrivals exactly on time → zero jitter.
        for seq in 0..<10 where seq != 5 {
            _ = receive(&r, packet(seq: UInt16(truncatingIfNeeded: 65530 + seq), ts: UInt32(seq * 160)), from: far, ms: Int64(seq * 20))
        }
        guard let block = r.reportBlock() else { Issue.record("no block"); return }
        #expect(block.ssrc == 42)
        #expect(block.cumulativeLost == 1)
        #expect(block.extendedHighestSequence == UInt32(65536 + 3))  // wrapped once
        #expect(block.jitter == 0)
        #expect(block.fractionLost > 0)
    }

    @Test("inactivity is reported after the timeout, not while on hold; RTCP keeps it alive")
    func inactivity() {
        var r = RTPReceiver(audioPayloadTypes: [0: .pcmu], inactivityTimeout: .seconds(10))
        let at = { (s: Int64) in NIODeadline.uptimeNanoseconds(UInt64(s) * 1_000_000_000) }
        r.armInactivityTimer(at: at(100))
        #expect(!r.isInactive(at: at(109)))
        _ = receive(&r, packet(seq: 1, ts: 0), from: far, ms: 101_000)
        #expect(!r.isInactive(at: at(110)))
        #expect(r.isInactive(at: at(112)))
        r.noteRTCP(at: at(112))
        #expect(!r.isInactive(at: at(121)))
        r.setOnHold(true, at: at(121))
        #expect(!r.isInactive(at: at(500)))
        r.setOnHold(false, at: at(500))
        #expect(!r.isInactive(at: at(501)))
        #expect(r.isInactive(at: at(512)))
    }
}

@Suite("Jitter buffer")
struct JitterBufferTests {
    @Test("reorders, drops duplicates and late packets, reports losses, across sequence wrap")
    func ordering() {
        var buffer = JitterBuffer<Int>(depth: 3)
        for seq: UInt16 in [65534, 0, 65535] { buffer.insert(Int(seq), sequenceNumber: seq) }
        buffer.insert(0, sequenceNumber: 0)  // duplicate
        var out: [Int?] = []
        func take() {
            switch buffer.pop() {
            case .frame(let f): out.append(f)
            case .missing: out.append(nil)
            case .waiting: out.append(-1)
            }
        }
        take(); take()
        buffer.insert(2, sequenceNumber: 2)  // 1 is lost
        buffer.insert(3, sequenceNumber: 3)
        take(); take(); take()
        buffer.insert(65533, sequenceNumber: 65533)  // far too late
        #expect(out == [65534, 65535, 0, nil, 2])
        #expect(buffer.duplicates == 1 && buffer.late == 1 && buffer.missing == 1)
    }

    @Test("a sequence jump (stream restart) starts over instead of waiting through the gap")
    func restart() {
        var buffer = JitterBuffer<Int>(depth: 2)
        for seq: UInt16 in 100..<104 { buffer.insert(Int(seq), sequenceNumber: seq) }
        guard case .frame(100) = buffer.pop() else { Issue.record(); return }
        for seq: UInt16 in 30000..<30003 { buffer.insert(Int(seq), sequenceNumber: seq) }
        #expect(buffer.resets == 1)
        guard case .frame(30000) = buffer.pop() else { Issue.record("no restart"); return }
        guard case .frame(30001) = buffer.pop() else { Issue.record(); return }
    }

    @Test("waits until depth frames are held")
    func filling() {
        var buffer = JitterBuffer<Int>(depth: 2)
        guard case .waiting = buffer.pop() else { Issue.record(); return }
        buffer.insert(1, sequenceNumber: 10)
        guard case .waiting = buffer.pop() else { Issue.record(); return }
        buffer.insert(2, sequenceNumber: 11)
        guard case .frame(1) = buffer.pop() else { Issue.record(); return }
    }
}

@Suite("Hostile input on the media path")
struct HostileInputTests {
    @Test("random and mutated datagrams into a channel and a relay: no trap, counters move, keys stay sane")
    func noTrap() {
        var generator = SplitMix64(seed: 4733)
        let far = try! SocketAddress(ipAddress: "198.51.100.1", port: 5004)
        let a = MediaChannel(id: 1, codec: .g722, telephoneEventPayloadType: 101, sender: RTPSender(ssrc: 1, initialSequenceNumber: 0, initialTimestamp: 0))
        let b = MediaChannel(id: 2, codec: .pcmu, telephoneEventPayloadType: nil, sender: RTPSender(ssrc: 2, initialSequenceNumber: 0, initialTimestamp: 0))
        let c = MediaChannel(id: 3, codec: .pcma, sender: RTPSender(ssrc: 3, initialSequenceNumber: 0, initialTimestamp: 0))
        var heard = 0
        c.onAudio = { heard += $0.count }
        let relay = MediaRelay(a: a, b: b)
        let valid = RTPPacket.serialize(header: RTPHeader(payloadType: 9, sequenceNumber: 1, timestamp: 2, ssrc: 3), payload: [UInt8](repeating: 0x55, count: 160))
        let event = RTPPacket.serialize(header: RTPHeader(payloadType: 101, sequenceNumber: 1, timestamp: 2, ssrc: 3), payload: [5, 0x0A, 0, 160])
        for round in 0..<8_000 {
            var bytes = round % 2 == 0 ? valid : event
            bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
            for _ in 0..<Int.random(in: 0...3, using: &generator) where !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = .random(in: 0...255, using: &generator)
            }
            if round % 97 == 0 { bytes += [UInt8](repeating: 0xEE, count: Int.random(in: 0...3000, using: &generator)) }
            let now = NIODeadline.uptimeNanoseconds(UInt64(round) * 1_000_000)
            _ = bytes.withUnsafeBytes { relay.forward($0, receivedOn: round % 3 == 0 ? b : a, from: far, at: now) }
            _ = bytes.withUnsafeBytes { c.receive($0, from: far, at: now) }
            if round % 20 == 0 { _ = c.tick { _, _ in } }
            _ = bytes.withUnsafeBytes { try? RTCPPacket.parseCompound($0) }
        }
        #expect(a.receiver.drops.total > 0 && c.receiver.drops.total > 0)
        #expect(relay.forwarded.aToB > 0)
        #expect(c.digits.queued.count < 100)
    }
}

@Suite("RTP port range")
struct RTPPortAllocatorTests {
    @Test("even ports from the range, least recently released first, exhaustion is nil")
    func allocation() {
        var ports = RTPPortAllocator(range: 10001...10009)
        var taken: [Int] = []
        while let port = ports.allocate() { taken.append(port) }
        #expect(taken == [10002, 10004, 10006, 10008])
        #expect(ports.available == 0 && ports.allocated == 4)
        ports.release(10006)
        ports.release(10002)
        ports.release(10002)  // twice: ignored
        ports.release(12000)  // not ours: ignored
        #expect(ports.allocate() == 10006)
        #expect(ports.allocate() == 10002)
        #expect(ports.allocate() == nil)
        #expect(RTPPortAllocator().available == 5001)
    }
}

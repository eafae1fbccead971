import NIOCore
import SDP
import Testing
@testable import Media

/// A recorded packet: header, payload, tick.
struct SentPacket {
    var header: RTPHeader
    var payload: [UInt8]
    var tick: Int64
}

@Suite("Media clock and player (virtual time)")
struct MediaClockTests {
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    static func at(ms: Int64) -> NIODeadline { start + .milliseconds(ms) }
    static let prompt = Tones.tone(name: "t", frequencies: [800], milliseconds: 60)  // 3 frames

    func run(_ clock: MediaClock, untilMs: Int64, into sent: inout [SentPacket], events: inout [MediaEvent]) {
        var collected: [SentPacket] = []
        var ms: Int64 = 0
        while ms <= untilMs {
            let ticks = clock.ticks
            let result = clock.advance(to: Self.at(ms: ms)) { _, header, payload in
                collected.append(SentPacket(header: header, payload: Array(payload), tick: ticks))
            }
            events += result.events
            ms += 20
        }
        sent += collected
    }

    func channel(id: Int = 1, codec: AudioCodec = .pcmu, silence: Bool = true, events: UInt8? = 101) -> MediaChannel {
        MediaChannel(id: id, codec: codec, telephoneEventPayloadType: events,
                     remoteAddress: try? SocketAddress(ipAddress: "127.0.0.1", port: 4000),
                     sender: RTPSender(ssrc: 0xABCD, initialSequenceNumber: 65533, initialTimestamp: 1000),
                     sendsSilenceWhenIdle: silence)
    }

    @Test("one packet per tick: sequence +1, timestamp +160, one SSRC across prompts and silence")
    func continuity() {
        let clock = MediaClock(start: Self.start)
        let ch = channel()
        clock.add(ch)
        ch.play([.prompt(Self.prompt), .silence(milliseconds: 40), .prompt(Self.prompt)])
        var sent: [SentPacket] = [], events: [MediaEvent] = []
        run(clock, untilMs: 200, into: &sent, events: &events)
        #expect(sent.count == 11)
        for (i, packet) in sent.enumerated() {
            #expect(packet.header.sequenceNumber == UInt16(truncatingIfNeeded: 65533 + i))
            #expect(packet.header.timestamp == 1000 + UInt32(160 * i))
            #expect(packet.header.ssrc == 0xABCD && packet.header.payloadType == 0)
            #expect(packet.payload.count == 160)
        }
        #expect(sent.map(\.header.marker) == [true] + Array(repeating: false, count: 10))
        // Frames 0–2 the prompt, 3–4 silence, 5–7 the prompt again, then idle silence.
        let promptFrames = (0..<3).map { i in Self.prompt.withFrame(i, codec: .pcmu) { Array($0) } }
        #expect(Array(sent[0..<3].map(\.payload)) == promptFrames)
        #expect(sent[3].payload.allSatisfy { $0 == 0xFF } && sent[4].payload.allSatisfy { $0 == 0xFF })
        #expect(Array(sent[5..<8].map(\.payload)) == promptFrames)
        #expect(events == [.playbackFinished(channel: 1)])
        #expect(!ch.isPlaying)
    }

    @Test("without idle silence: nothing sent between play lists, marker on the next talkspurt, timestamp kept in step")
    func talkspurts() {
        let clock = MediaClock(start: Self.start)
        let ch = channel(silence: false)
        clock.add(ch)
        var sent: [SentPacket] = [], events: [MediaEvent] = []
        run(clock, untilMs: 40, into: &sent, events: &events)  // 3 idle ticks
        #expect(sent.isEmpty)
        ch.play([.prompt(Self.prompt)])
        run(clock, untilMs: 100, into: &sent, events: &events)
        #expect(sent.count == 3)
        #expect(sent.map(\.header.marker) == [true, false, false])
        #expect(sent[0].header.timestamp == 1000 + 3 * 160)
        #expect(sent[0].header.sequenceNumber == 65533)
    }

    @Test("catching up: due ticks run back to back; ticks over 50 ms late are skipped with timestamps still advancing")
    func catchUp() {
        let clock = MediaClock(start: Self.start)
        let ch = channel()
        clock.add(ch)
        var sent: [SentPacket] = []
        let result = clock.advance(to: Self.at(ms: 100)) { _, header, payload in sent.append(SentPacket(header: header, payload: Array(payload), tick: 0)) }
        #expect(sent.count == 3)
        #expect(result.tickDeadlines == [Self.at(ms: 60), Self.at(ms: 80), Self.at(ms: 100)])
        #expect(clock.skippedTicks == 3 && clock.ticks == 6)
        #expect(clock.nextTick == Self.at(ms: 120))
        #expect(sent.first?.header.timestamp == UInt32(1000 + 3 * 160))
        _ = clock.advance(to: Self.at(ms: 120)) { _, header, payload in sent.append(SentPacket(header: header, payload: Array(payload), tick: 0)) }
        #expect(sent.last?.header.timestamp == UInt32(1000 + 6 * 160))
    }

    @Test("phases: channels spread over 1 ms sub-ticks, each still every 20 ms on its own schedule")
    func phases() {
        let clock = MediaClock(start: Self.start, phases: 20)
        #expect(clock.tickInterval == .milliseconds(1))
        var channels: [MediaChannel] = []
        for id in 0..<40 {
            let ch = channel(id: id)
            channels.append(ch)
            clock.add(ch)
        }
        clock.remove(id: 7)
        var sendTimes: [Int: [Int64]] = [:]
        var flushes = 0
        for ms in Int64(0)..<60 {
            clock.advance(to: Self.at(ms: ms), send: { ch, _, _ in sendTimes[ch.id, default: []].append(ms) }, flush: { flushes += 1 })
        }
        #expect(flushes == 60)
        #expect(sendTimes.count == 39 && sendTimes[7] == nil)
        for (_, times) in sendTimes {
            #expect(times.count == 3)
            #expect(times[1] - times[0] == 20 && times[2] - times[1] == 20)
        }
        // Two channels per phase (one phase lost one): at most 2 packets per sub-tick.
        let perMillisecond = Dictionary(grouping: sendTimes.values.flatMap { $0 }, by: { $0 }).mapValues(\.count)
        #expect(perMillisecond.values.max() == 2)
    }

    @Test("the next due tick skips empty phases: an idle clock is due once per frame, a lone channel's at its phase")
    func nextDueTick() {
        let clock = MediaClock(start: Self.start, phases: 20)
        #expect(clock.nextDueTick == Self.at(ms: 19))  // nothing to serve: the frame's last tick
        clock.advance(to: Self.at(ms: 19), send: { _, _, _ in })
        #expect(clock.nextTick == Self.at(ms: 20) && clock.nextDueTick == Self.at(ms: 39))
        clock.add(channel(id: 1))  // the least loaded phase: 0, i.e. ms 20, 40, …
        #expect(clock.nextDueTick == Self.at(ms: 20))
        var sent: [Int64] = []
        clock.advance(to: Self.at(ms: 20), send: { _, _, _ in sent.append(20) })
        #expect(sent == [20])
        #expect(clock.nextDueTick == Self.at(ms: 40))  // phases 1–19 are empty
        clock.add(channel(id: 2))  // phase 1 (ms 21, 41, …)
        #expect(clock.nextDueTick == Self.at(ms: 21))
        let single = MediaClock(start: Self.start)
        #expect(single.nextDueTick == Self.start)  // one phase: every tick, as before
    }

    @Test("looping ringback for a time, then finished; G.722 advances 160 timestamp units per 20 ms")
    func loopingAndG722() {
        let clock = MediaClock(start: Self.start)
        let ch = channel(codec: .g722)
        clock.add(ch)
        ch.play([.looping(Self.prompt, milliseconds: 140)])
        var sent: [SentPacket] = [], events: [MediaEvent] = []
        run(clock, untilMs: 200, into: &sent, events: &events)
        #expect(sent.allSatisfy { $0.header.payloadType == 9 && $0.payload.count == 160 })
        #expect(sent[1].header.timestamp &- sent[0].header.timestamp == 160)
        let frames = (0..<3).map { i in Self.prompt.withFrame(i, codec: .g722) { Array($0) } }
        #expect(Array(sent[0..<7].map(\.payload)) == frames + frames + [frames[0]])
        #expect(events == [.playbackFinished(channel: 1)])
    }

    @Test("barge-in: an RFC 4733 key stops an interruptible play list; without barge-in it plays on")
    func bargeIn() {
        let clock = MediaClock(start: Self.start)
        let ch = channel()
        clock.add(ch)
        let far = try! SocketAddress(ipAddress: "127.0.0.1", port: 4000)
        func key(_ digit: DTMFDigit, ts: UInt32, seq: UInt16) -> [MediaEvent] {
            let bytes = RTPPacket.serialize(header: RTPHeader(marker: true, payloadType: 101, sequenceNumber: seq, timestamp: ts, ssrc: 77),
                                            payload: TelephoneEvent(event: digit.rawValue, duration: 160).bytes)
            return bytes.withUnsafeBytes { ch.receive($0, from: far, at: Self.at(ms: 30)) }
        }
        ch.play([.prompt(Self.prompt), .prompt(Self.prompt)], bargeIn: false)
        var sent: [SentPacket] = [], events: [MediaEvent] = []
        run(clock, untilMs: 20, into: &sent, events: &events)
        let first = key(.d3, ts: 100, seq: 1)
        #expect(first.count == 1)
        #expect(ch.isPlaying)
        ch.play([.prompt(Self.prompt), .prompt(Self.prompt)], bargeIn: true)
        let second = key(.d4, ts: 900, seq: 2)
        #expect(second.last == .playbackInterrupted(channel: 1, digit: .d4))
        #expect(!ch.isPlaying)
        #expect(ch.digits.drain().map(\.digit) == [.d3, .d4])
        // Keys from SIP INFO reach the same stream.
        _ = ch.receiveInfoDigit(.pound)
        #expect(ch.digits.next()?.source == .sipInfo)
    }

    @Test("sending a key: RFC 4733 packets replace audio, same SSRC, sequence continues, then audio resumes with a marker")
    func sendingDigits() {
        let clock = MediaClock(start: Self.start)
        let ch = channel()
        clock.add(ch)
        ch.sendDigit(.d9, milliseconds: 60)
        var sent: [SentPacket] = [], events: [MediaEvent] = []
        run(clock, untilMs: 140, into: &sent, events: &events)
        #expect(sent.map(\.header.payloadType) == [101, 101, 101, 101, 101, 0, 0, 0])
        #expect(sent[0..<5].allSatisfy { $0.header.timestamp == 1000 })
        #expect(sent.map(\.header.marker) == [true, false, false, false, false, true, false, false])
        #expect(sent[5].header.timestamp == 1000 + 5 * 160)
        #expect(sent.enumerated().allSatisfy { $0.element.header.sequenceNumber == UInt16(truncatingIfNeeded: 65533 + $0.offset) })
    }

    @Test("received audio reaches the recorder hook in sequence order through the jitter buffer; losses become silence")
    func recorderHook() {
        let ch = channel()
        let far = try! SocketAddress(ipAddress: "127.0.0.1", port: 4000)
        var heard: [Int16] = []
        ch.onAudio = { heard += $0 }
        let order = [0, 2, 1, 3, 5, 6, 7]  // 2 and 1 swapped, 4 lost
        for (n, i) in order.enumerated() {
            let payload = [UInt8](repeating: G711.ulaw(fromLinear: Int16(i * 1000)), count: 160)
            let bytes = RTPPacket.serialize(header: RTPHeader(payloadType: 0, sequenceNumber: UInt16(i), timestamp: UInt32(i * 160), ssrc: 5), payload: payload)
            _ = bytes.withUnsafeBytes { ch.receive($0, from: far, at: Self.at(ms: Int64(n * 20))) }
            _ = ch.tick { _, _ in }
        }
        let levels = stride(from: 0, to: heard.count, by: 160).map { Int((Double(heard[$0]) / 1000).rounded()) }
        #expect(levels == [0, 1, 2, 3, 0])
    }

    @Test("inactivity is reported once per dead channel; RTCP goes out every 5 s per channel")
    func inactivityAndRTCP() throws {
        let clock = MediaClock(start: Self.start)
        let ch = channel()
        ch.receiver.inactivityTimeout = .seconds(2)
        clock.add(ch)
        var events: [MediaEvent] = []
        var reports: [[UInt8]] = []
        var ms: Int64 = 0
        while ms <= 10_000 {
            events += clock.advance(to: Self.at(ms: ms), send: { _, _, _ in }, sendRTCP: { reports.append($0.rtcpCompound(unixNanoseconds: 0)) }).events
            ms += 20
        }
        #expect(events == [.inactive(channel: 1)])
        #expect(reports.count == 2)
        let parsed = try RTCPPacket.parseCompound(reports[0])
        guard case let .senderReport(ssrc, _, _, packets, _, _) = parsed.first else { Issue.record("no SR"); return }
        #expect(ssrc == 0xABCD && packets > 0)
        #expect(ch.rtcpAddress == (try SocketAddress(ipAddress: "127.0.0.1", port: 4001)))
    }

    @Test("ptime 40: two frames per packet, the first frame's timestamp, marker on the first packet only")
    func ptime40() {
        let clock = MediaClock(start: Self.start)
        let ch = MediaChannel(id: 1, codec: .pcmu, remoteAddress: try? SocketAddress(ipAddress: "127.0.0.1", port: 4000),
                              sender: RTPSender(ssrc: 1, initialSequenceNumber: 10, initialTimestamp: 0), ptimeMilliseconds: 40)
        clock.add(ch)
        ch.play([.prompt(Self.prompt), .prompt(Self.prompt)])
        var sent: [SentPacket] = [], events: [MediaEvent] = []
        run(clock, untilMs: 140, into: &sent, events: &events)
        #expect(sent.map(\.payload.count) == [320, 320, 320, 320])
        #expect(sent.map(\.header.timestamp) == [0, 320, 640, 960])
        #expect(sent.map(\.header.sequenceNumber) == [10, 11, 12, 13])
        #expect(sent.map(\.header.marker) == [true, false, false, false])
        let frames = (0..<3).flatMap { i in Self.prompt.withFrame(i, codec: .pcmu) { Array($0) } }
        #expect(Array((sent[0].payload + sent[1].payload + sent[2].payload).prefix(960)) == frames + frames)
    }

    @Test("ptime 40 without idle silence: a prompt ending mid-packet still goes out whole")
    func ptime40PartialEnd() {
        let clock = MediaClock(start: Self.start)
        let ch = MediaChannel(id: 1, codec: .pcmu, remoteAddress: try? SocketAddress(ipAddress: "127.0.0.1", port: 4000),
                              sender: RTPSender(ssrc: 1, initialSequenceNumber: 0, initialTimestamp: 0), sendsSilenceWhenIdle: false,
                              ptimeMilliseconds: 40)
        clock.add(ch)
        ch.play([.prompt(Self.prompt)])  // 3 frames: one full packet and a half one
        var sent: [SentPacket] = [], events: [MediaEvent] = []
        run(clock, untilMs: 140, into: &sent, events: &events)
        #expect(sent.map(\.payload.count) == [320, 160])
        #expect(sent.map(\.header.timestamp) == [0, 320])
    }

    @Test("a stream from offer/answer: payload types, ptime, RTCP port, direction and hold")
    func fromNegotiatedStream() throws {
        let stream = NegotiatedStream(
            mediaIndex: 0, codec: Codec(encodingName: "PCMA", clockRate: 8000, payloadType: 8),
            codecs: [Codec(encodingName: "PCMA", clockRate: 8000, payloadType: 8), Codec(encodingName: "G722", clockRate: 8000, payloadType: 9)],
            telephoneEventPayloadType: 96, remoteAddress: "192.0.2.5", remotePort: 30000, remoteRTCPPort: 30011,
            localPort: 10000, ptime: 60, direction: .recvonly, isRemoteHold: true)
        let ch = try #require(MediaChannel(id: 3, stream: stream, sender: RTPSender(ssrc: 1, initialSequenceNumber: 0, initialTimestamp: 0)))
        #expect(ch.codec == .pcma && ch.payloadType == 8 && ch.telephoneEventPayloadType == 96)
        #expect(ch.framesPerPacket == 3)
        #expect(ch.receiver.audioPayloadTypes == [8: .pcma, 9: .g722])
        #expect(ch.rtcpAddress == (try SocketAddress(ipAddress: "192.0.2.5", port: 30011)))
        #expect(!ch.sendsMedia)
        #expect(ch.receiver.onHold)
        // recvonly: nothing is sent, the play list still runs its course.
        ch.play([.prompt(Self.prompt)])
        var sent = 0
        var events: [MediaEvent] = []
        for _ in 0..<4 { events += ch.tick { _, _ in sent += 1 } }
        #expect(sent == 0 && events == [.playbackFinished(channel: 3)])
        var hostname = stream
        hostname.remoteAddress = "pbx.example.com"
        #expect(MediaChannel(id: 4, stream: hostname, sender: RTPSender(ssrc: 1, initialSequenceNumber: 0, initialTimestamp: 0)) == nil)
    }

    @Test("received 40 ms packets feed the recorder hook without gaps")
    func inbound40() {
        let ch = channel()
        let far = try! SocketAddress(ipAddress: "127.0.0.1", port: 4000)
        var heard: [Int16] = []
        ch.onAudio = { heard += $0 }
        var n = 0
        for tick in 0..<20 {
            if tick % 2 == 0 {
                let payload = [UInt8](repeating: G711.ulaw(fromLinear: 1000), count: 320)
                let bytes = RTPPacket.serialize(header: RTPHeader(payloadType: 0, sequenceNumber: UInt16(n), timestamp: UInt32(n * 320), ssrc: 5), payload: payload)
                _ = bytes.withUnsafeBytes { ch.receive($0, from: far, at: Self.at(ms: Int64(tick * 20))) }
                n += 1
            }
            _ = ch.tick { _, _ in }
        }
        #expect(ch.inboundBuffer.missing == 0)
        #expect(heard.count >= 320 * 7)
        #expect(heard.allSatisfy { $0 > 900 })
    }

    @Test("in-band keys reach the stream when telephone-event was not negotiated")
    func inBand() {
        let ch = channel(events: nil)
        let far = try! SocketAddress(ipAddress: "127.0.0.1", port: 4000)
        let tone = Signals.pcm(Signals.tones([(852, -10), (1477, -10)], milliseconds: 100) + [Double](repeating: 0, count: 800))
        let encoder = AudioEncoder(codec: .pcmu)
        var keys: [MediaEvent] = []
        for (i, start) in stride(from: 0, to: tone.count, by: 160).enumerated() {
            let payload = encoder.encode(Array(tone[start..<min(start + 160, tone.count)]))
            let bytes = RTPPacket.serialize(header: RTPHeader(payloadType: 0, sequenceNumber: UInt16(i), timestamp: UInt32(i * 160), ssrc: 5), payload: payload)
            keys += bytes.withUnsafeBytes { ch.receive($0, from: far, at: Self.at(ms: Int64(i * 20))) }
            keys += ch.tick { _, _ in }  // decoded and detected on the clock, via the jitter buffer
        }
        #expect(keys.count == 1)
        #expect(ch.digits.next()?.digit == .d9)
        #expect(ch.inboundBuffer.missing == 0)
    }
}

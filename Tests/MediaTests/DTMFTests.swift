import Testing
import TestSupport
@testable import Media

@Suite("RFC 4733 telephone-events")
struct DTMFEventTests {
    /// The packets a sender emits for a key, as (payload, timestamp) with their sequence order.
    static func sent(_ digit: DTMFDigit, at timestamp: UInt32, units: UInt32 = 800) -> [(TelephoneEvent, UInt32)] {
        var sender = DTMFEventSender()
        sender.send(digit, durationUnits: units)
        var out: [(TelephoneEvent, UInt32)] = []
        var ts = timestamp
        while sender.isBusy {
            for packet in sender.tick(timestamp: ts) { out.append((packet.event, packet.timestamp)) }
            ts &+= 160
        }
        return out
    }

    @Test("sender: marker on the first packet, growing duration, end sent three times (§2.5.1.2, §2.5.1.4)")
    func sender() {
        var sender = DTMFEventSender()
        sender.send(.d5, durationUnits: 480)
        let packets = (0..<6).flatMap { sender.tick(timestamp: 1000 + UInt32($0) * 160) }
        #expect(packets.map(\.event.duration) == [160, 320, 480, 480, 480])
        #expect(packets.map(\.marker) == [true, false, false, false, false])
        #expect(packets.map(\.event.isEnd) == [false, false, true, true, true])
        #expect(packets.allSatisfy { $0.timestamp == 1000 && $0.event.event == 5 })
        #expect(!sender.isBusy)
        #expect(TelephoneEvent(event: 11, isEnd: true, volume: 10, duration: 800).bytes == [11, 0x8A, 0x03, 0x20])
    }

    @Test("receiver: one key per event despite redundant ends, duplicates and reordering")
    func receiverClean() {
        var receiver = DTMFEventReceiver()
        var reports: [DTMFEventReceiver.Report] = []
        for digit in [DTMFDigit.d1, .pound, .d1] {
            let base = UInt32(reports.count) * 10_000
            var packets = Self.sent(digit, at: base)
            packets += packets  // every packet duplicated
            packets.swapAt(0, 2)  // and reordered
            for (event, ts) in packets { reports += receiver.receive(event, timestamp: ts, arrival: 0) }
        }
        let began = reports.compactMap { if case let .began(d, _) = $0 { return d } else { return nil } }
        let ended = reports.compactMap { if case let .ended(d, _, duration) = $0 { return (d, duration) } else { return nil } }
        #expect(began == [.d1, .pound, .d1])
        #expect(ended.map(\.0) == [.d1, .pound, .d1])
        #expect(ended.allSatisfy { $0.1 == 800 })
    }

    @Test("receiver: first packets lost, only an end arrives → still one key; lost end → expiry ends it")
    func receiverLoss() {
        var receiver = DTMFEventReceiver()
        let packets = Self.sent(.d7, at: 5000)
        var reports = receiver.receive(packets[packets.count - 1].0, timestamp: 5000, arrival: 100)
        #expect(reports == [.began(.d7, timestamp: 5000), .ended(.d7, timestamp: 5000, duration: 800)])
        // Next key loses all its end packets.
        let next = Self.sent(.d8, at: 9000).filter { !$0.0.isEnd }
        reports = next.flatMap { receiver.receive($0.0, timestamp: $0.1, arrival: 200) }
        #expect(reports == [.began(.d8, timestamp: 9000)])
        let early = receiver.expire(at: 300)
        #expect(early == nil)
        let expired = receiver.expire(at: 200 + 1600)
        #expect(expired == .ended(.d8, timestamp: 9000, duration: 640))
        // A late packet of the first event does not bring it back.
        let late = receiver.receive(packets[0].0, timestamp: 5000, arrival: 2000)
        #expect(late.isEmpty)
    }

    @Test("receiver: a long event split into segments (§2.5.1.3) is one key with the total duration")
    func longEvent() {
        var receiver = DTMFEventReceiver()
        var reports = receiver.receive(TelephoneEvent(event: 0, duration: 0xFFFF), timestamp: 0, arrival: 0)
        reports += receiver.receive(TelephoneEvent(event: 0, duration: 800), timestamp: 0xFFFF, arrival: 0)
        reports += receiver.receive(TelephoneEvent(event: 0, isEnd: true, duration: 1600), timestamp: 0xFFFF, arrival: 0)
        #expect(reports == [.began(.d0, timestamp: 0), .ended(.d0, timestamp: 0, duration: 0xFFFF + 1600)])
    }

    @Test("receiver: flash and unknown events are not keys; a short payload is refused")
    func nonDigits() {
        var receiver = DTMFEventReceiver()
        let flash = receiver.receive(TelephoneEvent(event: 16, duration: 160), timestamp: 0, arrival: 0)
        #expect(flash.isEmpty)
        #expect([UInt8]([1, 2, 3]).withUnsafeBytes { TelephoneEvent(payload: $0) } == nil)
        #expect([UInt8]([11, 0x8A, 0x03, 0x20]).withUnsafeBytes { TelephoneEvent(payload: $0) } == TelephoneEvent(event: 11, isEnd: true, volume: 10, duration: 800))
    }
}

@Suite("DTMF digit stream and SIP INFO bodies")
struct DTMFStreamTests {
    @Test("three sources, one stream; the same press from two paths counts once")
    func merge() {
        var stream = DTMFDigitStream()
        let accepted = [
            stream.offer(.d1, from: .rtpEvent, atMilliseconds: 0),
            stream.offer(.d1, from: .inBand, atMilliseconds: 60),  // the tone behind the event
            stream.offer(.d1, from: .rtpEvent, atMilliseconds: 150),  // a real second press
            stream.offer(.d2, from: .sipInfo, atMilliseconds: 400),
            stream.offer(.d2, from: .inBand, atMilliseconds: 900),  // outside the window
        ]
        #expect(accepted == [true, false, true, true, true])
        #expect(stream.drain().map(\.digit.character) == ["1", "1", "2", "2"])
        #expect(stream.merged == 1)
        #expect(stream.next() == nil)
    }

    @Test("application/dtmf-relay and application/dtmf bodies")
    func infoBodies() {
        #expect(DTMFInfoBody.parse(contentType: "application/dtmf-relay", body: "Signal=5\r\nDuration=160\r\n") == .init(digit: .d5, durationMilliseconds: 160))
        #expect(DTMFInfoBody.parse(contentType: "Application/DTMF-Relay; charset=x", body: "signal= #\nduration=100") == .init(digit: .pound, durationMilliseconds: 100))
        #expect(DTMFInfoBody.parse(contentType: "application/dtmf-relay", body: "Signal=10\r\n")?.digit == .star)
        #expect(DTMFInfoBody.parse(contentType: "application/dtmf", body: "7\r\n")?.digit == .d7)
        #expect(DTMFInfoBody.parse(contentType: "application/dtmf", body: "11")?.digit == .pound)
        #expect(DTMFInfoBody.parse(contentType: "application/dtmf-relay", body: "Signal=X") == nil)
        #expect(DTMFInfoBody.parse(contentType: "application/dtmf-relay", body: "Duration=100") == nil)
        #expect(DTMFInfoBody.parse(contentType: "text/plain", body: "5") == nil)
        #expect(DTMFInfoBody.parse(contentType: "application/dtmf", body: "16") == nil)
    }
}

@Suite("In-band DTMF detection (Goertzel)")
struct DTMFDetectorTests {
    /// A key sequence: each key `toneMs` of tone then `gapMs` of silence, with noise over all.
    static func keyed(_ digits: [DTMFDigit], level: Double, twist: Double, toneMs: Int = 60, gapMs: Int = 60,
                      noiseDBm0: Double? = -45, rate: Int = 8000, seed: UInt64 = 1) -> [Double] {
        var signal: [Double] = []
        for digit in digits {
            let (low, high) = digit.frequencies
            // Positive twist: the high (column) tone weaker than the low one.
            signal += Signals.tones([(low, level), (high, level - twist)], milliseconds: toneMs, rate: rate)
            signal += [Double](repeating: 0, count: rate * gapMs / 1000)
        }
        if let noiseDBm0 {
            var generator = SplitMix64(seed: seed)
            signal = Signals.mix(signal, Signals.noise(count: signal.count, dBm0: noiseDBm0, generator: &generator))
        }
        return signal
    }

    static func detect(_ samples: [Double], codec: AudioCodec? = .pcmu, rate: Int = 8000) -> [DTMFDigit] {
        var pcm = Signals.pcm(samples)
        if let codec {
            pcm = AudioDecoder(codec: codec).decode(AudioEncoder(codec: codec).encode(pcm))
        }
        var detector = DTMFToneDetector(sampleRate: rate)
        var found: [DTMFDigit] = []
        // Feed in 20 ms frames, as the media path does.
        let frame = rate / 50
        for start in stride(from: 0, to: pcm.count, by: frame) {
            found += detector.process(Array(pcm[start..<min(start + frame, pcm.count)]))
        }
        return found
    }

    @Test("all 16 keys at several levels and twists, with noise, through µ-law", arguments: [
        (-4.0, 0.0), (-10, 0), (-20, 0), (-26, 0), (-10, 6), (-10, -4), (-20, 4), (-15, 7), (-6, -5),
    ])
    func allKeys(level: Double, twist: Double) {
        let digits = DTMFDigit.allCases
        let found = Self.detect(Self.keyed(digits, level: level, twist: twist, seed: UInt64(abs(level * 10 + twist)) + 1))
        #expect(found == digits, "level \(level) dBm0, twist \(twist) dB: \(found)")
    }

    @Test("A-law and G.722 (16 kHz) paths detect too")
    func otherCodecs() {
        let digits: [DTMFDigit] = [.d1, .d9, .star, .pound, .a, .d0]
        #expect(Self.detect(Self.keyed(digits, level: -12, twist: 2), codec: .pcma) == digits)
        #expect(Self.detect(Self.keyed(digits, level: -12, twist: 2, rate: 16000), codec: .g722, rate: 16000) == digits)
    }

    @Test("with noise at 15 dB below the tones, keys still come through")
    func noisy() {
        let digits: [DTMFDigit] = [.d3, .d6, .b, .d9]
        #expect(Self.detect(Self.keyed(digits, level: -10, twist: 0, noiseDBm0: -25)) == digits)
    }

    @Test("rejected: twist beyond limits, too weak, too short, one tone alone")
    func rejections() {
        #expect(Self.detect(Self.keyed([.d5], level: -8, twist: 12)).isEmpty)  // normal twist 12 dB
        #expect(Self.detect(Self.keyed([.d5], level: -14, twist: -9)).isEmpty)  // reverse twist 9 dB
        #expect(Self.detect(Self.keyed([.d5], level: -40, twist: 0)).isEmpty)
        #expect(Self.detect(Self.keyed([.d5], level: -10, twist: 0, toneMs: 25)).isEmpty)
        #expect(Self.detect(Signals.tones([(770, -10)], milliseconds: 200)).isEmpty)
        #expect(Self.detect(Signals.tones([(1000, -10)], milliseconds: 400)).isEmpty)  // a beep
        #expect(Self.detect(Signals.tones([(440, -13), (480, -13)], milliseconds: 2000)).isEmpty)  // ringback
        #expect(Self.detect(Signals.tones([(350, -13), (440, -13)], milliseconds: 2000)).isEmpty)  // dial tone
    }

    @Test("a held key is one key; a quick repeat after a short gap is two")
    func durations() {
        #expect(Self.detect(Self.keyed([.d4], level: -10, twist: 0, toneMs: 1500)) == [.d4])
        #expect(Self.detect(Self.keyed([.d4, .d4], level: -10, twist: 0, toneMs: 50, gapMs: 45)) == [.d4, .d4])
    }

    @Test("talk-off: no keys in 3 minutes of synthetic speech (8 kHz µ-law and 16 kHz G.722)")
    func talkOff() {
        var false8k: [DTMFDigit] = []
        for seed: UInt64 in 1...6 {
            false8k += Self.detect(Signals.speechLike(seconds: 30, seed: seed))
        }
        #expect(false8k.isEmpty, "false keys: \(false8k)")
        let false16k = Self.detect(Signals.speechLike(seconds: 30, rate: 16000, seed: 99), codec: .g722, rate: 16000)
        #expect(false16k.isEmpty, "false keys: \(false16k)")
    }
}

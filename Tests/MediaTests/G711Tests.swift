import CSpanDSP
import Testing
@testable import Media

@Suite("G.711 (ITU-T G.711 Tables 1a/2a)")
struct G711Tests {
    /// G.711 µ-law decoding by the Recommendation's formula: the code inverted, sign bit,
    /// 3-bit segment, 4-bit step; value = ((2·step + 33) << segment) − 33 in 14-bit units.
    static func ituULaw(_ code: UInt8) -> Int16 {
        let inverted = ~code
        let segment = Int((inverted >> 4) & 7), step = Int(inverted & 0x0F)
        let magnitude = (((2 * step + 33) << segment) - 33) * 4
        return Int16(inverted & 0x80 != 0 ? -magnitude : magnitude)
    }

    /// G.711 A-law decoding: even bits inverted, sign bit 1 = positive; segment 0:
    /// 2·step + 1, segment s ≥ 1: (2·step + 33) << (s − 1), in 13-bit units.
    static func ituALaw(_ code: UInt8) -> Int16 {
        let value = code ^ 0x55
        let segment = Int((value >> 4) & 7), step = Int(value & 0x0F)
        let magnitude = (segment == 0 ? 2 * step + 1 : (2 * step + 33) << (segment - 1)) * 8
        return Int16(value & 0x80 != 0 ? magnitude : -magnitude)
    }

    @Test("all 256 µ-law codes decode to the G.711 values")
    func ulawDecodeTable() {
        for code in 0...255 {
            #expect(G711.linear(fromULaw: UInt8(code)) == Self.ituULaw(UInt8(code)), "code \(code)")
        }
        #expect(G711.linear(fromULaw: 0x00) == -32124)
        #expect(G711.linear(fromULaw: 0x80) == 32124)
        #expect(G711.linear(fromULaw: 0xFF) == 0)
        #expect(G711.linear(fromULaw: 0x7F) == 0)
    }

    @Test("all 256 A-law codes decode to the G.711 values")
    func alawDecodeTable() {
        for code in 0...255 {
            #expect(G711.linear(fromALaw: UInt8(code)) == Self.ituALaw(UInt8(code)), "code \(code)")
        }
        #expect(G711.linear(fromALaw: 0xD5) == 8)
        #expect(G711.linear(fromALaw: 0x55) == -8)
        #expect(G711.linear(fromALaw: 0xAA) == 32256)
        #expect(G711.linear(fromALaw: 0x2A) == -32256)
    }

    @Test("every code survives decode → encode (µ-law's two zeros map to 0xFF)")
    func roundTrips() {
        for code in 0...255 {
            let c = UInt8(code)
            #expect(G711.alaw(fromLinear: G711.linear(fromALaw: c)) == c)
            let expected: UInt8 = c == 0x7F ? 0xFF : c
            #expect(G711.ulaw(fromLinear: G711.linear(fromULaw: c)) == expected)
        }
    }

    @Test("segment boundaries: the encoder switches code exactly at the decision levels")
    func decisionLevels() {
        // µ-law, positive side: code 0xFF (value 0) covers 14-bit magnitude 0 (16-bit 0…3);
        // the first segment's steps are 2 wide (0xFE decodes to 2, i.e. 8 in 16-bit).
        #expect(G711.ulaw(fromLinear: 0) == 0xFF)
        #expect(G711.ulaw(fromLinear: 3) == 0xFF)
        #expect(G711.ulaw(fromLinear: 4) == 0xFE)
        #expect(G711.ulaw(fromLinear: 11) == 0xFE)
        #expect(G711.ulaw(fromLinear: 12) == 0xFD)
        #expect(G711.ulaw(fromLinear: 32767) == 0x80)
        #expect(G711.ulaw(fromLinear: -32768) == 0x00)
        #expect(G711.ulaw(fromLinear: -1) == 0x7F)
        // Segment 0 → 1 at 14-bit magnitude 31 (biased 64): 16-bit 124…127 → code 0xF0 / 0xEF.
        #expect(G711.ulaw(fromLinear: 123) == 0xF0)
        #expect(G711.ulaw(fromLinear: 124) == 0xEF)
        // A-law: segment 0 and 1 have the same step (16 in 16-bit), segment 2 doubles.
        #expect(G711.alaw(fromLinear: 0) == 0xD5)
        #expect(G711.alaw(fromLinear: 15) == 0xD5)
        #expect(G711.alaw(fromLinear: 16) == 0xD4)
        #expect(G711.alaw(fromLinear: -1) == 0x55)
        #expect(G711.alaw(fromLinear: 255) == 0xDA)
        #expect(G711.alaw(fromLinear: 256) == 0xC5)  // first code of segment 1
        #expect(G711.alaw(fromLinear: 512) == 0xF5)  // first code of segment 2
        #expect(G711.alaw(fromLinear: 32767) == 0xAA)
        #expect(G711.alaw(fromLinear: -32768) == 0x2A)
        // Monotonic: decoded value never decreases as the input grows.
        var last = Int16.min
        for x in stride(from: -32768, through: 32767, by: 1) {
            let decoded = G711.linear(fromULaw: G711.ulaw(fromLinear: Int16(x)))
            #expect(decoded >= last)
            last = decoded
            if decoded < last { break }
        }
    }

    /// µ-law compression as the ITU-T G.191 reference software (STL `ulaw_compress`) writes
    /// it: negative inputs one's complemented, 14-bit magnitude biased by 33, clipped at 0x1FFF.
    static func stlULaw(_ x: Int16) -> UInt8 {
        var absno = (x < 0 ? Int(~x) >> 2 : Int(x) >> 2) + 33
        if absno > 0x1FFF { absno = 0x1FFF }
        var i = absno >> 6, segno = 1
        while i != 0 {
            segno += 1
            i >>= 1
        }
        let high = 8 - segno
        let low = 0x0F - ((absno >> segno) & 0x0F)
        var code = (high << 4) | low
        if x >= 0 { code |= 0x80 }
        return UInt8(code)
    }

    @Test("all 65,536 inputs: µ-law as the ITU G.191 reference code, A-law and µ-law ≥ 0 as spandsp")
    func matchesReferences() {
        var stlMismatches = 0, spandspMismatches = 0
        for x in -32768...32767 {
            let sample = Int16(x)
            if G711.ulaw(fromLinear: sample) != Self.stlULaw(sample) { stlMismatches += 1 }
            if G711.alaw(fromLinear: sample) != linear_to_alaw(Int32(sample)) { spandspMismatches += 1 }
            // spandsp rounds negative µ-law inputs as −x rather than ~x; positive ones agree.
            if x >= 0, G711.ulaw(fromLinear: sample) != linear_to_ulaw(Int32(sample)) { spandspMismatches += 1 }
        }
        #expect(stlMismatches == 0)
        #expect(spandspMismatches == 0)
        for code in 0...255 {
            #expect(G711.linear(fromULaw: UInt8(code)) == ulaw_to_linear(UInt8(code)))
            #expect(G711.linear(fromALaw: UInt8(code)) == alaw_to_linear(UInt8(code)))
        }
    }
}

@Suite("G.722")
struct G722Tests {
    @Test("a 1 kHz tone at 16 kHz survives encode → decode with > 20 dB SNR (after the codec delay)")
    func toneRoundTrip() throws {
        let samples = Signals.pcm(Signals.tones([(1000, -10)], milliseconds: 400, rate: 16000))
        let encoder = AudioEncoder(codec: .g722), decoder = AudioDecoder(codec: .g722)
        let payload = encoder.encode(samples)
        #expect(payload.count == samples.count / 2)
        let decoded = decoder.decode(payload)
        #expect(decoded.count == samples.count)
        // Find the codec's delay (the QMF filters: 22 samples in theory) by best correlation.
        var best = (delay: 0, snr: -Double.infinity)
        for delay in 0..<64 {
            var signal = 0.0, noise = 0.0
            for n in 1000..<(samples.count - 64) {
                let s = Double(samples[n]), d = Double(decoded[n + delay])
                signal += s * s
                noise += (s - d) * (s - d)
            }
            let snr = 10 * log10(signal / max(noise, 1))
            if snr > best.snr { best = (delay, snr) }
        }
        #expect(best.snr > 20, "SNR \(best.snr) dB at delay \(best.delay)")
        // The QMF pair delays by 22 samples; a 1 kHz tone repeats every 16, so 22 ≡ 6.
        #expect(best.delay % 16 == 22 % 16)
    }

    @Test("encoding is deterministic and stream-continuous: one call equals 20 ms pieces")
    func continuity() {
        let samples = Signals.pcm(Signals.tones([(440, -12), (1700, -18)], milliseconds: 200, rate: 16000))
        let whole = AudioEncoder(codec: .g722).encode(samples)
        let pieces = AudioEncoder(codec: .g722)
        var joined: [UInt8] = []
        for start in stride(from: 0, to: samples.count, by: 320) {
            joined += pieces.encode(Array(samples[start..<min(start + 320, samples.count)]))
        }
        #expect(whole == joined)
        #expect(whole.count == 1600)
    }
}

import Foundation

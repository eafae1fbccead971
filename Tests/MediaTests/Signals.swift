import Foundation
import Media
import TestSupport

/// Test signal generators: tones at dBm0 levels, noise, and speech-like audio.
enum Signals {
    /// A sine's peak amplitude for a level in dBm0.
    static func amplitude(dBm0: Double) -> Double {
        DTMFToneDetector.zeroDBm0Amplitude * pow(10, dBm0 / 20)
    }

    /// Sum of sines (frequency, dBm0) for `milliseconds` at `rate`.
    static func tones(_ parts: [(Double, Double)], milliseconds: Int, rate: Int = 8000, phase: Double = 0) -> [Double] {
        let count = rate * milliseconds / 1000
        return (0..<count).map { n in
            parts.reduce(0) { sum, part in
                sum + amplitude(dBm0: part.1) * sin(2 * .pi * part.0 * Double(n) / Double(rate) + phase)
            }
        }
    }

    /// Gaussian white noise with RMS at `dBm0` (relative to a 0 dBm0 sine's RMS).
    static func noise(count: Int, dBm0: Double, generator: inout SplitMix64) -> [Double] {
        let rms = amplitude(dBm0: dBm0) / 2.0.squareRoot()
        return (0..<count).map { _ in
            let u1 = max(Double.random(in: 0..<1, using: &generator), 1e-12)
            let u2 = Double.random(in: 0..<1, using: &generator)
            return rms * (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
        }
    }

    /// Clamps to 16-bit PCM.
    static func pcm(_ samples: [Double]) -> [Int16] {
        samples.map { Int16(max(-32768, min(32767, $0.rounded()))) }
    }

    /// Adds two signals (the shorter padded with zeros).
    static func mix(_ a: [Double], _ b: [Double]) -> [Double] {
        (0..<max(a.count, b.count)).map { (($0 < a.count) ? a[$0] : 0) + (($0 < b.count) ? b[$0] : 0) }
    }

    /// Speech-like audio: voiced syllables (a glottal pulse train with a gliding pitch
    /// through two or three formant resonators whose frequencies move), unvoiced noise
    /// bursts and pauses, at roughly −15 dBm0. Deterministic for a seed.
    static func speechLike(seconds: Double, rate: Int = 8000, seed: UInt64) -> [Double] {
        var generator = SplitMix64(seed: seed)
        var out: [Double] = []
        let total = Int(seconds * Double(rate))
        while out.count < total {
            let kind = Int.random(in: 0..<10, using: &generator)
            let length = Int(Double(rate) * Double.random(in: 0.08...0.35, using: &generator))
            if kind < 6 {
                // Voiced: pitch 90–260 Hz gliding, formants gliding.
                var pitch = Double.random(in: 90...260, using: &generator)
                let pitchEnd = pitch * Double.random(in: 0.7...1.4, using: &generator)
                var f1 = Double.random(in: 300...900, using: &generator)
                let f1End = Double.random(in: 300...900, using: &generator)
                var f2 = Double.random(in: 850...2500, using: &generator)
                let f2End = Double.random(in: 850...2500, using: &generator)
                let f3 = Double.random(in: 2300...3200, using: &generator)
                var resonators = [Resonator(), Resonator(), Resonator()]
                var phase = 0.0
                let gain = amplitude(dBm0: Double.random(in: -22 ... -8, using: &generator))
                var segment: [Double] = []
                for n in 0..<length {
                    let t = Double(n) / Double(length)
                    pitch = pitch + (pitchEnd - pitch) / Double(length - n)
                    f1 += (f1End - f1) / Double(length - n)
                    f2 += (f2End - f2) / Double(length - n)
                    phase += pitch / Double(rate)
                    var excitation = 0.0
                    if phase >= 1 {
                        phase -= 1
                        excitation = 1
                    }
                    let y1 = resonators[0].step(excitation, frequency: f1, bandwidth: 80, rate: rate)
                    let y2 = resonators[1].step(excitation, frequency: f2, bandwidth: 120, rate: rate)
                    let y3 = resonators[2].step(excitation, frequency: f3, bandwidth: 200, rate: rate)
                    let envelope = sin(.pi * t)
                    segment.append((y1 + 0.6 * y2 + 0.3 * y3) * envelope)
                }
                let peak = segment.map(abs).max() ?? 1
                out += segment.map { $0 / max(peak, 1e-9) * gain }
            } else if kind < 8 {
                let noise = noise(count: length, dBm0: Double.random(in: -30 ... -18, using: &generator), generator: &generator)
                out += noise
            } else {
                out += [Double](repeating: 0, count: length / 2)
            }
        }
        return Array(out.prefix(total))
    }

    /// A two-pole resonator.
    struct Resonator {
        var y1 = 0.0, y2 = 0.0
        mutating func step(_ x: Double, frequency: Double, bandwidth: Double, rate: Int) -> Double {
            let r = exp(-.pi * bandwidth / Double(rate))
            let a1 = 2 * r * cos(2 * .pi * frequency / Double(rate))
            let y = x + a1 * y1 - r * r * y2
            y2 = y1
            y1 = y
            return y
        }
    }
}

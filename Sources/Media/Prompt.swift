/// A prompt ready to send: its audio at 8 and 16 kHz and, per codec, every 20 ms frame
/// already encoded, stored back to back. Immutable and shared by every call that plays it.
public final class Prompt: Sendable {
    /// The prompt's name (path under the prompts directory without extension, e.g. `en/welcome`).
    public let name: String
    /// Linear PCM at 8 kHz.
    public let samples8k: [Int16]
    /// Linear PCM at 16 kHz.
    public let samples16k: [Int16]
    /// Number of 20 ms frames (the last one padded with silence).
    public let frameCount: Int
    /// Encoded frames per codec, indexed by ``AudioCodec/index`` (an array: no hashing per packet).
    private let encoded: [[UInt8]]

    /// The frame duration every prompt is cut into.
    public static let frameMilliseconds = 20

    /// Builds a prompt from audio at both rates (equal durations), encoding every codec once.
    public init(name: String, samples8k: [Int16], samples16k: [Int16]) {
        self.name = name
        self.samples8k = samples8k
        self.samples16k = samples16k
        let frames = max(1, (samples8k.count + 159) / 160)
        frameCount = frames
        var encoded = [[UInt8]](repeating: [], count: AudioCodec.allCases.count)
        for codec in AudioCodec.allCases {
            let source = codec.sampleRate == 16000 ? samples16k : samples8k
            let perFrame = codec.samplesPerFrame()
            var padded = source
            padded.append(contentsOf: repeatElement(0, count: max(0, frames * perFrame - source.count)))
            let encoder = AudioEncoder(codec: codec)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(frames * codec.bytesPerFrame())
            padded.withUnsafeBufferPointer { encoder.encode(UnsafeBufferPointer(rebasing: $0[0..<(frames * perFrame)]), appendingTo: &bytes) }
            encoded[codec.index] = bytes
        }
        self.encoded = encoded
    }

    /// Builds a prompt from audio at one rate, resampling to the other with libsoxr.
    public convenience init(name: String, samples: [Float], sampleRate: Int) throws(Resampler.Failure) {
        let at8k = try Resampler.resample(samples, from: sampleRate, to: 8000)
        let at16k = try Resampler.resample(samples, from: sampleRate, to: 16000)
        self.init(name: name, samples8k: at8k.map(Prompt.toPCM), samples16k: at16k.map(Prompt.toPCM))
    }

    /// Duration in milliseconds (whole frames).
    public var durationMilliseconds: Int { frameCount * Prompt.frameMilliseconds }

    /// Calls `body` with the encoded bytes of frame `index` for `codec` (160 octets).
    @inlinable
    public func withFrame<R>(_ index: Int, codec: AudioCodec, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        withEncoded(codec) { all in
            let size = codec.bytesPerFrame()
            let start = min(max(index, 0), frameCount - 1) * size
            return body(UnsafeRawBufferPointer(rebasing: all[start..<min(start + size, all.count)]))
        }
    }

    /// All encoded frames for `codec`, back to back.
    @usableFromInline
    func withEncoded<R>(_ codec: AudioCodec, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        encoded[codec.index].withUnsafeBytes(body)
    }

    /// Memory held by the encoded frames and PCM, in bytes.
    public var memoryFootprint: Int {
        encoded.reduce(0) { $0 + $1.count } + 2 * (samples8k.count + samples16k.count)
    }

    static func toPCM(_ value: Float) -> Int16 {
        let scaled = (value * 32767).rounded()
        return Int16(max(-32768, min(32767, scaled.isNaN ? 0 : scaled)))
    }
}

/// Generated tones, as prompts (beep, ringback, any two-frequency tone).
public enum Tones {
    /// A tone of one or two frequencies at `levelDBm0` per frequency for `milliseconds`
    /// (then `silenceMilliseconds` of silence), with 5 ms ramps to avoid clicks.
    public static func tone(name: String, frequencies: [Double], levelDBm0: Double = -13, milliseconds: Int, silenceMilliseconds: Int = 0) -> Prompt {
        func render(rate: Int) -> [Int16] {
            let count = rate * milliseconds / 1000
            let ramp = rate / 200
            let amplitude = DTMFToneDetector.zeroDBm0Amplitude * pow10(levelDBm0 / 20)
            var out = (0..<count).map { n -> Int16 in
                var value = 0.0
                for f in frequencies { value += amplitude * sin(2 * .pi * f * Double(n) / Double(rate)) }
                let edge = min(n, count - 1 - n)
                if edge < ramp { value *= Double(edge) / Double(ramp) }
                return Int16(max(-32768, min(32767, value.rounded())))
            }
            out += [Int16](repeating: 0, count: rate * silenceMilliseconds / 1000)
            return out
        }
        return Prompt(name: name, samples8k: render(rate: 8000), samples16k: render(rate: 16000))
    }

    /// The record beep: 1 kHz, 300 ms.
    public static let beep = tone(name: "tone/beep", frequencies: [1000], levelDBm0: -10, milliseconds: 300)

    /// One ringback cadence (ITU-T E.180 / North America: 440 + 480 Hz, 2 s on, 4 s off); play it looping.
    public static let ringback = tone(name: "tone/ringback", frequencies: [440, 480], levelDBm0: -19, milliseconds: 2000, silenceMilliseconds: 4000)
}

import Foundation

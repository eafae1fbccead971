import Foundation

/// Streaming 2:1 rate conversion between 8 and 16 kHz for live audio (the relay), with a
/// 47-tap Blackman-windowed sinc low-pass at 3.7 kHz: about 1.5 ms of delay and no block
/// buffering (libsoxr, used for prompts, holds back tens of milliseconds per call, too much
/// for a conversation). State carries over between calls, so 20 ms pieces join cleanly.
public struct HalfBandResampler: Sendable {
    /// Which way it converts.
    public enum Direction: Sendable {
        /// 8 kHz → 16 kHz.
        case up
        /// 16 kHz → 8 kHz.
        case down
    }

    /// The direction.
    public let direction: Direction
    private static let taps: [Float] = {
        let count = 47
        let cutoff = 3700.0 / 16000.0
        let middle = Double(count - 1) / 2
        var h = (0..<count).map { n -> Double in
            let x = Double(n) - middle
            let sinc = x == 0 ? 2 * cutoff : sin(2 * .pi * cutoff * x) / (.pi * x)
            let window = 0.42 - 0.5 * cos(2 * .pi * Double(n) / Double(count - 1)) + 0.08 * cos(4 * .pi * Double(n) / Double(count - 1))
            return sinc * window
        }
        let sum = h.reduce(0, +)
        h = h.map { $0 / sum }
        return h.map(Float.init)
    }()
    private var history: [Float]
    private var phase = 0

    /// Creates a converter.
    public init(_ direction: Direction) {
        self.direction = direction
        history = [Float](repeating: 0, count: Self.taps.count)
    }

    private mutating func push(_ value: Float) -> Float {
        history.removeFirst()
        history.append(value)
        var acc: Float = 0
        for (tap, sample) in zip(Self.taps, history) { acc += tap * sample }
        return acc
    }

    /// Converts a piece of audio.
    public mutating func process(_ input: [Int16]) -> [Int16] {
        var output: [Int16] = []
        switch direction {
        case .up:
            output.reserveCapacity(input.count * 2)
            for sample in input {
                // Zero-stuffing halves the level; the gain of 2 restores it.
                output.append(Self.clamp(2 * push(Float(sample))))
                output.append(Self.clamp(2 * push(0)))
            }
        case .down:
            output.reserveCapacity(input.count / 2 + 1)
            for sample in input {
                let filtered = push(Float(sample))
                if phase == 0 { output.append(Self.clamp(filtered)) }
                phase ^= 1
            }
        }
        return output
    }

    private static func clamp(_ value: Float) -> Int16 {
        Int16(max(-32768, min(32767, value.rounded())))
    }
}

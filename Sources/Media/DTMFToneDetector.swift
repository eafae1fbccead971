import Foundation

/// In-band DTMF detection with Goertzel filters (ITU-T Q.23/Q.24), for calls whose far end
/// did not negotiate telephone-event.
///
/// Audio is cut into blocks of 12.75 ms (102 samples at 8 kHz, 204 at 16 kHz). In each
/// block the eight DTMF frequencies are measured; a block "hits" a key when:
/// - each of its two tones is above ``minimumToneLevel`` (energy check);
/// - the strongest row tone and column tone stand ``relativePeakRatio`` above the other
///   tones of their group;
/// - the twist is within limits: the column (high) tone at most ``normalTwistDB`` below the
///   row tone, at most ``reverseTwistDB`` above it;
/// - the two tones carry at least ``toneShareOfEnergy`` of the block's energy (speech and
///   music spread their energy over many frequencies; this is the main talk-off guard).
///
/// Duration: a key is reported after ``blocksToConfirm`` consecutive hits of the same key
/// (≥ 38 ms of tone), and another only after ``blocksToRelease`` blocks without it.
public struct DTMFToneDetector: Sendable {
    /// Sample rate of the audio fed in.
    public let sampleRate: Int
    /// Samples per analysis block.
    public let blockSize: Int
    /// Least level of each tone, in dBm0 (Q.24 asks for acceptance down to about −25 dBm0).
    public var minimumToneLevel: Double = -32 {
        didSet { minimumToneEnergy = Self.energy(levelDBm0: minimumToneLevel, blockSize: blockSize) }
    }
    /// How far the column tone may be below the row tone (normal twist), in dB.
    public var normalTwistDB: Double = 8
    /// How far the column tone may be above the row tone (reverse twist), in dB.
    public var reverseTwistDB: Double = 6
    /// Each tone must exceed the others of its group by this factor in energy (≈ 9 dB).
    public var relativePeakRatio: Float = 8
    /// Share of block energy the two tones must carry.
    public var toneShareOfEnergy: Float = 0.7
    /// Consecutive hit blocks needed to report a key.
    public var blocksToConfirm = 3
    /// Consecutive blocks without the key before a new key can be reported.
    public var blocksToRelease = 2

    private let coefficients: [Float]
    private var minimumToneEnergy: Float
    private var block: [Float]
    private var candidate: DTMFDigit?
    private var hits = 0
    private var reported: DTMFDigit?
    private var misses = 0

    /// The peak amplitude of a 0 dBm0 sine in 16-bit PCM (G.711: +3.17 dBm0 is full scale 32124).
    public static let zeroDBm0Amplitude: Double = 22_300

    /// Creates a detector for audio at `sampleRate` (8000 or 16000 Hz).
    public init(sampleRate: Int = 8000) {
        self.sampleRate = sampleRate
        blockSize = sampleRate * 102 / 8000
        let frequencies: [Double] = [697, 770, 852, 941, 1209, 1336, 1477, 1633]
        coefficients = frequencies.map { Float(2 * cos(2 * Double.pi * $0 / Double(sampleRate))) }
        minimumToneEnergy = Self.energy(levelDBm0: -32, blockSize: sampleRate * 102 / 8000)
        block = []
        block.reserveCapacity(blockSize)
    }

    /// Energy (Σx²) of a sine at `levelDBm0` over a block.
    static func energy(levelDBm0: Double, blockSize: Int) -> Float {
        let amplitude = zeroDBm0Amplitude * pow10(levelDBm0 / 20)
        return Float(amplitude * amplitude * Double(blockSize) / 2)
    }

    /// Feeds samples; returns keys detected in them, in order.
    public mutating func process(_ samples: UnsafeBufferPointer<Int16>) -> [DTMFDigit] {
        var found: [DTMFDigit] = []
        for sample in samples {
            block.append(Float(sample))
            if block.count == blockSize {
                if let digit = analyseBlock() { found.append(digit) }
                block.removeAll(keepingCapacity: true)
            }
        }
        return found
    }

    /// Feeds an array of samples.
    public mutating func process(_ samples: [Int16]) -> [DTMFDigit] {
        samples.withUnsafeBufferPointer { process($0) }
    }

    private mutating func analyseBlock() -> DTMFDigit? {
        let hit = classify()
        // Duration logic (Q.24: tones shorter than ~40 ms are not keys; pauses separate keys).
        if let hit, hit == candidate {
            hits += 1
        } else {
            candidate = hit
            hits = hit == nil ? 0 : 1
        }
        if let reportedDigit = reported {
            if hit == reportedDigit {
                misses = 0
                return nil
            }
            misses += 1
            guard misses >= blocksToRelease else { return nil }
            reported = nil
        }
        if let candidate, hits >= blocksToConfirm {
            reported = candidate
            misses = 0
            return candidate
        }
        return nil
    }

    private func classify() -> DTMFDigit? {
        var energies = [Float](repeating: 0, count: 8)
        var total: Float = 0
        for sample in block { total += sample * sample }
        guard total > 0 else { return nil }
        let scale = 2 / Float(blockSize)
        for (index, coefficient) in coefficients.enumerated() {
            var s1: Float = 0, s2: Float = 0
            for sample in block {
                let s0 = sample + coefficient * s1 - s2
                s2 = s1
                s1 = s0
            }
            energies[index] = (s1 * s1 + s2 * s2 - coefficient * s1 * s2) * scale
        }
        let row = (0..<4).max { energies[$0] < energies[$1] } ?? 0
        let column = (4..<8).max { energies[$0] < energies[$1] } ?? 4
        let rowEnergy = energies[row], columnEnergy = energies[column]
        guard rowEnergy >= minimumToneEnergy, columnEnergy >= minimumToneEnergy else { return nil }
        // Twist (energy ratios in dB).
        guard columnEnergy >= rowEnergy * Float(pow10(-normalTwistDB / 10)),
              rowEnergy >= columnEnergy * Float(pow10(-reverseTwistDB / 10)) else { return nil }
        for index in 0..<4 where index != row {
            guard energies[index] * relativePeakRatio < rowEnergy else { return nil }
        }
        for index in 4..<8 where index != column {
            guard energies[index] * relativePeakRatio < columnEnergy else { return nil }
        }
        guard rowEnergy + columnEnergy >= toneShareOfEnergy * total else { return nil }
        return DTMFDigit.at(row: row, column: column - 4)
    }
}

@inline(__always)
func pow10(_ x: Double) -> Double {
    exp(x * 2.302585092994046)
}

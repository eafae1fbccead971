/// Reception statistics for one source: RFC 3550 Appendix A.1 sequence validation
/// (probation, wrap-around, restarts), A.3 loss and A.8 interarrival jitter.
public struct RTPSourceStatistics: Sendable {
    /// Packets needed in sequence before a source is valid (A.1 MIN_SEQUENTIAL).
    static let minSequential = 2
    static let maxDropout: UInt16 = 3000
    static let maxMisorder: UInt16 = 100
    static let sequenceModulo: UInt32 = 1 << 16

    private(set) var maxSequence: UInt16
    private(set) var cycles: UInt32 = 0
    private(set) var baseSequence: UInt32
    private var badSequence: UInt32 = sequenceModulo + 1
    private(set) var probation: Int
    /// Packets accepted (A.1 `received`).
    public private(set) var received: UInt32 = 0
    private var expectedPrior: UInt32 = 0
    private var receivedPrior: UInt32 = 0
    private var transit: Int64 = 0
    private var jitterQ4: Int64 = 0
    private var haveTransit = false

    /// Starts statistics at the first packet's sequence number (A.1 `init_seq`, with probation).
    public init(firstSequence: UInt16) {
        maxSequence = firstSequence &- 1
        probation = Self.minSequential
        baseSequence = UInt32(firstSequence)
    }

    private mutating func initSequence(_ seq: UInt16) {
        baseSequence = UInt32(seq)
        maxSequence = seq
        badSequence = Self.sequenceModulo + 1
        cycles = 0
        received = 0
        receivedPrior = 0
        expectedPrior = 0
    }

    /// A.1 `update_seq`: whether the packet counts (false while on probation after a jump,
    /// or for a duplicate/very late packet).
    public mutating func update(sequence seq: UInt16) -> Bool {
        let delta = seq &- maxSequence
        if probation > 0 {
            if seq == maxSequence &+ 1 {
                probation -= 1
                maxSequence = seq
                if probation == 0 {
                    initSequence(seq)
                    received += 1
                    return true
                }
            } else {
                probation = Self.minSequential - 1
                maxSequence = seq
            }
            return false
        } else if delta < Self.maxDropout {
            if seq < maxSequence { cycles &+= Self.sequenceModulo }
            maxSequence = seq
        } else if delta <= UInt16.max - Self.maxMisorder {
            // A large jump: a restart if the next packet follows it.
            if UInt32(seq) == badSequence {
                initSequence(seq)
            } else {
                badSequence = (UInt32(seq) + 1) & (Self.sequenceModulo - 1)
                return false
            }
        } else {
            // Duplicate or reordered packet: counted, does not move the maximum.
        }
        received &+= 1
        return true
    }

    /// Whether the source has passed probation.
    public var isValid: Bool { probation == 0 }

    /// The extended highest sequence number (A.3).
    public var extendedHighestSequence: UInt32 { cycles &+ UInt32(maxSequence) }

    /// Packets expected so far (A.3).
    public var expected: UInt32 { extendedHighestSequence &- baseSequence &+ 1 }

    /// Cumulative packets lost, clamped to 24 bits signed (A.3).
    public var cumulativeLost: Int32 {
        let lost = Int64(expected) - Int64(received)
        return Int32(max(-0x80_0000, min(0x7F_FFFF, lost)))
    }

    /// A.8: updates jitter with a packet's RTP timestamp and its arrival in RTP units.
    public mutating func updateJitter(rtpTimestamp: UInt32, arrival: UInt32) {
        let newTransit = Int64(Int32(bitPattern: arrival &- rtpTimestamp))
        if haveTransit {
            let d = abs(newTransit - transit)
            jitterQ4 += d - ((jitterQ4 + 8) >> 4)
        }
        transit = newTransit
        haveTransit = true
    }

    /// Interarrival jitter in timestamp units.
    public var jitter: UInt32 { UInt32(truncatingIfNeeded: jitterQ4 >> 4) }

    /// A report block for this source; advances the "prior" counters for the fraction (A.3).
    public mutating func makeReportBlock(ssrc: UInt32, lastSenderReport: UInt32 = 0, delaySinceLastSenderReport: UInt32 = 0) -> RTCPReportBlock {
        let expectedInterval = Int64(expected) - Int64(expectedPrior)
        let receivedInterval = Int64(received) - Int64(receivedPrior)
        expectedPrior = expected
        receivedPrior = received
        let lostInterval = expectedInterval - receivedInterval
        let fraction: UInt8 = (expectedInterval == 0 || lostInterval <= 0) ? 0 : UInt8(min(255, (lostInterval << 8) / expectedInterval))
        return RTCPReportBlock(
            ssrc: ssrc, fractionLost: fraction, cumulativeLost: cumulativeLost,
            extendedHighestSequence: extendedHighestSequence, jitter: jitter,
            lastSenderReport: lastSenderReport, delaySinceLastSenderReport: delaySinceLastSenderReport
        )
    }
}

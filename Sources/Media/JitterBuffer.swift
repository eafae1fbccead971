/// A small fixed-delay jitter buffer for audio that is recorded or run through the DTMF
/// detector (not for what is relayed, which passes straight through).
///
/// Packets are ordered by sequence number (with wrap-around); playout starts once
/// `depth` packets are held and then yields one frame per tick, `nil` for a frame that
/// never arrived (the consumer conceals it, e.g. with silence). Duplicates and packets
/// older than the playout point are dropped and counted.
public struct JitterBuffer<Frame: Sendable>: Sendable {
    /// Frames held before playout starts.
    public let depth: Int
    /// Most frames held; beyond it the oldest are played out as late.
    public let capacity: Int
    private var slots: [UInt16: Frame] = [:]
    private var nextSequence: UInt16?
    private var started = false
    /// Packets dropped as duplicates.
    public private(set) var duplicates = 0
    /// Packets dropped because their turn had passed.
    public private(set) var late = 0
    /// Ticks that found no frame (losses).
    public private(set) var missing = 0
    /// Times the stream jumped and the buffer started over.
    public private(set) var resets = 0

    /// Creates a buffer holding `depth` frames before playout (3 × 20 ms by default).
    public init(depth: Int = 3, capacity: Int = 50) {
        self.depth = max(depth, 1)
        self.capacity = max(capacity, self.depth + 1)
    }

    /// Frames waiting.
    public var count: Int { slots.count }

    /// Offers a frame with its RTP sequence number.
    public mutating func insert(_ frame: Frame, sequenceNumber: UInt16) {
        if let next = nextSequence {
            // Signed distance with wrap-around (RFC 3550 A.1 arithmetic).
            let distance = Int(Int16(bitPattern: sequenceNumber &- next))
            if distance > capacity || distance < -Int(RTPSourceStatistics.maxMisorder) {
                // A jump (the far end restarted its stream, RFC 3550 A.1): start over.
                resets += 1
                slots.removeAll()
                started = false
                nextSequence = sequenceNumber
                slots[sequenceNumber] = frame
                return
            }
            if distance < 0 {
                guard !started else {
                    late += 1
                    return
                }
                nextSequence = sequenceNumber  // an earlier packet arrived while filling
            }
        } else {
            nextSequence = sequenceNumber
        }
        guard slots[sequenceNumber] == nil else {
            duplicates += 1
            return
        }
        slots[sequenceNumber] = frame
        if slots.count > capacity, let next = nextSequence {
            // Overflow: skip ahead so the buffer does not grow without bound.
            slots[next] = nil
            nextSequence = next &+ 1
        }
    }

    /// The frame due at this tick: `.waiting` before playout starts, then `.frame` or
    /// `.missing` once per tick.
    public mutating func pop() -> Playout {
        guard let next = nextSequence else { return .waiting }
        if !started {
            guard slots.count >= depth else { return .waiting }
            started = true
        }
        nextSequence = next &+ 1
        if let frame = slots.removeValue(forKey: next) { return .frame(frame) }
        missing += 1
        if slots.isEmpty {
            // Stream paused: wait for the buffer to fill again before resuming.
            started = false
            nextSequence = nil
        }
        return .missing
    }

    /// One tick's result.
    public enum Playout: Sendable {
        /// Not yet playing (filling).
        case waiting
        /// The frame due now.
        case frame(Frame)
        /// The frame due now was lost.
        case missing
    }
}

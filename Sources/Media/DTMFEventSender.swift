/// RFC 4733 sender: the packets of one key press, one per tick.
///
/// §2.5.1.2: the first packet carries the marker bit; every packet carries the event's
/// start timestamp and the duration so far; §2.5.1.4: the end packet is sent three times.
/// Audio is suppressed while an event is being sent.
public struct DTMFEventSender: Sendable {
    /// One packet to send this tick.
    public struct Packet: Sendable, Equatable {
        /// Payload (four octets).
        public var event: TelephoneEvent
        /// The RTP timestamp: the event's start.
        public var timestamp: UInt32
        /// Marker bit (first packet only).
        public var marker: Bool
    }

    private var queue: [(DTMFDigit, UInt32)] = []
    private var active: (digit: DTMFDigit, start: UInt32, elapsed: UInt32, target: UInt32, endsSent: Int)?
    /// Ticks of silence (no event) between queued keys.
    private var gapTicksLeft = 0
    /// Timestamp units per tick (160 for 20 ms).
    public let unitsPerTick: UInt32
    /// Power level in −dBm0.
    public var volume: UInt8 = 10

    /// Creates a sender ticking every `unitsPerTick` timestamp units.
    public init(unitsPerTick: UInt32 = 160) {
        self.unitsPerTick = unitsPerTick
    }

    /// Queues a key lasting `durationUnits` (default 100 ms at 8 kHz).
    public mutating func send(_ digit: DTMFDigit, durationUnits: UInt32 = 800) {
        queue.append((digit, max(durationUnits, unitsPerTick)))
    }

    /// Whether an event is in progress or queued (audio should pause).
    public var isBusy: Bool { active != nil || !queue.isEmpty }

    /// The packets for the tick whose RTP timestamp is `timestamp`; empty when idle.
    public mutating func tick(timestamp: UInt32) -> [Packet] {
        if active == nil {
            if gapTicksLeft > 0 {
                gapTicksLeft -= 1
                return []
            }
            guard !queue.isEmpty else { return [] }
            let (digit, target) = queue.removeFirst()
            active = (digit, timestamp, 0, target, 0)
        }
        guard var event = active else { return [] }
        let isFirst = event.elapsed == 0
        event.elapsed = min(event.elapsed + unitsPerTick, event.target, 0xFFFF)
        let duration = UInt16(event.elapsed)
        if event.elapsed >= event.target || event.elapsed >= 0xFFFF {
            // §2.5.1.4: three copies of the end packet (here one per tick).
            event.endsSent += 1
            let packet = Packet(event: TelephoneEvent(event: event.digit.rawValue, isEnd: true, volume: volume, duration: duration),
                                timestamp: event.start, marker: isFirst)
            if event.endsSent >= 3 {
                active = nil
                gapTicksLeft = 2  // 40 ms between keys
            } else {
                active = event
            }
            return [packet]
        }
        active = event
        return [Packet(event: TelephoneEvent(event: event.digit.rawValue, volume: volume, duration: duration), timestamp: event.start, marker: isFirst)]
    }
}

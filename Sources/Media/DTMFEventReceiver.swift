/// RFC 4733 receiver: turns telephone-event packets into key presses, once each.
///
/// An event is identified by its RTP timestamp (§2.5.2.1); a key is reported on the first
/// packet of a new event, whatever its sequence. Redundant end packets (§2.5.1.4),
/// duplicates and late packets of events already seen are ignored. A long event split
/// into segments (§2.5.1.3: duration overflow, a new timestamp that continues the same
/// event) is one key. An event whose end packets are all lost is ended by ``expire(at:)``.
public struct DTMFEventReceiver: Sendable {
    /// A key press, reported when it starts and again when it ends.
    public enum Report: Sendable, Equatable {
        /// A new key (report it to the digit stream now: lowest latency).
        case began(DTMFDigit, timestamp: UInt32)
        /// The key's end with its total duration in timestamp units.
        case ended(DTMFDigit, timestamp: UInt32, duration: UInt32)
    }

    private struct Current {
        var digit: DTMFDigit
        var startTimestamp: UInt32
        var segmentTimestamp: UInt32
        var segmentDuration: UInt16
        var accumulated: UInt32
        var ended: Bool
        var lastPacketAtUnits: UInt32
    }

    private var current: Current?
    /// Timestamps of recent events, so reordered or redundant packets of a finished event
    /// do not start it again.
    private var recent: [UInt32] = []
    /// Packets ignored as duplicates or belonging to past events.
    public private(set) var ignored = 0
    /// How long (timestamp units) without packets ends an event whose end was lost.
    public var endTimeout: UInt32 = 8000 / 5

    /// Creates a receiver.
    public init() {}

    /// Handles one telephone-event packet with its RTP timestamp. `arrival` is the local
    /// clock in 8 kHz units (for ``expire(at:)``).
    public mutating func receive(_ event: TelephoneEvent, timestamp: UInt32, arrival: UInt32) -> [Report] {
        guard let digit = DTMFDigit(rawValue: event.event) else {
            ignored += 1  // flash or non-DTMF events: not keys
            return []
        }
        var reports: [Report] = []
        if var cur = current, cur.segmentTimestamp == timestamp {
            // Same event: update duration, maybe end.
            cur.lastPacketAtUnits = arrival
            if cur.ended {
                ignored += 1  // redundant end (§2.5.1.4) or a late packet
                current = cur
                return []
            }
            if event.duration >= cur.segmentDuration { cur.segmentDuration = event.duration } else { ignored += 1 }
            if event.isEnd {
                cur.ended = true
                reports.append(.ended(cur.digit, timestamp: cur.startTimestamp, duration: cur.accumulated + UInt32(cur.segmentDuration)))
            }
            current = cur
            return reports
        }
        if recent.contains(timestamp) {
            ignored += 1
            return []
        }
        if let cur = current, !cur.ended {
            let segmentEnd = cur.segmentTimestamp &+ UInt32(cur.segmentDuration)
            let gap = Int32(bitPattern: timestamp &- segmentEnd)
            if cur.digit == digit, cur.segmentDuration >= 0xF000, abs(gap) <= 800 {
                // §2.5.1.3: a long-duration event continues in a new segment.
                var next = cur
                next.accumulated += UInt32(cur.segmentDuration)
                next.segmentTimestamp = timestamp
                next.segmentDuration = event.duration
                next.lastPacketAtUnits = arrival
                remember(timestamp)
                if event.isEnd {
                    next.ended = true
                    reports.append(.ended(digit, timestamp: next.startTimestamp, duration: next.accumulated + UInt32(event.duration)))
                }
                current = next
                return reports
            }
            if Int32(bitPattern: timestamp &- cur.segmentTimestamp) < 0 {
                ignored += 1  // an older event arriving late, after a newer one began
                return []
            }
            // A new event before the old one's end arrived: end the old one.
            reports.append(.ended(cur.digit, timestamp: cur.startTimestamp, duration: cur.accumulated + UInt32(cur.segmentDuration)))
        } else if let cur = current, Int32(bitPattern: timestamp &- cur.segmentTimestamp) < 0 {
            ignored += 1
            return []
        }
        remember(timestamp)
        let fresh = Current(digit: digit, startTimestamp: timestamp, segmentTimestamp: timestamp, segmentDuration: event.duration,
                            accumulated: 0, ended: event.isEnd, lastPacketAtUnits: arrival)
        current = fresh
        reports.append(.began(digit, timestamp: timestamp))
        if event.isEnd {
            reports.append(.ended(digit, timestamp: timestamp, duration: UInt32(event.duration)))
        }
        return reports
    }

    /// Ends an event whose end packets never came, once no packet arrived for ``endTimeout``.
    public mutating func expire(at arrival: UInt32) -> Report? {
        guard var cur = current, !cur.ended, arrival &- cur.lastPacketAtUnits >= endTimeout else { return nil }
        cur.ended = true
        current = cur
        return .ended(cur.digit, timestamp: cur.startTimestamp, duration: cur.accumulated + UInt32(cur.segmentDuration))
    }

    private mutating func remember(_ timestamp: UInt32) {
        recent.append(timestamp)
        if recent.count > 16 { recent.removeFirst() }
    }
}

/// Virtual or real monotonic time, nanoseconds from an arbitrary origin.
///
/// The transaction layer never reads a clock: every entry point takes `now`, so a test drives
/// it with virtual time and the NIO driver with `NIODeadline.now().uptimeNanoseconds`.
public struct SIPInstant: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the clock's origin.
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    /// The origin of the clock.
    public static let zero = SIPInstant(nanoseconds: 0)

    public static func < (lhs: SIPInstant, rhs: SIPInstant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// The instant `duration` later (saturating at the ends of the range).
    public static func + (lhs: SIPInstant, rhs: Duration) -> SIPInstant {
        let (sum, overflow) = lhs.nanoseconds.addingReportingOverflow(rhs.clampedNanoseconds)
        if overflow { return SIPInstant(nanoseconds: rhs < .zero ? .min : .max) }
        return SIPInstant(nanoseconds: sum)
    }

    /// The time from `rhs` to `lhs`.
    public static func - (lhs: SIPInstant, rhs: SIPInstant) -> Duration {
        let (difference, overflow) = lhs.nanoseconds.subtractingReportingOverflow(rhs.nanoseconds)
        if overflow { return .nanoseconds(lhs.nanoseconds < rhs.nanoseconds ? Int64.min : Int64.max) }
        return .nanoseconds(difference)
    }

    public var description: String { String(nanoseconds) + "ns" }
}

extension Duration {
    /// Whole nanoseconds, clamped to the range of `Int64`.
    var clampedNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return seconds < 0 ? .min : .max }
        return sum
    }
}

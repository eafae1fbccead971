import NIOCore
import SIPTransaction

extension NIODeadline {
    /// The NIO deadline of a transaction-layer instant (both count uptime nanoseconds).
    init(_ instant: SIPInstant) {
        self = .uptimeNanoseconds(UInt64(max(0, instant.nanoseconds)))
    }
}

extension TimeAmount {
    /// A Swift `Duration` as NIO's time amount, to the nanosecond.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

import NIOCore
import Testing
@testable import Switchboard

/// The media engine's tick-lateness histogram (`MediaEngine.stop`'s log line, read by
/// `switchboard bench calls`).
@Suite("Tick lateness")
struct TickLatenessTests {
    @Test("percentiles are the upper edge of 0.1 ms buckets; ticks without packets are not counted")
    func percentiles() {
        var lateness = TickLateness()
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        for milliseconds in 1...100 {
            lateness.record(deadline: start, flushed: start + .microseconds(Int64(milliseconds) * 1000 - 50), packets: 10)
        }
        lateness.record(deadline: start, flushed: start + .seconds(5), packets: 0)
        #expect(lateness.percentile(0.5) == 50)
        #expect(lateness.percentile(0.99) == 99)
        #expect(lateness.percentile(1) == 100)
        let summary = lateness.summary(skippedTicks: 3, sent: 1000, dropped: 2)
        #expect(summary.hasPrefix("media: 100 ticks with packets (1000 packets), flush lateness p50 50.0 ms p99 99.0 ms max 100.0 ms, 3 ticks skipped"))
    }

    @Test("late beyond a second counts in the last bucket; early flushes count as on time")
    func extremes() {
        var lateness = TickLateness()
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        lateness.record(deadline: start, flushed: start + .seconds(3), packets: 1)
        lateness.record(deadline: start + .milliseconds(1), flushed: start, packets: 1)
        #expect(lateness.percentile(0.5) == 0.1)
        #expect(lateness.percentile(1) == 1000.1)
        #expect(TickLateness().percentile(0.99) == 0)
    }
}

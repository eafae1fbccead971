import Media
import NIOConcurrencyHelpers
import NIOCore

/// The calls' media spread over one ``MediaEngine`` per media event loop (one per core by
/// default). A call's channel, and for a bridged transfer the second leg's too, lives on
/// the engine ``pick()`` gave its session (round robin); each engine binds RTP ports from
/// its own slice of the range, so the loops do not race for the same ports.
final class MediaEnginePool: Sendable {
    let engines: [MediaEngine]
    private let turn = NIOLockedValueBox(0)

    private init(engines: [MediaEngine]) {
        self.engines = engines
    }

    /// Starts one engine on each of `group`'s first `loops` loops.
    static func start(on group: any EventLoopGroup, loops: Int, bindHost: String = "0.0.0.0",
                      ports: ClosedRange<Int> = 10000...20000, writePath: MediaLoopDriver.WritePath = .batched,
                      phases: Int = 1, sharedPort: Bool = false) async throws -> MediaEnginePool {
        let channelIDs = NIOLockedValueBox(0)
        var engines: [MediaEngine] = []
        let slices = slices(of: ports, into: max(1, loops))
        for (slice, loop) in zip(slices, group.makeIterator()) {
            engines.append(try await MediaEngine.start(on: loop, bindHost: bindHost, ports: slice, writePath: writePath,
                                                       phases: phases, sharedPort: sharedPort, channelIDs: channelIDs))
        }
        return MediaEnginePool(engines: engines)
    }

    /// `ports` cut into `count` contiguous slices of at least 64 ports each (fewer slices
    /// when the range is small; a small range is then shared and binds may retry).
    static func slices(of ports: ClosedRange<Int>, into count: Int) -> [ClosedRange<Int>] {
        let parts = max(1, min(count, ports.count / 64))
        let width = ports.count / parts
        let sliced = (0..<parts).map { index in
            let lower = ports.lowerBound + index * width
            return lower...(index == parts - 1 ? ports.upperBound : lower + width - 1)
        }
        return (0..<count).map { sliced[$0 % parts] }
    }

    /// The engine for a new call (from any thread).
    func pick() -> MediaEngine {
        engines[turn.withLockedValue { value in
            value += 1
            return value % engines.count
        }]
    }

    /// Stops every engine. Returns a one-line summary of the clocks' pacing since the start
    /// (for the log; `bench calls` reads it).
    func stop() async -> String {
        var total = MediaPacing(lateness: TickLateness(), skippedTicks: 0, sent: 0, dropped: 0)
        for engine in engines {
            guard let pacing = await engine.stop() else { continue }
            total.lateness.merge(pacing.lateness)
            total.skippedTicks += pacing.skippedTicks
            total.sent += pacing.sent
            total.dropped += pacing.dropped
        }
        return total.lateness.summary(skippedTicks: total.skippedTicks, sent: total.sent, dropped: total.dropped)
            + " (\(engines.count) media loop\(engines.count == 1 ? "" : "s"))"
    }

    /// Every engine's counters added up (largest lateness: the worst).
    func counters() async -> MediaCounters? {
        var total: MediaCounters?
        for engine in engines {
            guard let counters = try? await engine.eventLoop.submit({ engine.counters() }).get() else { continue }
            guard var sum = total else {
                total = counters
                continue
            }
            sum.sent += counters.sent
            sum.received += counters.received
            sum.latenessCount += counters.latenessCount
            sum.latenessSumSeconds += counters.latenessSumSeconds
            sum.latenessMaxSeconds = max(sum.latenessMaxSeconds, counters.latenessMaxSeconds)
            total = sum
        }
        return total
    }
}

/// One engine's pacing since its start.
struct MediaPacing: Sendable {
    var lateness: TickLateness
    var skippedTicks: Int64
    var sent: Int
    var dropped: Int
}

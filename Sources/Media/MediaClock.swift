import NIOCore

/// The media clock of one event loop, sans-IO: every 20 ms it asks each of its channels for
/// the frame due and hands the packets out in one go, so the driver can write them all and
/// flush once. There is no timer per call.
///
/// **Phases.** With `phases: 1` every channel is served at the same tick, so the last
/// packet of a tick leaves when the whole tick is done: with thousands of channels that is
/// milliseconds late. With `phases: n` the 20 ms frame is cut into n sub-ticks of 20/n ms
/// and each channel belongs to one phase (the least loaded when it is added): every
/// channel still sends every 20 ms on its own schedule, one flush per sub-tick, and a
/// sub-tick only carries 1/n of the channels.
///
/// Ticks are scheduled from the start time (`start + k × 20/n ms`), never from the
/// previous tick, so lateness does not accumulate. When the loop falls behind, due ticks
/// run back to back; a tick more than ``maximumLateness`` late is skipped instead (the RTP
/// timestamps still advance, so the far end sees a gap, not a time warp).
public final class MediaClock {
    /// The frame period every channel sends at.
    public let frameInterval: TimeAmount
    /// Sub-ticks per frame.
    public let phases: Int
    /// The tick period: frame interval / phases.
    public let tickInterval: TimeAmount
    /// The deadline of the next tick.
    public private(set) var nextTick: NIODeadline
    /// Ticks run or skipped so far.
    public private(set) var ticks: Int64 = 0
    /// Ticks skipped because the loop fell too far behind.
    public private(set) var skippedTicks: Int64 = 0
    /// A tick later than this is skipped rather than sent.
    public var maximumLateness: TimeAmount = .milliseconds(50)
    /// Ticks (frames) between two RTCP reports of a channel (250 × 20 ms = 5 s, RFC 3550
    /// §6.2's minimum); channels are spread over the interval by id.
    public var rtcpIntervalTicks: Int64 = 250
    /// Frames between inactivity checks (one second).
    public var inactivityCheckTicks: Int64 = 50
    /// Each phase's channels, unretained: the tick loop then costs no retain/release per
    /// channel. ``entries`` holds the references.
    private var buckets: [[Unmanaged<MediaChannel>]]
    private var entries: [Int: (channel: MediaChannel, phase: Int, index: Int)] = [:]
    /// Channels removed while ``advance(to:send:sendRTCP:flush:)`` runs, kept alive until
    /// it returns (its loop may still hold them).
    private var removedWhileAdvancing: [MediaChannel] = []
    private var advancing = false

    /// The phase counts a clock takes (20: 1 ms sub-ticks; finer wakes the loop for nothing).
    public static let phaseRange = 1...20
    /// What a setting outside ``phaseRange`` is told.
    public static let phaseRangeProblem = "expected a number from \(phaseRange.lowerBound) to \(phaseRange.upperBound)"

    /// Creates a clock whose first tick is at `start`; `phases` is clamped to ``phaseRange``.
    public init(start: NIODeadline, frameInterval: TimeAmount = .milliseconds(20), phases: Int = 1) {
        self.nextTick = start
        self.frameInterval = frameInterval
        self.phases = max(Self.phaseRange.lowerBound, min(phases, Self.phaseRange.upperBound))
        self.tickInterval = .nanoseconds(frameInterval.nanoseconds / Int64(self.phases))
        buckets = Array(repeating: [], count: self.phases)
    }

    /// Channels on this clock.
    public var channelCount: Int { entries.count }

    /// When the next tick with channels to serve is due: the driver sleeps through the
    /// ticks of empty phases (running them costs nothing when it wakes), so an idle loop
    /// wakes once per frame, not once per phase. With no channels at all: the last tick of
    /// the coming frame.
    public var nextDueTick: NIODeadline {
        for step in 0..<phases where !buckets[Int((ticks + Int64(step)) % Int64(phases))].isEmpty {
            return nextTick + .nanoseconds(tickInterval.nanoseconds * Int64(step))
        }
        return nextTick + .nanoseconds(tickInterval.nanoseconds * Int64(phases - 1))
    }

    /// The channel with `id`.
    public func channel(_ id: Int) -> MediaChannel? {
        entries[id]?.channel
    }

    /// Adds a channel to the least loaded phase; it sends from its phase's next tick, and
    /// its inactivity clock starts.
    public func add(_ channel: MediaChannel) {
        guard entries[channel.id] == nil else { return }
        channel.receiver.armInactivityTimer(at: nextTick)
        var phase = 0
        for candidate in 1..<phases where buckets[candidate].count < buckets[phase].count { phase = candidate }
        entries[channel.id] = (channel, phase, buckets[phase].count)
        buckets[phase].append(Unmanaged.passUnretained(channel))
    }

    /// Removes a channel (swap-remove: O(1)).
    public func remove(id: Int) {
        guard let (removed, phase, index) = entries.removeValue(forKey: id) else { return }
        if advancing { removedWhileAdvancing.append(removed) }
        let last = buckets[phase].removeLast()
        if index < buckets[phase].count {
            buckets[phase][index] = last
            let moved = last.takeUnretainedValue()
            entries[moved.id] = (moved, phase, index)
        }
    }

    /// Runs every tick due at `now`. `send` gets each packet, `sendRTCP` each channel whose
    /// report is due; `flush` is called once per tick after its last packet. Returns
    /// channel events and the deadlines of the ticks run (for lateness measurements).
    @discardableResult
    public func advance(
        to now: NIODeadline,
        send: (MediaChannel, RTPHeader, UnsafeRawBufferPointer) -> Void,
        sendRTCP: ((MediaChannel) -> Void)? = nil,
        flush: () -> Void = {}
    ) -> (events: [MediaEvent], tickDeadlines: [NIODeadline]) {
        var events: [MediaEvent] = []
        var deadlines: [NIODeadline] = []
        advancing = true
        defer {
            advancing = false
            removedWhileAdvancing.removeAll()
        }
        while nextTick <= now {
            let phase = Int(ticks % Int64(phases))
            let frame = ticks / Int64(phases)
            if now - nextTick > maximumLateness {
                // Skip: advance these channels' timelines without sending.
                for member in buckets[phase] {
                    member._withUnsafeGuaranteedRef { $0.tick(into: &events) { _, _ in } }
                }
                skippedTicks += 1
            } else {
                let rtcpSlot = Int(frame % rtcpIntervalTicks)
                let checkInactivity = frame % inactivityCheckTicks == 0
                let deadline = nextTick
                for member in buckets[phase] {
                    member._withUnsafeGuaranteedRef { channel in
                        // The closure captures the trivial `member`, not a reference to retain.
                        channel.tick(into: &events) { header, payload in
                            member._withUnsafeGuaranteedRef { send($0, header, payload) }
                        }
                        if let sendRTCP, channel.id % Int(rtcpIntervalTicks) == rtcpSlot { sendRTCP(channel) }
                        if checkInactivity, let event = channel.checkInactivity(at: deadline) { events.append(event) }
                    }
                }
                flush()
                deadlines.append(nextTick)
            }
            ticks += 1
            nextTick = nextTick + tickInterval
        }
        return (events, deadlines)
    }
}

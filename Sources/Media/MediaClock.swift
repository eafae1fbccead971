import NIOCore

/// The media clock of one event loop, sans-IO: every 20 ms it asks each of its channels for
/// the frame due and hands all packets out in one go, so the driver can write them all and
/// flush once. There is no timer per call.
///
/// Ticks are scheduled from the start time (`start + n × 20 ms`), never from the previous
/// tick, so lateness does not accumulate. When the loop falls behind, due ticks are run
/// back to back up to ``maximumCatchUpTicks``; beyond that they are skipped (the RTP
/// timestamps still advance, so the far end sees a gap, not a time warp).
public final class MediaClock {
    /// The tick period.
    public let tickInterval: TimeAmount
    /// The deadline of the next tick.
    public private(set) var nextTick: NIODeadline
    /// Ticks run so far.
    public private(set) var ticks: Int64 = 0
    /// Ticks skipped because the loop fell too far behind.
    public private(set) var skippedTicks: Int64 = 0
    /// Most ticks run at once when catching up.
    public var maximumCatchUpTicks = 3
    private var channels: [MediaChannel] = []
    private var indexByID: [Int: Int] = [:]

    /// Creates a clock whose first tick is at `start`.
    public init(start: NIODeadline, tickInterval: TimeAmount = .milliseconds(20)) {
        self.nextTick = start
        self.tickInterval = tickInterval
    }

    /// Channels on this clock.
    public var channelCount: Int { channels.count }

    /// The channel with `id`.
    public func channel(_ id: Int) -> MediaChannel? { indexByID[id].map { channels[$0] } }

    /// Ticks between two RTCP reports of a channel (250 × 20 ms = 5 s, RFC 3550 §6.2's
    /// minimum); channels are spread over the interval by id.
    public var rtcpIntervalTicks: Int64 = 250
    /// Ticks between inactivity checks (one second).
    public var inactivityCheckTicks: Int64 = 50

    /// Adds a channel; it sends from the next tick, and its inactivity clock starts.
    public func add(_ channel: MediaChannel) {
        guard indexByID[channel.id] == nil else { return }
        channel.receiver.armInactivityTimer(at: nextTick)
        indexByID[channel.id] = channels.count
        channels.append(channel)
    }

    /// Removes a channel (swap-remove: O(1)).
    public func remove(id: Int) {
        guard let index = indexByID.removeValue(forKey: id) else { return }
        let last = channels.removeLast()
        if index < channels.count {
            channels[index] = last
            indexByID[last.id] = index
        }
    }

    /// Runs every tick due at `now`. `send` gets each packet; `flush` is called once per
    /// tick after the last packet. Returns channel events (play lists finished) and the
    /// deadlines of the ticks run (for lateness measurements).
    @discardableResult
    public func advance(
        to now: NIODeadline,
        send: (MediaChannel, RTPHeader, UnsafeRawBufferPointer) -> Void,
        sendRTCP: ((MediaChannel) -> Void)? = nil,
        flush: () -> Void = {}
    ) -> (events: [MediaEvent], tickDeadlines: [NIODeadline]) {
        var events: [MediaEvent] = []
        var deadlines: [NIODeadline] = []
        var due = 0
        while nextTick <= now {
            due += 1
            if due > maximumCatchUpTicks {
                // Skip: advance every channel's timeline without sending.
                for channel in channels { events += channel.tick { _, _ in } }
                skippedTicks += 1
            } else {
                let rtcpSlot = Int(ticks % rtcpIntervalTicks)
                let checkInactivity = ticks % inactivityCheckTicks == 0
                for channel in channels {
                    let produced = channel.tick { header, payload in send(channel, header, payload) }
                    if !produced.isEmpty { events += produced }
                    if let sendRTCP, channel.id % Int(rtcpIntervalTicks) == rtcpSlot { sendRTCP(channel) }
                    if checkInactivity, let event = channel.checkInactivity(at: nextTick) { events.append(event) }
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

import Foundation
import Media
import NIOConcurrencyHelpers
import NIOCore

/// Something that owns a media channel and wants its events (a live call's session).
/// Called on the media engine's event loop.
protocol MediaEventHandler: AnyObject {
    func handle(_ event: MediaEvent)
}

/// One media loop's share of the calls' media (see ``MediaEnginePool``): one
/// ``MediaLoopDriver`` (one clock ticking every channel of the loop together), a socket pair
/// per call from the loop's part of the RTP port range, and the dispatch of media events to
/// the session that owns each channel.
///
/// Confined to `eventLoop`: everything but `start` and `openChannel` must run on it.
final class MediaEngine: @unchecked Sendable {
    let eventLoop: any EventLoop
    private let driver: MediaLoopDriver
    private var handlers: [Int: any MediaEventHandler] = [:]
    /// How late each tick's flush ended against its ideal deadline (see `TickLateness`).
    private var lateness = TickLateness()
    /// Channel numbers, shared by the engines of a pool (unique in the process).
    private let nextChannelID: NIOLockedValueBox<Int>
    /// The address media sockets bind to.
    let bindHost: String
    /// The loop's shared media port, when every call of the loop uses it (RTCP on the port
    /// above); nil: a port pair per call.
    private(set) var sharedPort: Int?

    private init(driver: MediaLoopDriver, bindHost: String, channelIDs: NIOLockedValueBox<Int>) {
        self.eventLoop = driver.eventLoop
        self.driver = driver
        self.bindHost = bindHost
        self.nextChannelID = channelIDs
    }

    /// Creates the engine on `eventLoop` and starts its clock. `writePath`: how its packets
    /// reach the kernel (io_uring falls back to `sendto` where the kernel refuses it);
    /// `phases`: sub-ticks per 20 ms (see ``MediaClock``); `sharedPort`: every call of the
    /// loop sends and receives on one port pair from `ports` instead of a pair each.
    static func start(on eventLoop: any EventLoop, bindHost: String = "0.0.0.0",
                      ports: ClosedRange<Int> = 10000...20000, writePath: MediaLoopDriver.WritePath = .batched,
                      phases: Int = 1, sharedPort: Bool = false,
                      channelIDs: NIOLockedValueBox<Int> = NIOLockedValueBox(0)) async throws -> MediaEngine {
        try await eventLoop.flatSubmit {
            let driver = MediaLoopDriver(eventLoop: eventLoop, writePath: writePath, phases: phases)
            driver.portAllocator = RTPPortAllocator(range: ports)
            let engine = MediaEngine(driver: driver, bindHost: bindHost, channelIDs: channelIDs)
            driver.onEvents = { [unowned engine] events in engine.dispatch(events) }
            driver.onTick = { [unowned engine] deadline, flushed, packets in
                engine.lateness.record(deadline: deadline, flushed: flushed, packets: packets)
            }
            driver.start()
            guard sharedPort else { return eventLoop.makeSucceededFuture(engine) }
            return driver.openSharedPortInRange(host: bindHost).map { port in
                engine.sharedPort = port
                return engine
            }
        }.get()
    }

    /// Stops the clock and closes every socket. Returns the clock's pacing since the start
    /// (nil if the loop is gone).
    func stop() async -> MediaPacing? {
        try? await eventLoop.submit {
            self.driver.stop()
            return MediaPacing(lateness: self.lateness, skippedTicks: self.driver.clock.skippedTicks,
                               sent: self.driver.datagramsSent, dropped: self.driver.datagramsDropped)
        }.get()
    }

    /// How packets reach the kernel on this loop (after any io_uring fallback).
    var writePath: MediaLoopDriver.WritePath { driver.writePath }

    /// Sub-ticks per 20 ms of this loop's clock.
    var phases: Int { driver.clock.phases }

    /// A fresh channel number (from any thread).
    func reserveChannelID() -> Int {
        nextChannelID.withLockedValue { value in
            value += 1
            return value
        }
    }

    /// Opens a channel's RTP/RTCP sockets (RFC 3550 §11: an even port from the range and the
    /// next odd one), or on a shared port opens nothing. Returns the RTP port.
    func openSockets(channelID: Int) -> EventLoopFuture<Int> {
        eventLoop.flatSubmit {
            if let port = self.sharedPort { return self.eventLoop.makeSucceededFuture(port) }
            return self.driver.openSocketInRange(for: channelID, host: self.bindHost).flatMapThrowing { address in
                guard let port = address?.port else { throw MediaPortsExhausted() }
                return port
            }
        }
    }

    /// Starts ticking `channel` and sends its events to `handler`.
    func attach(_ channel: MediaChannel, handler: any MediaEventHandler) {
        eventLoop.assertInEventLoop()
        handlers[channel.id] = handler
        driver.add(channel)
    }

    /// Stops a channel and closes its sockets (also for a channel that was opened but
    /// never attached).
    func close(channelID: Int) {
        eventLoop.assertInEventLoop()
        handlers[channelID] = nil
        driver.remove(id: channelID)
    }

    /// Joins a second leg's channel to the caller's (a bridged transfer, RFC 3550 relaying
    /// with payload-type mapping and transcoding in `MediaRelay`): from now on what one
    /// leg sends reaches the other, and neither player sends. Closing `b` ends the relay
    /// and the caller is back on its player.
    func bridge(_ b: MediaChannel, to aChannelID: Int, handler: any MediaEventHandler) -> Bool {
        eventLoop.assertInEventLoop()
        guard let a = driver.clock.channel(aChannelID) else { return false }
        attach(b, handler: handler)
        driver.attach(MediaRelay(a: a, b: b))
        return true
    }

    /// The channel with this number, while attached.
    func channel(_ id: Int) -> MediaChannel? {
        driver.clock.channel(id)
    }

    /// Packet counters and tick lateness so far, for `/metrics` (read on the loop).
    func counters() -> MediaCounters {
        eventLoop.assertInEventLoop()
        return MediaCounters(sent: driver.datagramsSent, received: driver.datagramsReceived, latenessCount: lateness.count,
                             latenessSumSeconds: lateness.sumSeconds, latenessMaxSeconds: lateness.maxSeconds)
    }

    /// Channels attached now.
    var activeChannels: Int { handlers.count }

    private func dispatch(_ events: [MediaEvent]) {
        for event in events {
            handlers[event.channel]?.handle(event)
        }
    }
}

/// A histogram of tick lateness: the time from a tick's ideal deadline to the end of the
/// flush that sent its packets, in 0.1 ms buckets up to one second (later ones count in
/// the last bucket). Only ticks that sent packets are counted.
struct TickLateness {
    private var buckets = [Int](repeating: 0, count: 10_001)
    private var ticks = 0
    private var packets = 0
    private var worst: Int64 = 0
    private var total: Int64 = 0

    /// Ticks counted, their summed and their largest lateness (for `/metrics`).
    var count: Int { ticks }
    var sumSeconds: Double { Double(total) / 1e9 }
    var maxSeconds: Double { Double(worst) / 1e9 }

    /// Adds another loop's figures.
    mutating func merge(_ other: TickLateness) {
        for (index, count) in other.buckets.enumerated() where count > 0 { buckets[index] += count }
        ticks += other.ticks
        packets += other.packets
        worst = max(worst, other.worst)
        total += other.total
    }

    mutating func record(deadline: NIODeadline, flushed: NIODeadline, packets: Int) {
        guard packets > 0 else { return }
        let nanoseconds = max(0, (flushed - deadline).nanoseconds)
        buckets[Int(min(nanoseconds / 100_000, Int64(buckets.count - 1)))] += 1
        ticks += 1
        self.packets += packets
        worst = max(worst, nanoseconds)
        total += nanoseconds
    }

    /// The `fraction` percentile in milliseconds (upper edge of its bucket).
    func percentile(_ fraction: Double) -> Double {
        guard ticks > 0 else { return 0 }
        let wanted = Int((Double(ticks) * fraction).rounded(.up))
        var seen = 0
        for (index, count) in buckets.enumerated() {
            seen += count
            if seen >= max(wanted, 1) { return Double(index + 1) / 10 }
        }
        return Double(buckets.count) / 10
    }

    /// `media: N ticks with packets, lateness p50 … p99 … max …, K skipped ticks, …`
    func summary(skippedTicks: Int64, sent: Int, dropped: Int) -> String {
        let line = "media: %d ticks with packets (%d packets), flush lateness p50 %.1f ms p99 %.1f ms max %.1f ms, %d ticks skipped, %d datagrams sent, %d dropped"
        return String(format: line, ticks, packets, percentile(0.5), percentile(0.99), Double(worst) / 1e6,
                      Int(skippedTicks), sent, dropped)
    }
}

extension MediaEvent {
    /// The channel the event is about.
    var channel: Int {
        switch self {
        case .playbackFinished(let channel), .playbackInterrupted(let channel, _), .digit(let channel, _),
             .inactive(let channel), .remoteBye(let channel, _):
            return channel
        }
    }
}

/// What the media engine reports to `/metrics`.
struct MediaCounters: Sendable, Equatable {
    var sent: Int
    var received: Int
    var latenessCount: Int
    var latenessSumSeconds: Double
    var latenessMaxSeconds: Double
}

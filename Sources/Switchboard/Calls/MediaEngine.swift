import Media
import NIOConcurrencyHelpers
import NIOCore

/// Something that owns a media channel and wants its events (a live call's session).
/// Called on the media engine's event loop.
protocol MediaEventHandler: AnyObject {
    func handle(_ event: MediaEvent)
}

/// The calls' media: one ``MediaLoopDriver`` (one clock ticking every channel together) on
/// its own event loop, a socket pair per call from the RTP port range, and the dispatch of
/// media events to the session that owns each channel.
///
/// Confined to `eventLoop`: everything but `start` and `openChannel` must run on it.
final class MediaEngine: @unchecked Sendable {
    let eventLoop: any EventLoop
    private let driver: MediaLoopDriver
    private var handlers: [Int: any MediaEventHandler] = [:]
    private let nextChannelID = NIOLockedValueBox(0)
    /// The address media sockets bind to.
    let bindHost: String

    private init(driver: MediaLoopDriver, bindHost: String) {
        self.eventLoop = driver.eventLoop
        self.driver = driver
        self.bindHost = bindHost
    }

    /// Creates the engine on `eventLoop` and starts its clock.
    static func start(on eventLoop: any EventLoop, bindHost: String = "0.0.0.0",
                      ports: ClosedRange<Int> = 10000...20000) async throws -> MediaEngine {
        try await eventLoop.submit {
            let driver = MediaLoopDriver(eventLoop: eventLoop)
            driver.portAllocator = RTPPortAllocator(range: ports)
            let engine = MediaEngine(driver: driver, bindHost: bindHost)
            driver.onEvents = { [unowned engine] events in engine.dispatch(events) }
            driver.onTick = { [unowned engine] deadline, flushed, _ in
                engine.lateness.record(seconds: Double(max(0, flushed.uptimeNanoseconds - deadline.uptimeNanoseconds)) / 1e9)
            }
            driver.start()
            return engine
        }.get()
    }

    /// Stops the clock and closes every socket.
    func stop() async {
        try? await eventLoop.submit { self.driver.stop() }.get()
    }

    /// A fresh channel number (from any thread).
    func reserveChannelID() -> Int {
        nextChannelID.withLockedValue { value in
            value += 1
            return value
        }
    }

    /// Opens a channel's RTP/RTCP sockets (RFC 3550 §11: an even port from the range and the
    /// next odd one). Returns the RTP port.
    func openSockets(channelID: Int) -> EventLoopFuture<Int> {
        eventLoop.flatSubmit {
            self.driver.openSocketInRange(for: channelID, host: self.bindHost).flatMapThrowing { address in
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

    /// How late each tick's packets left (from its deadline to the end of its flush).
    private var lateness = LatenessTally()

    /// Packet counters and tick lateness so far, for `/metrics` (read on the loop).
    func counters() -> MediaCounters {
        eventLoop.assertInEventLoop()
        return MediaCounters(sent: driver.datagramsSent, received: driver.datagramsReceived, lateness: lateness)
    }

    /// Channels attached now.
    var activeChannels: Int { handlers.count }

    private func dispatch(_ events: [MediaEvent]) {
        for event in events {
            handlers[event.channel]?.handle(event)
        }
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

/// Count, sum and maximum of tick lateness in seconds.
struct LatenessTally: Sendable, Equatable {
    var count = 0
    var sum = 0.0
    var maximum = 0.0

    mutating func record(seconds: Double) {
        count += 1
        sum += seconds
        maximum = max(maximum, seconds)
    }
}

/// What the media engine reports to `/metrics`.
struct MediaCounters: Sendable, Equatable {
    var sent: Int
    var received: Int
    var lateness: LatenessTally
}

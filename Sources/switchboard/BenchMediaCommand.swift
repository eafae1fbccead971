import ArgumentParser
import Foundation
import Media
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// `switchboard bench media --channels N --seconds S`: N channels play a prompt over RTP to
/// receivers on loopback; prints packets per second, CPU and send lateness against the
/// ideal 20 ms schedule. The last line is `media: N channels, p99 lateness X ms, cpu Y %`.
struct BenchMediaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "media",
        abstract: "Play a prompt on N RTP channels to loopback receivers and measure pacing and CPU."
    )

    @Option(help: "Number of playing channels.")
    var channels: Int = 1000

    @Option(help: "Seconds to measure (after one second of warm-up).")
    var seconds: Double = 10

    @Flag(help: "Send every channel of a loop from one shared UDP port (batched writes) instead of one port per channel.")
    var sharedPort = false

    @Flag(help: "Write through NIO channels (one AddressedEnvelope per packet) instead of the batched sendmmsg path.")
    var nioWrites = false

    @Flag(help: "Send each tick's datagrams on all sockets of a loop with one io_uring submission (falls back to sendmmsg/sendto when io_uring is unavailable).")
    var ioUring = false

    @Option(help: "Sub-ticks per 20 ms: 1 serves every channel of a loop at one tick; 20 spreads them over 1 ms sub-ticks.")
    var phases: Int = 1

    @Option(help: "Event loops (threads) carrying the channels; default: one per core.")
    var loops: Int = System.coreCount

    @Option(help: "Receiving sockets on loopback (channels are spread over them).")
    var receivers: Int = 8

    @Flag(help: "Receivers that are never read: the kernel still delivers each packet on loopback up to the receiving socket and drops it there when its small buffer is full, but no receiving thread competes for the cores (closer to sending to other machines; loss is not measured).")
    var sink = false

    @Option(help: "Codec: PCMU, PCMA or G722.")
    var codec: String = "PCMU"

    @Option(help: "A prompt file to play (any format libsndfile reads); default: a generated 4 s prompt.")
    var prompt: String?

    @Flag(help: "No sockets: run the clock for N channels as fast as possible on this thread and report the CPU per packet of the sans-IO path (player, RTP headers, frame copy).")
    var dryRun = false

    func validate() throws {
        guard MediaClock.phaseRange.contains(phases) else { throw ValidationError("--phases: \(MediaClock.phaseRangeProblem)") }
    }

    func run() throws {
        if dryRun { return try runDry() }
        guard channels > 0, seconds > 0, loops > 0, receivers > 0 else { throw ValidationError("channels, seconds, loops and receivers must be positive") }
        guard let audioCodec = AudioCodec(rawValue: codec.uppercased()) else { throw ValidationError("unknown codec \(codec)") }
        let played: Prompt
        if let prompt {
            played = try PromptLibrary.load(name: "bench", path: prompt)
        } else {
            played = Tones.tone(name: "bench", frequencies: [425, 1150], levelDBm0: -15, milliseconds: 4000)
        }

        let senderGroup = MultiThreadedEventLoopGroup(numberOfThreads: loops)
        let receiverGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer {
            try? senderGroup.syncShutdownGracefully()
            try? receiverGroup.syncShutdownGracefully()
        }
        let rssBefore = residentBytes()
        let loadBefore = loadAverage()

        // Receivers: count datagrams and octets.
        let counter = PacketCounter()
        var receiverAddresses: [SocketAddress] = []
        var receiverChannels: [any Channel] = []
        var sinkDescriptors: [CInt] = []
        defer { for descriptor in sinkDescriptors { close(descriptor) } }
        for _ in 0..<receivers where sink {
            let (descriptor, address) = try Self.sinkSocket()
            sinkDescriptors.append(descriptor)
            receiverAddresses.append(address)
        }
        for _ in 0..<(sink ? 0 : receivers) {
            let channel = try DatagramBootstrap(group: receiverGroup)
                .channelOption(.datagramVectorReadMessageCount, value: 64)
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 64 * 2048))
                .channelOption(.socketOption(.so_rcvbuf), value: 8 << 20)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(CountingHandler(counter: counter)) }
                }
                .bind(host: "127.0.0.1", port: 0).wait()
            receiverChannels.append(channel)
            if let address = channel.localAddress { receiverAddresses.append(address) }
        }

        // Senders: one driver per loop; channels spread round-robin.
        let eventLoops = Array(senderGroup.makeIterator())
        let stats = eventLoops.map { _ in LoopStats() }
        var drivers: [NIOLoopBound<MediaLoopDriver>] = []
        let setupStart = Date()
        for (loopIndex, loop) in eventLoops.enumerated() {
            let ids = Array(stride(from: loopIndex, to: channels, by: eventLoops.count))
            let targets = receiverAddresses
            let shared = sharedPort
            let path: MediaLoopDriver.WritePath = nioWrites ? .nio : ioUring ? .ioUring : .batched
            let phaseCount = phases
            let stat = stats[loopIndex]
            let bound = try loop.flatSubmit { () -> EventLoopFuture<NIOLoopBound<MediaLoopDriver>> in
                let driver = MediaLoopDriver(eventLoop: loop, writePath: path, phases: phaseCount)
                let boundDriver = NIOLoopBound(driver, eventLoop: loop)
                var generator = SystemRandomNumberGenerator()
                var opened: [EventLoopFuture<Void>] = []
                if shared { opened.append(driver.openSharedPort(host: "127.0.0.1").map { _ in }) }
                for id in ids {
                    let channel = MediaChannel(id: id, codec: audioCodec, remoteAddress: targets[id % targets.count],
                                               sender: RTPSender(using: &generator))
                    if !shared { opened.append(driver.openSocket(for: id, host: "127.0.0.1").map { _ in }) }
                    driver.add(channel)
                    channel.play([.looping(played, milliseconds: Int.max / 2)])
                }
                driver.onTick = { deadline, flushed, packets in stat.record(deadline: deadline, flushed: flushed, packets: packets) }
                driver.onWake = { deadline, woke in stat.recordWake(deadline: deadline, woke: woke) }
                return EventLoopFuture.andAllSucceed(opened, on: loop).map { boundDriver }
            }.wait()
            drivers.append(bound)
        }
        let setupSeconds = Date().timeIntervalSince(setupStart)
        let pathInUse = try eventLoops[0].submit { [drivers] in drivers[0].value.writePath }.wait()
        let rssAfter = residentBytes()
        print("media: \(channels) channels on \(eventLoops.count) loops, \(sharedPort ? "shared port per loop" : "one port per channel"), \(Self.describe(pathInUse, shared: sharedPort)), \(phases) phase\(phases == 1 ? "" : "s") per 20 ms, \(audioCodec), prompt \(played.durationMilliseconds) ms, receivers \(sink ? "never read (--sink)" : "read in this process"); set up in \(String(format: "%.2f", setupSeconds)) s")

        for (index, loop) in eventLoops.enumerated() {
            let driver = drivers[index]
            try loop.submit { driver.value.start() }.wait()
        }
        // Warm-up, then measure.
        Thread.sleep(forTimeInterval: 1)
        for (index, loop) in eventLoops.enumerated() {
            let stat = stats[index]
            let driver = drivers[index]
            try loop.submit { stat.reset(threadCPU: threadCPUSeconds(), skippedTicks: driver.value.clock.skippedTicks) }.wait()
        }
        let receiverCPUStart = try receiverGroup.next().submit { threadCPUSeconds() }.wait()
        let received0 = counter.snapshot()
        let cpu0 = processCPUSeconds()
        let wall0 = Date()
        Thread.sleep(forTimeInterval: seconds)
        var senderCPU = 0.0
        var kernelDropped = 0
        var skipped: Int64 = 0
        for (index, loop) in eventLoops.enumerated() {
            let stat = stats[index]
            let driver = drivers[index]
            senderCPU += try loop.submit { threadCPUSeconds() - stat.threadCPUAtReset }.wait()
            kernelDropped += try loop.submit { driver.value.datagramsDropped }.wait()
            skipped += try loop.submit { driver.value.clock.skippedTicks - stat.skippedTicksAtReset }.wait()
        }
        let receiverCPU = try receiverGroup.next().submit { threadCPUSeconds() }.wait() - receiverCPUStart
        let cpu1 = processCPUSeconds()
        let wall = Date().timeIntervalSince(wall0)
        let received1 = counter.snapshot()
        for (index, loop) in eventLoops.enumerated() {
            let driver = drivers[index]
            try loop.submit { driver.value.stop() }.wait()
        }
        for channel in receiverChannels { try? channel.close().wait() }

        let merged = LoopStats.merge(stats)
        let sentPerSecond = Double(merged.packets) / wall
        let receivedPerSecond = Double(received1.packets - received0.packets) / wall
        let cpuPercent = (cpu1 - cpu0) / wall * 100
        let ideal = Double(channels) * 50
        if sink {
            print(String(format: "packets: sent %.0f/s (ideal %.0f/s), not read (--sink)", sentPerSecond, ideal))
        } else {
            print(String(format: "packets: sent %.0f/s (ideal %.0f/s), received %.0f/s, loss %.2f %%",
                         sentPerSecond, ideal, receivedPerSecond, max(0, 100 * (1 - receivedPerSecond / max(sentPerSecond, 1)))))
        }
        print(String(format: "cpu: %.1f %% of one core in all (sending loops %.1f %%, loopback receivers %.1f %%), %d cores",
                     cpuPercent, senderCPU / wall * 100, receiverCPU / wall * 100, System.coreCount))
        print(String(format: "lateness (channel's ideal send time → flush done, per packet): p50 %.3f ms, p99 %.3f ms, max %.3f ms; ticks skipped while measuring %d; refused by the kernel %d",
                     merged.lateness.percentile(0.5), merged.lateness.percentile(0.99), merged.lateness.maximumMilliseconds, skipped, kernelDropped))
        print(String(format: "wake-up (tick deadline → tick task starts, per tick; the machine's scheduling): p50 %.3f ms, p99 %.3f ms, max %.3f ms",
                     merged.wake.percentile(0.5), merged.wake.percentile(0.99), merged.wake.maximumMilliseconds))
        let perPacket = senderCPU / Double(max(merged.packets, 1)) * 1e6
        print(String(format: "sending CPU per packet: %.2f µs (loopback: includes the kernel's delivery to the receiving socket) → one core could carry about %.0f channels",
                     perPacket, 1e6 / max(perPacket, 0.001) / 50))
        print("machine load average (1, 5, 15 min) before: \(loadBefore), after: \(loadAverage())")
        print(String(format: "memory: %.1f KB per channel (RSS growth over set-up, including sockets' user-space state)",
                     Double(max(rssAfter - rssBefore, 0)) / Double(channels) / 1024))
        print(String(format: "media: %d channels, p99 lateness %.2f ms, cpu %.0f %%", channels, merged.lateness.percentile(0.99), cpuPercent))
    }
}

extension BenchMediaCommand {
    /// A UDP socket on 127.0.0.1 with the smallest receive buffer, never read (`--sink`).
    static func sinkSocket() throws -> (CInt, SocketAddress) {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw ValidationError("socket: errno \(errno)") }
        var size: CInt = 1
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<CInt>.size))
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 ? getsockname(descriptor, pointer, &length) : -1
            }
        }
        guard result == 0 else {
            close(descriptor)
            throw ValidationError("bind: errno \(errno)")
        }
        return (descriptor, try SocketAddress(ipAddress: "127.0.0.1", port: Int(UInt16(bigEndian: local.sin_port))))
    }

    /// How the datagrams reach the kernel, for the first line.
    static func describe(_ path: MediaLoopDriver.WritePath, shared: Bool) -> String {
        switch path {
        case .nio: "NIO writes"
        case .batched: shared ? "batched sendmmsg" : "batched sendto"
        case .ioUring: "io_uring (one submission per tick)"
        }
    }

    /// The clock and channels alone: every tick's packets are copied into one buffer, as
    /// the batched path does before `sendmmsg`.
    func runDry() throws {
        guard let audioCodec = AudioCodec(rawValue: codec.uppercased()) else { throw ValidationError("unknown codec \(codec)") }
        let played = Tones.tone(name: "bench", frequencies: [425, 1150], levelDBm0: -15, milliseconds: 4000)
        let clock = MediaClock(start: .uptimeNanoseconds(0))
        var generator = SystemRandomNumberGenerator()
        let remote = try SocketAddress(ipAddress: "127.0.0.1", port: 40000)
        for id in 0..<channels {
            let channel = MediaChannel(id: id, codec: audioCodec, remoteAddress: remote, sender: RTPSender(using: &generator))
            channel.play([.looping(played, milliseconds: Int.max / 2)])
            clock.add(channel)
        }
        var scratch = [UInt8](repeating: 0, count: 256)
        var packets = 0
        var checksum = 0
        let ticks = max(1, Int(seconds * 50))
        let cpu0 = threadCPUSeconds()
        scratch.withUnsafeMutableBytes { buffer in
            for tick in 1...ticks {
                clock.advance(to: .uptimeNanoseconds(UInt64(tick) * 20_000_000)) { _, header, payload in
                    buffer[0] = header.payloadType
                    buffer[1] = UInt8(truncatingIfNeeded: header.sequenceNumber)
                    if let base = payload.baseAddress, let target = buffer.baseAddress { (target + 12).copyMemory(from: base, byteCount: payload.count) }
                    checksum &+= Int(buffer[100])
                    packets += 1
                }
            }
        }
        let cpu = threadCPUSeconds() - cpu0
        print(String(format: "dry run: %d channels × %d ticks = %d packets in %.3f s of CPU: %.0f ns per packet (checksum %d)",
                     channels, ticks, packets, cpu, cpu / Double(max(packets, 1)) * 1e9, checksum & 0xFF))
    }
}

/// A histogram of delays in 10 µs buckets up to 1 s, with weights.
struct DelayHistogram {
    static let bucketNanoseconds: Int64 = 10_000
    var buckets = [Int](repeating: 0, count: 100_000)
    var count = 0
    var maximum: Int64 = 0

    mutating func record(_ nanoseconds: Int64, weight: Int = 1) {
        let late = max(0, nanoseconds)
        buckets[Int(min(late / Self.bucketNanoseconds, Int64(buckets.count - 1)))] += weight
        count += weight
        maximum = max(maximum, late)
    }

    mutating func merge(_ other: DelayHistogram) {
        for (index, weight) in other.buckets.enumerated() where weight > 0 { buckets[index] += weight }
        count += other.count
        maximum = max(maximum, other.maximum)
    }

    /// The delay below which a fraction `p` of the weight lies, in milliseconds (bucket upper bound).
    func percentile(_ p: Double) -> Double {
        let target = Int((Double(count) * p).rounded(.up))
        var seen = 0
        for (index, weight) in buckets.enumerated() {
            seen += weight
            if seen >= target, weight > 0 { return Double(Int64(index + 1) * Self.bucketNanoseconds) / 1e6 }
        }
        return maximumMilliseconds
    }

    var maximumMilliseconds: Double { Double(maximum) / 1e6 }
}

/// Per-loop figures, touched only on its loop until read after the loop stopped recording.
final class LoopStats: @unchecked Sendable {
    /// Per packet: ideal send time → flush done.
    var lateness = DelayHistogram()
    /// Per tick: ideal tick time → the loop ran the tick task.
    var wake = DelayHistogram()
    var threadCPUAtReset = 0.0
    /// Ticks skipped before the measurement (set-up: opening thousands of sockets while the
    /// clock already runs), left out of the figure.
    var skippedTicksAtReset: Int64 = 0
    var recording = false

    var packets: Int { lateness.count }

    func reset(threadCPU: Double, skippedTicks: Int64) {
        lateness = DelayHistogram()
        wake = DelayHistogram()
        threadCPUAtReset = threadCPU
        skippedTicksAtReset = skippedTicks
        recording = true
    }

    func record(deadline: NIODeadline, flushed: NIODeadline, packets count: Int) {
        guard recording, count > 0 else { return }
        lateness.record((flushed - deadline).nanoseconds, weight: count)
    }

    func recordWake(deadline: NIODeadline, woke: NIODeadline) {
        guard recording else { return }
        wake.record((woke - deadline).nanoseconds)
    }

    static func merge(_ all: [LoopStats]) -> LoopStats {
        let merged = LoopStats()
        for stat in all {
            merged.lateness.merge(stat.lateness)
            merged.wake.merge(stat.wake)
        }
        return merged
    }
}

/// Counts datagrams across receiver sockets.
final class PacketCounter: Sendable {
    private let state = NIOLockedValueBox((packets: 0, bytes: 0))
    func add(packets: Int, bytes: Int) { state.withLockedValue { $0.packets += packets; $0.bytes += bytes } }
    func snapshot() -> (packets: Int, bytes: Int) { state.withLockedValue { $0 } }
}

final class CountingHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let counter: PacketCounter
    var packets = 0, bytes = 0
    init(counter: PacketCounter) { self.counter = counter }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        packets += 1
        bytes += unwrapInboundIn(data).data.readableBytes
    }
    func channelReadComplete(context: ChannelHandlerContext) {
        counter.add(packets: packets, bytes: bytes)
        packets = 0
        bytes = 0
    }
}

func threadCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func loadAverage() -> String {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "?" }
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}

func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

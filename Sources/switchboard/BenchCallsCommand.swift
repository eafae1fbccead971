import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `switchboard bench calls`: whole calls against a real `switchboard serve` process, driven
/// by SIPp (`sip-tester`) on loopback. Each call is an INVITE with SDP, our 200, the ACK, a
/// 2-second prompt over RTP, and our BYE (the flow in `Benchmarks/calls/flows/`). For every
/// call rate a fresh server is started (own `--data`, free ports), SIPp places
/// `rate × seconds` calls, and the run reports attempted, successful and failed calls, 503s,
/// INVITE retransmissions, set-up time (INVITE → 200, SIPp's response times), and the
/// server's CPU (from `/proc/PID/stat`). Rates are run `--rounds` times, interleaved (the
/// order reverses every round, as the machine is noisy), and the medians are reported. An
/// overload run follows: a low `--overload-max-calls` and a rate far past it, where the
/// server must answer `503` with Retry-After quickly and complete the calls it admitted.
///
/// The last lines are `calls: N/s with zero failures` and `overload: …`.
struct BenchCallsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calls",
        abstract: "Drive `switchboard serve` with SIPp at rising call rates (2-second prompt calls) and report set-up rate, failures, 503s and CPU."
    )

    @Option(help: "Call rates to run (calls per second), comma-separated.")
    var rates: String = "300,600,1000,1200"

    @Option(help: "Seconds of new calls at each rate (calls placed: rate × seconds).")
    var seconds: Int = 20

    @Option(help: "Rounds over all rates (order reversed every other round); medians are reported.")
    var rounds: Int = 1

    @Option(help: "The server's --max-calls for the rate runs.")
    var maxCalls: Int = 4000

    @Option(help: "Call rate of the overload run (0: no overload run).")
    var overloadRate: Int = 1500

    @Option(help: "The server's --max-calls in the overload run (admits about max-calls / 2 s calls per second).")
    var overloadMaxCalls: Int = 1000

    @Option(help: "Seconds of new calls in the overload run.")
    var overloadSeconds: Int = 10

    @Option(help: "Directory with flows/, prompts/ and uac.xml.")
    var benchDirectory: String = "Benchmarks/calls"

    @Option(help: "The switchboard binary to start (default: this one).")
    var serveBinary: String?

    @Option(help: "The SIPp binary.")
    var sipp: String = "sipp"

    @Option(help: "RTP port range of the server (LOW-HIGH).")
    var rtpPorts: String = "20000-29999"

    @Option(help: "Extra arguments for `switchboard serve`, space-separated.")
    var serveArguments: String = ""

    @Flag(help: "Keep each run's temporary directory (server log, SIPp's CSV files) and print its path.")
    var keep = false

    func run() throws {
        let rateList = rates.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !rateList.isEmpty, rateList.allSatisfy({ $0 > 0 }), seconds > 0, rounds > 0, maxCalls > 0 else {
            throw ValidationError("rates, seconds, rounds and max-calls must be positive")
        }
        let directory = URL(fileURLWithPath: benchDirectory, isDirectory: true).standardizedFileURL
        let scenario = directory.appendingPathComponent("uac.xml")
        guard FileManager.default.fileExists(atPath: scenario.path) else {
            throw ValidationError("\(scenario.path) not found (run from the repository root or pass --bench-directory)")
        }
        let binary = serveBinary ?? Self.ownExecutable()
        let setup = CallBenchSetup(binary: binary, sipp: sipp, directory: directory, rtpPorts: rtpPorts,
                                   extraServeArguments: serveArguments.split(separator: " ").map(String.init), keep: keep)
        print("bench calls: \(binary) serve, SIPp \(sipp), flows \(directory.path)/flows, \(ProcessInfo.processInfo.activeProcessorCount) cores, load \(loadAverage())")
        print("calls: 2 s prompt then BYE from Switchboard; \(seconds) s of calls per rate, \(rounds) round(s), --max-calls \(maxCalls)")

        var results: [Int: [CallRunResult]] = [:]
        for round in 1...rounds {
            let order = round % 2 == 1 ? rateList : rateList.reversed()
            for rate in order {
                let result = try setup.run(rate: rate, calls: rate * seconds, maxCalls: maxCalls)
                print("round \(round) " + result.line)
                if !result.media.isEmpty { print("  server " + result.media) }
                results[rate, default: []].append(result)
            }
        }
        print("")
        print("medians over \(rounds) round(s):")
        var reached = 0
        for rate in rateList {
            guard let runs = results[rate], !runs.isEmpty else { continue }
            let median = CallRunResult.median(runs)
            print("  " + median.line)
            let clean = runs.allSatisfy { $0.failed == 0 && $0.refused == 0 && $0.successful == $0.attempted }
            if clean && median.achievedRate >= Double(rate) * 0.95 { reached = max(reached, rate) }
        }
        print("calls: \(reached)/s with zero failures (highest rate whose every round had no failed or refused call)")

        if overloadRate > 0 {
            print("")
            print("overload: \(overloadRate) calls/s for \(overloadSeconds) s against --max-calls \(overloadMaxCalls)")
            let result = try setup.run(rate: overloadRate, calls: overloadRate * overloadSeconds, maxCalls: overloadMaxCalls)
            print(result.line)
            if !result.media.isEmpty { print("  server " + result.media) }
            let admitted = result.successful - result.refused
            print(String(format: "overload: %d attempted, %d admitted and completed, %d refused 503 (p50 %.1f ms, p99 %.1f ms), %d failed, cpu %.0f %%",
                         result.attempted, admitted, result.refused, result.refusedTimes.percentile(0.5),
                         result.refusedTimes.percentile(0.99), result.failed, result.cpuPercent))
        }
    }

    /// The path of the running binary (`/proc/self/exe`).
    static func ownExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

/// What one run needs: the binaries, the bench directory, the server's settings.
struct CallBenchSetup {
    let binary: String
    let sipp: String
    let directory: URL
    let rtpPorts: String
    let extraServeArguments: [String]
    let keep: Bool

    /// Starts a server, places `calls` calls at `rate` with SIPp, stops the server.
    func run(rate: Int, calls: Int, maxCalls: Int) throws -> CallRunResult {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("bench-calls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { if !keep { try? FileManager.default.removeItem(at: work) } }
        let sipPort = try freeUDPPort(), sippPort = try freeUDPPort(), mediaPort = try freeUDPPort()
        let serverLog = work.appendingPathComponent("serve.log")
        FileManager.default.createFile(atPath: serverLog.path, contents: nil)

        let server = Process()
        server.executableURL = URL(fileURLWithPath: binary)
        server.arguments = ["serve", "--sip", "udp:127.0.0.1:\(sipPort)", "--flows", directory.appendingPathComponent("flows").path,
                            "--prompts", directory.appendingPathComponent("prompts").path, "--data", work.appendingPathComponent("data").path,
                            "--log-level", "notice", "--rtp-ports", rtpPorts, "--max-calls", String(maxCalls)] + extraServeArguments
        server.standardOutput = FileHandle.nullDevice
        server.standardError = try FileHandle(forWritingTo: serverLog)
        try server.run()
        defer { stop(server) }
        let serverPID = server.processIdentifier
        try waitForListening(log: serverLog, port: sipPort, server: server)

        // SIPp: `calls` calls at `rate`, at most 3 × rate × 2 s (plus slack) open at once.
        let sippProcess = Process()
        sippProcess.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sippProcess.currentDirectoryURL = work
        try? FileManager.default.copyItem(at: directory.appendingPathComponent("uac.xml"), to: work.appendingPathComponent("uac.xml"))
        sippProcess.arguments = [sipp, "-sf", "uac.xml", "-r", String(rate), "-m", String(calls), "-l", String(max(rate * 6, 1000)),
                                 "-i", "127.0.0.1", "-p", String(sippPort), "-mp", String(mediaPort), "127.0.0.1:\(sipPort)",
                                 "-nostdin", "-trace_stat", "-stf", "stats.csv", "-fd", "1", "-trace_rtt", "-rtt_freq", "1",
                                 "-trace_counts", "-timeout", "\(calls / max(rate, 1) + 60)s", "-max_recv_loops", "10000"]
        let sippLog = work.appendingPathComponent("sipp.log")
        FileManager.default.createFile(atPath: sippLog.path, contents: nil)
        sippProcess.standardOutput = FileHandle.nullDevice
        sippProcess.standardError = try FileHandle(forWritingTo: sippLog)
        let cpuBefore = processTicks(serverPID)
        let started = Date()
        try sippProcess.run()
        // Peak resident memory and the server's busiest second, sampled once a second.
        var peakCPU = 0.0
        var last = (ticks: cpuBefore, at: Date())
        while sippProcess.isRunning {
            Thread.sleep(forTimeInterval: 1)
            let now = (ticks: processTicks(serverPID), at: Date())
            peakCPU = max(peakCPU, Double(now.ticks - last.ticks) / ticksPerSecond / now.at.timeIntervalSince(last.at) * 100)
            last = now
        }
        sippProcess.waitUntilExit()
        // SIPp exits 0 (all calls succeeded) or 1 (some failed); 127 is env's "not found",
        // anything else a fatal SIPp error (bad scenario, port taken).
        guard [0, 1].contains(sippProcess.terminationStatus) else {
            let text = (try? String(contentsOf: sippLog, encoding: .utf8)) ?? ""
            throw ValidationError("SIPp (\(sipp)) exited with status \(sippProcess.terminationStatus): \(text.suffix(2000))")
        }
        let wall = Date().timeIntervalSince(started)
        let cpuSeconds = Double(processTicks(serverPID) - cpuBefore) / ticksPerSecond
        let peakRSS = peakResidentKB(serverPID)
        stop(server)
        let log = (try? String(contentsOf: serverLog, encoding: .utf8)) ?? ""

        var result = CallRunResult(rate: rate)
        result.cpuPercent = cpuSeconds / wall * 100
        result.peakCPUPercent = peakCPU
        result.peakRSSMB = Double(peakRSS) / 1024
        result.readSIPpFiles(in: work)
        // The server logs its media clock's pacing when it stops (`MediaEngine.stop`).
        if let line = log.split(separator: "\n").last(where: { $0.contains("media: ") && $0.contains("lateness") }),
           let range = line.range(of: "media: ") {
            result.media = String(line[range.lowerBound...])
        }
        if keep { print("  run files: \(work.path)") }
        return result
    }

    private func waitForListening(log: URL, port: Int, server: Process) throws {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if text.contains("listening on udp 127.0.0.1:\(port)") { return }
            guard server.isRunning else { throw ValidationError("switchboard serve exited: \(text)") }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw ValidationError("switchboard serve did not listen on 127.0.0.1:\(port) within 60 s")
    }

    /// SIGTERM, then SIGKILL after 10 s.
    private func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// The figures of one run at one rate.
struct CallRunResult {
    let rate: Int
    var attempted = 0, successful = 0, failed = 0, refused = 0, retransmissions = 0
    /// INVITE → 200 (and INVITE → 503), milliseconds.
    var setupTimes = Samples(), refusedTimes = Samples()
    /// Calls set up per second (200s and 503s over the span of their arrival).
    var achievedRate = 0.0
    var cpuPercent = 0.0, peakCPUPercent = 0.0, peakRSSMB = 0.0
    /// The server's media summary line (tick lateness, drops), if it logged one.
    var media = ""

    init(rate: Int) { self.rate = rate }

    var line: String {
        String(format: "rate %4d/s: %6d attempted, %6d ok, %d failed, %d refused 503, %d INVITE retransmissions, set-up %.0f/s, set-up time p50 %.1f ms p99 %.1f ms max %.0f ms, server cpu %.0f %% (peak %.0f %%), rss %.0f MB",
               rate, attempted, successful - refused, failed, refused, retransmissions, achievedRate,
               setupTimes.percentile(0.5), setupTimes.percentile(0.99), setupTimes.percentile(1), cpuPercent, peakCPUPercent, peakRSSMB)
    }

    /// The run with the median achieved rate (set-up times), counters as medians.
    static func median(_ runs: [CallRunResult]) -> CallRunResult {
        func mid<T: Comparable>(_ values: [T]) -> T { values.sorted()[values.count / 2] }
        var result = runs.sorted { $0.setupTimes.percentile(0.5) < $1.setupTimes.percentile(0.5) }[runs.count / 2]
        result.attempted = mid(runs.map(\.attempted))
        result.successful = mid(runs.map(\.successful))
        result.failed = mid(runs.map(\.failed))
        result.refused = mid(runs.map(\.refused))
        result.retransmissions = mid(runs.map(\.retransmissions))
        result.achievedRate = mid(runs.map(\.achievedRate))
        result.cpuPercent = mid(runs.map(\.cpuPercent))
        result.peakCPUPercent = mid(runs.map(\.peakCPUPercent))
        result.peakRSSMB = mid(runs.map(\.peakRSSMB))
        return result
    }

    /// Reads SIPp's statistics (last line of `stats.csv`), message counts (`*_counts.csv`)
    /// and response times (`*_rtt.csv`) from the run's directory.
    mutating func readSIPpFiles(in work: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: work.path)) ?? []
        if let stats = Self.lastRow(work.appendingPathComponent("stats.csv")) {
            attempted = Int(stats["TotalCallCreated"] ?? "") ?? 0
            successful = Int(stats["SuccessfulCall(C)"] ?? "") ?? 0
            failed = Int(stats["FailedCall(C)"] ?? "") ?? 0
        }
        if let name = names.first(where: { $0.hasSuffix("_counts.csv") }), let counts = Self.lastRow(work.appendingPathComponent(name)) {
            for (column, value) in counts {
                if column.contains("503") && column.hasSuffix("_Recv") { refused += Int(value) ?? 0 }
                if column.contains("INVITE") && column.hasSuffix("_Retrans") { retransmissions += Int(value) ?? 0 }
            }
        }
        if let name = names.first(where: { $0.hasSuffix("_rtt.csv") }),
           let text = try? String(contentsOf: work.appendingPathComponent(name), encoding: .utf8) {
            var first = Double.infinity, last = 0.0, count = 0
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: ";")
                guard fields.count >= 3, let at = Double(fields[0]), let milliseconds = Double(fields[1]) else { continue }
                if fields[2] == "refused" { refusedTimes.add(milliseconds) } else { setupTimes.add(milliseconds) }
                first = min(first, at)
                last = max(last, at)
                count += 1
            }
            // SIPp's `Date_ms`: milliseconds since its start.
            let span = last - first
            if count > 1, span > 0 { achievedRate = Double(count - 1) / (span / 1000) }
        }
    }

    /// The header and the last line of a SIPp CSV file (`;`-separated), as a dictionary.
    static func lastRow(_ file: URL) -> [String: String]? {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard let header = lines.first, let last = lines.last, lines.count > 1 else { return nil }
        let names = header.split(separator: ";", omittingEmptySubsequences: false).map { String($0) }
        let values = last.split(separator: ";", omittingEmptySubsequences: false).map { String($0) }
        var row: [String: String] = [:]
        for (name, value) in zip(names, values) { row[name] = value }
        return row
    }
}

/// Millisecond samples with percentiles.
struct Samples {
    private(set) var values: [Double] = []
    private var sorted = true

    mutating func add(_ value: Double) {
        values.append(value)
        sorted = false
    }

    /// The `fraction` percentile (0…1); 0 without samples.
    func percentile(_ fraction: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let ordered = sorted ? values : values.sorted()
        let index = min(values.count - 1, max(0, Int((Double(values.count - 1) * fraction).rounded())))
        return ordered[index]
    }
}

/// Clock ticks per second of `/proc/PID/stat`.
private let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

/// User plus system CPU ticks of a process (`/proc/PID/stat` fields 14 and 15).
func processTicks(_ pid: Int32) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = text.lastIndex(of: ")") else { return 0 }
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return 0 }
    return user + system
}

/// Peak resident set of a process in kB (`VmHWM`).
func peakResidentKB(_ pid: Int32) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
    return 0
}

/// A UDP port on 127.0.0.1 that was free a moment ago (bound to port 0, read, closed).
func freeUDPPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    guard descriptor >= 0 else { throw ValidationError("socket: errno \(errno)") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
    }
    guard bound == 0 else { throw ValidationError("bind: errno \(errno)") }
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    guard named == 0 else { throw ValidationError("getsockname: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

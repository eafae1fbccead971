import ArgumentParser
import Foundation
import Logging
import NIOPosix
import SIPTransport
import Switchboard

/// `switchboard bench transactions`: OPTIONS answered through the real UDP transport and
/// a server transaction per request, on loopback, by a closed-loop client keeping
/// `--window` requests in flight. With `--target PORT` it measures another server on
/// 127.0.0.1 instead (e.g. Kamailio), for a comparison in the same run.
/// The last line is `transactions: N/s`.
struct BenchTransactionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transactions",
        abstract: "Answer OPTIONS over UDP on loopback and report transactions per second."
    )

    @Option(help: "Seconds to run each round.")
    var seconds: Double = 3

    @Option(help: "Rounds; the median is reported.")
    var rounds: Int = 3

    @Option(help: "Requests kept in flight.")
    var window: Int = 300

    @Option(help: "Measure the server on 127.0.0.1:PORT instead of starting Switchboard's.")
    var target: Int?

    func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var server: SIPServer? = nil
        let port: Int
        if let target {
            port = target
        } else {
            let configuration = SIPTransportConfiguration(listen: [ListenAddress(host: "127.0.0.1", port: 0, transports: [.udp])])
            let started = SIPServer(transport: configuration, user: OptionsOnlyUser(), eventLoop: group.next(), logger: logger)
            try await started.start()
            server = started
            port = started.listeners.first?.address.port ?? 0
        }
        print("target: 127.0.0.1:\(port) (\(target == nil ? "switchboard, stateful" : "external server")), window \(window)")
        var rates: [Double] = []
        var totalLost = 0, totalDuplicates = 0, totalNon200 = 0
        for round in 1...max(rounds, 1) {
            let client = try OptionsLoadClient(targetPort: port, window: window)
            let seconds = self.seconds
            let result = await Task.detached { client.run(seconds: seconds) }.value
            let rate = Double(result.answered) / result.elapsed
            rates.append(rate)
            totalLost += result.lost
            totalDuplicates += result.duplicates
            totalNon200 += result.non200
            print("round \(round): \(result.sent) sent, \(result.answered) answered, \(result.lost) lost, \(result.duplicates) duplicated, \(result.non200) not 200 — \(Int(rate))/s")
        }
        if let server {
            let active = try await group.next().submit { server.activeTransactions }.get()
            print("server transactions still absorbing retransmissions (Timer J): \(active)")
            await server.stop()
        }
        try await group.shutdownGracefully()
        let median = rates.sorted()[rates.count / 2]
        print("lost \(totalLost), duplicated \(totalDuplicates), not 200: \(totalNon200)")
        print("transactions: \(Int(median))/s")
    }
}

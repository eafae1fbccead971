import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import WebDirectory

/// `switchboard web`: the web directory alone, without SIP — to preview the pages an admin's
/// flows make, and for the browser test. Prints `web directory on http://ADDR:PORT/` once
/// it listens (so `--http 127.0.0.1:0` can be used), then serves until SIGINT or SIGTERM.
/// No SIP runs, so `/healthz` answers 503 and nobody is reachable unless `--reachable`.
struct WebCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web",
        abstract: "Serve the web directory alone (a preview without SIP)."
    )

    @OptionGroup var options: FlowsOptions

    @Option(name: .long, help: "HTTP listen address ADDR:PORT; port 0 picks a free port.")
    var http = "127.0.0.1:8080"

    @Option(name: .long, help: "SIP domain for sip:EXT@DOMAIN links (default: none, plain extensions).")
    var sipDomain: String?

    @Option(name: .long, help: "The name in every page's header.")
    var siteName = "Switchboard directory"

    @Option(name: .long, parsing: .upToNextOption, help: "Ids of people to show as reachable.")
    var reachable: [String] = []

    @Flag(name: .long, help: "Show the click-to-call forms; a call request prints 'click-to-call NUMBER TARGET' instead of calling.")
    var printCalls = false

    func run() async throws {
        let address: WebListenAddress
        do { address = try WebListenAddress(parsing: http) } catch { throw ValidationError("--http \(error)") }
        guard let (system, _) = options.loadChecked() else { throw ExitCode(1) }
        var logger = Logger(label: "switchboard.web")
        logger.logLevel = .warning
        let clickToCall = printCalls ? ClickToCallConfiguration(starter: PrintingCallStarter()) : nil
        let site = DirectorySite(system: system, liveState: StaticLiveState(reachable: Set(reachable)),
                                 configuration: WebConfiguration(siteName: siteName, sipDomain: sipDomain, clickToCall: clickToCall))
        let service = WebService(site: site, address: address, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await service.boundPort()
            let shown = WebListenAddress(host: address.host, port: port)
            FileHandle.standardOutput.write(Data("web directory on http://\(shown)/\n".utf8))
            try await tasks.waitForAll()
        }
    }
}

/// `--print-calls`: click-to-call requests are printed, not placed (no SIP runs here).
struct PrintingCallStarter: ClickToCallStarter {
    func startCall(callback: String, target: String) async throws {
        FileHandle.standardOutput.write(Data("click-to-call \(callback) \(target)\n".utf8))
    }
}

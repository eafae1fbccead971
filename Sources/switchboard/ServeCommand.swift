import ArgumentParser
import Foundation
import Logging
import Media
import ServiceLifecycle
import SIPTransport
import Switchboard

/// `switchboard serve`: the long-running server. Every flag can also be set in a YAML
/// config file (`--config`); flags win over the file.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the SIP server: calls to a flow's number run that flow; flows and prompts reload when their files change."
    )

    @Option(name: .long, help: "A YAML file with any of the settings below (keys are the flag names).")
    var config: String?

    @Option(name: .long, help: "Listen address [udp:|tcp:]ADDR:PORT, IPv6 in brackets; repeatable (default 0.0.0.0:5060, UDP and TCP).")
    var sip: [String] = []

    @Option(name: .long, help: "HTTP listen address ADDR:PORT (used by the web directory).")
    var http: String?

    @Option(name: .long, help: "Directory of flow files (default flows).")
    var flows: String?

    @Option(name: .long, help: "Directory of prompts (default prompts).")
    var prompts: String?

    @Option(name: .long, help: "Data directory (default data).")
    var data: String?

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical (default info).")
    var logLevel: String?

    @Option(name: .long, help: "PEM certificate chain for tls: listen addresses.")
    var tlsCertificate: String?

    @Option(name: .long, help: "PEM private key for tls: listen addresses.")
    var tlsKey: String?

    @Flag(name: .long, help: "Answer UDP requests at their source port even without rport (RFC 3581 for every client; NAT).")
    var forceRport = false

    @Option(name: .long, help: "RTP port range LOW-HIGH (default 10000-20000).")
    var rtpPorts: String?

    @Option(name: .long, help: "Calls admitted at once; past it new INVITEs get 503 with Retry-After (default 4000).")
    var maxCalls: Int?

    @Option(name: .long, help: "Media event loops (threads), each ticking its share of the calls (default: one per core).")
    var mediaLoops: Int?

    @Flag(name: .long, help: "Send each media tick's RTP with one io_uring submission per loop (falls back to sendto without io_uring).")
    var mediaIoUring = false

    @Option(name: .long, help: "Sub-ticks per 20 ms media frame, 1-20: each call sends in one, so a loop's packets leave spread over the frame (default 1; 4 or 20 cut lateness for some CPU).")
    var mediaPhases: Int?

    @Flag(name: .long, help: "One RTP/RTCP port pair per media loop for all its calls, demultiplexed by source address and SSRC (for trunks and PBXs; not for phones behind NAT).")
    var mediaSharedPort = false

    @Flag(name: .long, help: "Send unsolicited message-summary NOTIFYs (RFC 3842) to the registered phones of a mailbox's owner on every change.")
    var unsolicitedMwi = false

    @Flag(name: .long, help: "Test hook: answer every INVITE with 200 and SDP (no media), ring only for user 'ring'.")
    var answerCalls = false

    func run() async throws {
        let settings = try resolvedConfiguration()
        let level = settings.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "switchboard")
        if answerCalls {
            let service = SIPService(configuration: settings, logger: logger) { TestCallUser() }
            try await ServiceGroup(configuration: .init(services: [service], gracefulShutdownSignals: [.sigterm, .sigint],
                                                        logger: logger)).run()
            return
        }
        let application: ServeApplication
        do {
            application = try await ServeApplication.start(settings, logger: logger)
        } catch let error as CallLayer.StartError {
            throw ValidationError(error.description)
        }
        let group = ServiceGroup(configuration: .init(services: application.services, gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger))
        do {
            try await group.run()
        } catch {
            await application.layer.stop()
            throw error
        }
        await application.layer.stop()
    }

    /// The config file's settings, then the flags on top.
    func resolvedConfiguration() throws -> ServeConfiguration {
        var settings = ServeConfiguration()
        if let config {
            guard let text = try? String(contentsOfFile: config, encoding: .utf8) else {
                throw ValidationError("\(config): cannot read the config file")
            }
            do { settings = try ServeConfiguration(yaml: text, file: config) } catch { throw ValidationError(error.description) }
        }
        if !sip.isEmpty {
            settings.sip = try sip.map { text in
                do { return try ListenAddress(parsing: text) } catch { throw ValidationError("--sip \(error)") }
            }
        }
        if let http { settings.http = http }
        if let flows { settings.flows = flows }
        if let prompts { settings.prompts = prompts }
        if let data { settings.data = data }
        if let tlsCertificate { settings.tlsCertificate = tlsCertificate }
        if let tlsKey { settings.tlsKey = tlsKey }
        if forceRport { settings.forceRport = true }
        if unsolicitedMwi { settings.callPolicy.unsolicitedMessageWaiting = true }
        if let rtpPorts {
            guard let range = ServeConfiguration.portRange(rtpPorts) else { throw ValidationError("--rtp-ports: expected LOW-HIGH, e.g. 10000-20000") }
            settings.rtpPorts = range
        }
        if let mediaLoops {
            guard mediaLoops > 0 else { throw ValidationError("--media-loops: expected a positive number") }
            settings.callPolicy.mediaLoops = mediaLoops
        }
        if mediaIoUring { settings.callPolicy.mediaIOUring = true }
        if mediaSharedPort { settings.callPolicy.mediaSharedPort = true }
        if let mediaPhases {
            guard MediaClock.phaseRange.contains(mediaPhases) else {
                throw ValidationError("--media-phases: \(MediaClock.phaseRangeProblem)")
            }
            settings.callPolicy.mediaPhases = mediaPhases
        }
        if let maxCalls {
            guard maxCalls > 0 else { throw ValidationError("--max-calls: expected a positive number") }
            settings.callPolicy.maximumCalls = maxCalls
        }
        if let logLevel {
            guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("--log-level: unknown level '\(logLevel)'") }
            settings.logLevel = level
        }
        return settings
    }
}

import Foundation
import Logging
import ServiceLifecycle
import Storage
import WebDirectory

/// Everything `switchboard serve` runs, assembled from its settings: the stores in `--data`
/// (voicemail recovered before the first call), the call layer (checked flows, prompts,
/// media), the SIP service, the flow reloader, and — with `--http` — the web directory.
public struct ServeApplication: Sendable {
    public let services: [any Service]
    public let layer: CallLayer

    /// Opens the stores, recovers interrupted recordings, and starts the call layer.
    public static func start(_ settings: ServeConfiguration, logger: Logger) async throws -> ServeApplication {
        let dataDirectory = URL(fileURLWithPath: settings.data, isDirectory: true)
        let stores: SwitchboardStores
        do {
            try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
            stores = try SwitchboardStores.open(dataDirectory: dataDirectory)
        } catch {
            throw CallLayer.StartError(description: "data directory \(settings.data): \(error)")
        }
        let report = try await stores.voicemail.recoverInterruptedRecordings()
        if !report.recovered.isEmpty || !report.removedEmpty.isEmpty {
            logger.notice("voicemail recovery: \(report.recovered.count) interrupted recordings kept, \(report.removedEmpty.count) empty ones removed")
        }
        let status = SwitchboardStatus()
        var policy = settings.callPolicy
        var webAddress: WebListenAddress?
        if let http = settings.http {
            do { webAddress = try WebListenAddress(parsing: http) } catch {
                throw CallLayer.StartError(description: "--http \(http): \(error)")
            }
            if let webAddress {
                let wildcard = webAddress.host == "0.0.0.0" || webAddress.host == "::"
                policy.webDirectory = WebDirectoryAddress(host: wildcard ? nil : webAddress.host, port: webAddress.port)
            }
        }
        let layer = try await CallLayer.start(flows: settings.flows, prompts: settings.prompts, policy: policy,
                                              rtpPorts: settings.rtpPorts, locations: stores.locations,
                                              voicemail: stores.voicemail, status: status, logger: logger)
        let running = RunningSIP()
        var services: [any Service] = [
            SIPService(configuration: settings, logger: logger, status: status, running: running) { layer.makeRouter() },
            CallReloadService(layer: layer),
        ]
        if let webAddress {
            let clickToCall = ClickToCallConfiguration(starter: ClickToCallService(layer: layer, sip: running, logger: logger))
            services.append(WebService(site: directorySite(layer: layer, running: running, clickToCall: clickToCall), address: webAddress, logger: logger))
        }
        return ServeApplication(services: services, layer: layer)
    }

    /// The web directory over the live flows, registrations and counters, with the
    /// click-to-call forms when `clickToCall` is given.
    static func directorySite(layer: CallLayer, running: RunningSIP? = nil, clickToCall: ClickToCallConfiguration? = nil) -> DirectorySite {
        let live = liveState(layer: layer, running: running)
        return DirectorySite(systemSource: { layer.flows }, liveState: live,
                             configuration: WebConfiguration(clickToCall: clickToCall))
    }

    /// What the web side reads live: reachability from the location service, the listeners,
    /// and the counters of calls, transactions, RTP and voicemail for `/metrics`.
    static func liveState(layer: CallLayer, running: RunningSIP?) -> ClosureLiveState {
        let status = layer.status
        return ClosureLiveState(
            isReachable: { person in
                let username = layer.flows.directory.people.first { $0.id == person }?.sip?.username ?? person
                return await layer.isRegistered(user: username)
            },
            sipListenersUp: { status.snapshot.listenersUp },
            metrics: {
                let snapshot = status.snapshot
                let media = await layer.mediaCounters()
                var transactions: [String: Int] = [:]
                if let server = running?.current?.server,
                   let stats = try? await server.eventLoop.submit({ server.stats }).get() {
                    transactions = ["server": stats.requestsAccepted, "client": stats.requestsSent]
                }
                return LiveMetrics(activeCalls: snapshot.activeCalls, callsByOutcome: snapshot.callsByOutcome,
                                   transactionsByKind: transactions, rtpPacketsSent: media?.sent ?? 0,
                                   rtpPacketsReceived: media?.received ?? 0,
                                   rtpLateness: LiveMetrics.Lateness(count: media?.latenessCount ?? 0, sumSeconds: media?.latenessSumSeconds ?? 0,
                                                                     maxSeconds: media?.latenessMaxSeconds ?? 0),
                                   voicemailDeposits: snapshot.voicemailDeposits)
            })
    }
}

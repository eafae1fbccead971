import Flows
import Logging
import NIOConcurrencyHelpers
import NIOCore
import SIPCore
import SIPMessage
import SIPTransport
import WebDirectory

/// The SIP server and its call router once `SIPService` runs them: how the web side reaches
/// the live call layer. Empty before the listeners are up and after shutdown.
public final class RunningSIP: Sendable {
    /// The server and its router. Unchecked: the router is only ever used on the server's
    /// event loop (`ClickToCallService` submits its work there).
    struct Parts: @unchecked Sendable {
        let server: SIPServer
        let router: CallRouter
    }

    private let parts = NIOLockedValueBox<Parts?>(nil)

    public init() {}

    /// The server is up.
    func attach(server: SIPServer, router: CallRouter) {
        let new = Parts(server: server, router: router)
        parts.withLockedValue { $0 = new }
    }

    func detach() {
        parts.withLockedValue { $0 = nil }
    }

    var current: Parts? { parts.withLockedValue { $0 } }
}

/// Click-to-call's timings and prompts.
public struct ClickToCallSettings: Sendable {
    /// How long the visitor's phone rings before we give up (CANCEL, nothing else called).
    public var visitorRingTimeout: Duration = .seconds(30)
    /// How long the target rings in all (a sequential department splits it by member-timeout).
    public var targetRingTimeout: Duration = .seconds(25)
    /// Played to the visitor once they answer, before the target rings.
    public var holdPrompt = "please-hold"
    /// Played to the visitor when the target does not take the call.
    public var apologyPrompt = "click-to-call-unavailable"
    public var language = "en"

    public init() {}
}

/// Why a click-to-call could not start (the page then says so, with `503`).
public enum ClickToCallStartError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The SIP listeners are not up.
    case sipNotRunning
    /// The callback reaches no phone: an extension with no registered phone, an outside
    /// number (no trunk is configured), a URI whose host is not an IP address (no DNS yet).
    case unreachable(String)
    /// The target is not in the directory.
    case unknownTarget(String)
    /// The server is at its `--max-calls` limit.
    case overloaded

    public var description: String {
        switch self {
        case .sipNotRunning: "the SIP service is not running"
        case .overloaded: "the server is at its call limit; try again shortly"
        case .unreachable(let callback): "\(callback) cannot be reached"
        case .unknownTarget(let target): "\(target) is not in the directory"
        }
    }
}

/// `ClickToCallStarter` over the live call layer (RFC 3725 §4 flow I, see
/// `ClickToCallLeg`): finds the visitor's phones, starts calling them on the SIP server's
/// loop and returns; the rest happens without the web request.
public struct ClickToCallService: ClickToCallStarter {
    let layer: CallLayer
    let sip: RunningSIP
    public var settings: ClickToCallSettings
    /// Told how each click-to-call ended (logs, tests).
    public var observer: (@Sendable (ClickToCallOutcome) -> Void)?
    private let logger: Logger

    public init(layer: CallLayer, sip: RunningSIP, settings: ClickToCallSettings = ClickToCallSettings(), logger: Logger,
                observer: (@Sendable (ClickToCallOutcome) -> Void)? = nil) {
        self.layer = layer
        self.sip = sip
        self.settings = settings
        self.logger = logger
        self.observer = observer
    }

    public func startCall(callback: String, target: String) async throws {
        guard let parts = sip.current else { throw ClickToCallStartError.sipNotRunning }
        let system = layer.flows
        guard let request = Self.request(callback: callback, target: target, in: system.directory) else {
            throw ClickToCallStartError.unknownTarget(target)
        }
        let endpoints = Self.endpoints(ofCallback: callback, in: system.directory)
        let targets = await RingGroupRunner.targets(for: endpoints, store: layer.locations, trunk: layer.environment.policy.trunk, logger: logger)
        guard let first = targets.first, let peer = Self.peer(for: first) else {
            throw ClickToCallStartError.unreachable(callback)
        }
        let settings = self.settings
        let observer = self.observer
        let logger = self.logger
        try await parts.server.eventLoop.submit {
            // Placed calls count towards --max-calls: past it nobody is called (the form gets 503).
            guard parts.router.admitsNewCall else { throw ClickToCallStartError.overloaded }
            let leg = ClickToCallLeg(request: request, peer: peer, system: system, settings: settings,
                                     router: parts.router, server: parts.server) { outcome in
                logger.notice("click-to-call \(callback) → \(target): \(outcome)")
                observer?(outcome)
            }
            leg.start(targets: targets)
        }.get()
    }

    /// The visitor's endpoints: a person's extension is their registered phones; anything
    /// else (a `sip:` URI, an outside number) is called as it is.
    static func endpoints(ofCallback callback: String, in directory: Directory) -> [TransferEndpoint] {
        if let person = directory.people.first(where: { $0.extensionNumber?.value == callback }) {
            return [.registered(user: person.sip?.username ?? callback)]
        }
        return [.external(callback)]
    }

    /// The target's extension and name for the visitor's caller display; nil when the
    /// directory has no such entry.
    static func request(callback: String, target: String, in directory: Directory) -> ClickToCallRequest? {
        let parts = target.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        let entry: (extension: String?, name: String)?
        switch parts[0] {
        case "department": entry = directory.department(parts[1]).map { ($0.extensionNumber?.value, $0.displayName) }
        case "person": entry = directory.person(parts[1]).map { ($0.extensionNumber?.value, $0.displayName) }
        default: entry = nil
        }
        guard let entry else { return nil }
        return ClickToCallRequest(callback: callback, target: target, targetExtension: entry.extension ?? "switchboard",
                                  targetName: entry.name)
    }

    /// The peer a visitor's target stands for: its registration's flow, or the URI's host
    /// when that is an IP address.
    static func peer(for target: OutboundTarget) -> SIPPeer? {
        if let flow = target.flow {
            let transport = TransportProtocol(rawValue: flow.transport.rawValue) ?? .udp
            guard let address = try? SocketAddress(ipAddress: flow.host, port: flow.port) else { return nil }
            return SIPPeer(transport: transport, address: address)
        }
        guard let sip = target.requestURI.sipURI else { return nil }
        let host = sip.host.trimmingCharacters(in: ["[", "]"])
        let transport = sip.transport.flatMap { TransportProtocol(rawValue: $0) } ?? .udp
        guard let address = try? SocketAddress(ipAddress: host, port: sip.port.map(Int.init) ?? transport.defaultPort) else { return nil }
        return SIPPeer(transport: transport, address: address)
    }
}

import Flows
import Logging
import NIOCore
import SIPCore
import SIPMessage
import SIPTransaction
import SIPTransport

/// Drives one `RingGroup` (docs/uac.md) on the SIP server's event loop for whoever places
/// outbound legs — a bridged transfer's callee legs, a click-to-call's visitor leg: it sends
/// the group's requests as client transactions the router routes back here, sends its ACKs
/// outside any transaction (RFC 3261 §13.2.2.4), fires its timers, reports the verdict
/// once, and keeps itself with the router until late forks are ACKed and BYEd (`isSettled`).
///
/// Confined to the SIP server's event loop.
final class RingGroupRunner: OutboundLegOwner {
    private unowned let router: CallRouter
    private let server: SIPServer
    private var group: RingGroup
    private let targets: [OutboundTarget]
    /// Where a request goes whose next hop is not an IP literal (no DNS yet).
    private let fallback: SIPPeer
    private var timer: Scheduled<Void>?
    private var onRinging: (() -> Void)?
    private var onFinished: ((RingGroupOutcome) -> Void)?
    /// The leg that answered: its target's flow carries the dialog's later requests.
    private var answeredLeg: Int?

    init(targets: [OutboundTarget], configuration: OutboundInviteConfiguration, strategy: RingGroup.Strategy,
         overallTimeout: Duration?, fallback: SIPPeer, router: CallRouter, server: SIPServer,
         onRinging: (() -> Void)? = nil, onFinished: @escaping (RingGroupOutcome) -> Void) {
        var random = SystemRandomNumberGenerator()
        self.group = RingGroup(targets: targets, configuration: configuration, strategy: strategy,
                               overallTimeout: overallTimeout, random: &random)
        self.targets = targets
        self.fallback = fallback
        self.router = router
        self.server = server
        self.onRinging = onRinging
        self.onFinished = onFinished
    }

    /// The 2xx of the leg that answered.
    var answerResponse: SIPMessage? {
        answeredLeg.flatMap { group.legs.indices.contains($0) ? group.legs[$0].answerResponse : nil }
    }

    /// Sends the first INVITEs.
    func start() {
        perform(group.start(now: router.now()))
    }

    /// Cancels every leg still ringing (RFC 3261 §9.1); the verdict is `.cancelled`.
    func cancel() {
        perform(group.cancel(now: router.now()))
    }

    // MARK: OutboundLegOwner

    func received(response: SIPMessage) {
        perform(group.receive(response, now: router.now()))
    }

    func failed(leg: Int, method: SIPMethod, timedOut: Bool) {
        perform(group.transactionFailed(leg: leg, method: method, timedOut: timedOut, now: router.now()))
    }

    // MARK: Requests in the answered dialog

    /// Sends a BYE in the answered leg's dialog (RFC 3261 §15.1.1).
    func sendBye(dialog: DialogID, addressing: LocalAddressing) {
        let via = addressing.via(branch: server.newBranch())
        guard let request = try? router.dialogs[dialog]?.makeRequest(.bye, via: via) else { return }
        server.sendRequest(request.message, to: destination(request, leg: answeredLeg))
    }

    // MARK: Actions

    private func perform(_ actions: [RingGroup.Action]) {
        for action in actions {
            switch action {
            case .leg(let index, .sendRequest(let request)):
                let id = server.sendRequest(request.message, to: destination(request, leg: index))
                router.track(id, leg: index, method: request.message.method ?? .invite, for: self)
            case .leg(let index, .sendACK(let request)):
                server.sendRequest(request.message, to: destination(request, leg: index))
            case .leg(_, .ringing):
                onRinging?()
                onRinging = nil
            case .leg:
                break
            case .finished(let outcome):
                if case .answered(let leg, _, _, _) = outcome { answeredLeg = leg }
                let report = onFinished
                onFinished = nil
                report?(outcome)
            }
        }
        if group.outcome != nil {
            // Late 2xx from other forks are still ACKed and BYEd while the group settles.
            if group.isSettled { router.settled(self) } else { router.keepSettling(self) }
        }
        scheduleTimer()
    }

    private func scheduleTimer() {
        timer?.cancel()
        timer = nil
        guard let deadline = group.nextDeadline, !(group.outcome != nil && group.isSettled) else { return }
        // Strong: a pending timer keeps the runner until it fires or is cancelled here.
        let bound = NIOLoopBound(self, eventLoop: server.eventLoop)
        timer = server.eventLoop.scheduleTask(deadline: NIODeadline(deadline)) {
            let runner = bound.value
            runner.timer = nil
            runner.perform(runner.group.timerFired(now: runner.router.now()))
        }
    }

    /// Where a request of leg `leg` goes: over the connection a registered phone keeps (its
    /// REGISTER's flow), else to the next hop when it is an IP literal, else to `fallback`.
    private func destination(_ request: DialogRequest, leg: Int?) -> ResponseDestination {
        let target = leg.flatMap { targets.indices.contains($0) ? targets[$0] : nil }
        if let flow = target?.flow {
            let transport = TransportProtocol(rawValue: flow.transport.rawValue) ?? .udp
            return ResponseDestination(transport: transport, host: flow.host, port: flow.port,
                                       connection: transport == .udp || flow.connection == 0 ? nil : ConnectionID(flow.connection),
                                       listener: transport == .udp ? Int(truncatingIfNeeded: flow.connection) : 0)
        }
        return router.destination(towards: request.nextHop, fallback: fallback)
    }

    // MARK: Resolving endpoints

    /// The targets a transfer's endpoints stand for: each registered user's live bindings in
    /// the location service, every `sip:`/`sips:` URI, and outside numbers through the trunk
    /// (without one they are logged and left out).
    static func targets(for endpoints: [TransferEndpoint], store: (any LocationStore)?, trunk: Trunk?,
                        logger: Logger) async -> [OutboundTarget] {
        var targets: [OutboundTarget] = []
        for endpoint in endpoints {
            switch endpoint {
            case .registered(let user):
                guard let store else { continue }
                targets += await RegistrationService.contacts(ofUser: user, in: store).map { OutboundTarget.registered($0) }
            case .external(let text):
                if let uri = try? URI(text), uri.sipURI != nil {
                    targets.append(.uri(uri))
                } else if let target = trunk?.target(forNumber: text) {
                    targets.append(target)
                } else {
                    logger.notice("call to \(text): outside numbers need a trunk, and none is configured")
                }
            }
        }
        return targets
    }
}

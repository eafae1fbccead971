import Flows
import Logging
import Media
import NIOCore
import SDP
import SIPCore
import SIPMessage
import SIPTransaction
import SIPTransport

/// A click-to-call in progress — third-party call control, RFC 3725 §4.1 (flow I), with
/// Switchboard as the controller and as a B2BUA that anchors the media:
///
/// 1. INVITE the visitor (the callback from the web form). Flow I sends the first party an
///    INVITE without SDP and ACKs its 200 only once the second party answered, so a slow
///    second party runs into the first's 2xx retransmission limit; Switchboard terminates
///    the visitor's media itself, so it offers its own SDP and ACKs at once. A visitor who
///    does not answer, is busy or fails ends it: nothing else is called.
/// 2. Once the visitor answered, play the hold prompt to them.
/// 3. Ring the target with the directory's rules (`FlowInterpreter.ring`: a department's
///    strategy and member timeout, a person's forwarding) through a `BridgedTransfer`
///    anchored on this leg — ringback meanwhile — and relay media between the two legs on
///    answer (flow I ends with both parties' media connected; here through our relay, so
///    neither party needs a re-INVITE).
/// 4. A BYE from either side ends the other. When the target is busy, does not answer or
///    fails, the visitor hears the apology prompt and gets our BYE.
///
/// Confined to the SIP server's event loop.
final class ClickToCallLeg: DialogOwner, BridgeAnchor, CallSignalling {
    enum State: Equatable {
        case opening, ringing, answered, ended
    }

    let addressing: LocalAddressing
    let peer: SIPPeer
    let session: LiveCallSession
    private(set) var state = State.opening
    private let request: ClickToCallRequest
    private unowned let router: CallRouter
    private let server: SIPServer
    private let system: FlowSystem
    private let settings: ClickToCallSettings
    private let report: @Sendable (ClickToCallOutcome) -> Void
    private var runner: RingGroupRunner?
    private var negotiator: SessionNegotiator?
    private var dialogID: DialogID?
    private var transfer: BridgedTransfer?
    private var outcome: ClickToCallOutcome?
    private let logger: Logger

    init(request: ClickToCallRequest, peer: SIPPeer, system: FlowSystem, settings: ClickToCallSettings,
         router: CallRouter, server: SIPServer, report: @escaping @Sendable (ClickToCallOutcome) -> Void) {
        self.request = request
        self.peer = peer
        self.system = system
        self.settings = settings
        self.router = router
        self.server = server
        self.report = report
        self.addressing = LocalAddressing(server: server, calling: peer)
        let media = router.environment.media.pick()
        let handle = CallHandle(eventLoop: server.eventLoop)
        self.session = LiveCallSession(info: CallInfo(caller: request.callback, called: request.targetExtension, variables: [:]),
                                       media: media, prompts: router.environment.prompts,
                                       channelID: media.reserveChannelID(), signalling: handle)
        var logger = server.logger
        logger[metadataKey: "click-to-call"] = "\(request.callback) → \(request.target)"
        self.logger = logger
        handle.call = self
    }

    // MARK: Calling the visitor

    /// Opens the visitor's media sockets and rings `targets` (the visitor's phones).
    func start(targets: [OutboundTarget]) {
        router.placedCallStarted()
        let media = session.media
        let bound = NIOLoopBound(self, eventLoop: server.eventLoop)
        media.openSockets(channelID: session.channelID).hop(to: server.eventLoop).whenComplete { result in
            let leg = bound.value
            guard leg.state == .opening else { return }
            switch result {
            case .success(let port): leg.ring(targets, mediaPort: port)
            case .failure: leg.end(.visitorUnreachable(503))
            }
        }
    }

    private func ring(_ targets: [OutboundTarget], mediaPort: Int) {
        var negotiator = SessionNegotiator(address: addressing.host, port: mediaPort, codecs: router.environment.policy.codecs)
        guard let offer = negotiator.offer(),
              let configuration = OutboundInviteConfiguration.switchboard(
                caller: request.targetExtension, displayName: request.targetName, addressing: addressing, offer: offer,
                ringTimeout: settings.visitorRingTimeout, timers: router.timers) else { return end(.visitorUnreachable(500)) }
        self.negotiator = negotiator
        let runner = RingGroupRunner(targets: targets, configuration: configuration, strategy: .simultaneous,
                                     overallTimeout: settings.visitorRingTimeout, fallback: peer, router: router, server: server) { outcome in
            // Strong on purpose: while the visitor rings, the runner (kept by the router's
            // client transactions) is what keeps this leg; the verdict comes once and the
            // runner lets go of this closure then.
            self.visitorFinished(outcome)
        }
        self.runner = runner
        state = .ringing
        logger.info("click-to-call: calling the visitor")
        runner.start()
    }

    private func visitorFinished(_ outcome: RingGroupOutcome) {
        guard state == .ringing else { return }
        switch outcome {
        case .answered(_, _, let dialog, let sdpAnswer):
            dialogID = dialog.id
            router.dialogs.insert(dialog)
            router.register(self, dialog: dialog.id)
            state = .answered
            guard var negotiator, let stream = negotiator.received(answer: sdpAnswer) else {
                // RFC 3264 §5: an unusable answer ends the session (the group ACKed it already).
                logger.notice("click-to-call: the visitor answered without a usable SDP answer")
                return hangUp(.visitorUnreachable(488))
            }
            self.negotiator = negotiator
            session.startMedia(stream)
            logger.info("click-to-call: the visitor answered; ringing \(request.target)")
            connect()
        case .busy: end(.visitorUnreachable(486))
        case .noAnswer: end(.visitorUnreachable(480))
        case .cancelled: end(.visitorUnreachable(487))
        case .failed(let status): end(.visitorUnreachable(status))
        }
    }

    // MARK: Connecting the target

    /// Hold prompt, then the target rung with the directory's rules; on no success the
    /// apology; then our BYE (unless the bridged call ended it already).
    private func connect() {
        let session = self.session, system = self.system, settings = self.settings, request = self.request
        let observer = router.traceObserver
        let bound = NIOLoopBound(self, eventLoop: server.eventLoop)
        let loop = server.eventLoop
        Task {
            let interpreter = FlowInterpreter(system: system, session: session)
            interpreter.observer = observer
            var result = TransferResult.failed
            do {
                _ = try? await session.play([settings.holdPrompt], language: settings.language, bargeIn: false)
                result = try await interpreter.ring(TransferDestination(request.target), label: request.target,
                                                    timeout: settings.targetRingTimeout, mode: .bridged, strategy: nil,
                                                    whisper: [], language: settings.language)
            } catch CallSessionError.callerHungUp {
                return loop.execute { bound.value.settle(.visitorHungUp) }
            } catch {
                result = .failed  // e.g. a department without members
            }
            let outcome: ClickToCallOutcome = result == .answered ? .connected : .targetUnavailable(result)
            loop.execute { bound.value.settle(outcome) }
            guard result != .answered else { return }
            _ = try? await session.play([settings.apologyPrompt], language: settings.language, bargeIn: false)
            await session.hangUp()
        }
    }

    /// Rings a transfer anchored on this leg (called by the session's `CallHandle`).
    func startTransfer(_ request: TransferRequest, completion: @escaping (TransferResult) -> Void) {
        guard state == .answered, transfer == nil else { return completion(.failed) }
        transfer = BridgedTransfer.start(anchoredOn: self, request: request, router: router, server: server,
                                         release: { [weak self] in self?.transfer = nil }, completion: completion)
    }

    // MARK: Requests from the visitor

    func received(_ request: SIPMessage, transaction: ServerTransactionID) {
        guard let dialogID else { return }
        answerInDialog(request, transaction: transaction, dialog: dialogID, negotiator: &negotiator, contact: addressing.contact,
                       router: router, server: server, hungUp: { [self] in
                           logger.info("click-to-call: the visitor hung up")
                           end(.visitorHungUp)
                       }, newStream: { [session] in session.startMedia($0) })
    }

    func ackReceivedInDialog(_ ack: SIPMessage) {}

    // MARK: Ending

    /// The session or the bridge ends the call: BYE the visitor (RFC 3261 §15.1.1).
    func hangUpFromOurSide() {
        hangUp(.connected)
    }

    private func hangUp(_ outcome: ClickToCallOutcome) {
        guard state != .ended else { return }
        if state == .answered, let dialogID { runner?.sendBye(dialog: dialogID, addressing: addressing) }
        end(outcome)
    }

    /// Records the outcome without ending (the apology still plays).
    private func settle(_ outcome: ClickToCallOutcome) {
        if self.outcome == nil { self.outcome = outcome }
    }

    /// Stops ringing, the bridge and media, forgets the dialog, and reports the outcome.
    private func end(_ outcome: ClickToCallOutcome) {
        guard state != .ended else { return }
        if state == .ringing { runner?.cancel() }
        state = .ended
        if transfer?.state == .bridged { settle(.connected) }
        transfer?.callerHungUp()
        transfer = nil
        session.callerHungUp()
        if let dialogID { router.forget(self, dialog: dialogID) }
        router.placedCallEnded()
        settle(outcome)
        let final = self.outcome ?? outcome
        logger.info("click-to-call ended: \(final)")
        report(final)
    }
}

/// One click-to-call: whom to call back, and whom to connect them to.
struct ClickToCallRequest: Sendable {
    /// The visitor's number or SIP URI, as the web layer checked it.
    var callback: String
    /// `department/ID` or `person/ID`.
    var target: String
    /// The target's extension (the From user the visitor's phone shows).
    var targetExtension: String
    /// The target's name (the From display name).
    var targetName: String?
}

/// How a click-to-call ended (for logs and tests).
public enum ClickToCallOutcome: Sendable, Equatable, CustomStringConvertible {
    /// The visitor did not answer, was busy or could not be reached (the final status):
    /// nothing else was called.
    case visitorUnreachable(Int)
    /// The visitor hung up before the target answered.
    case visitorHungUp
    /// The target was rung and did not take the call; the visitor heard the apology.
    case targetUnavailable(TransferResult)
    /// Both were connected; the call has ended.
    case connected

    public var description: String {
        switch self {
        case .visitorUnreachable(let status): "visitor unreachable (\(status))"
        case .visitorHungUp: "visitor hung up"
        case .targetUnavailable(let result): "target \(result.rawValue)"
        case .connected: "connected"
        }
    }
}

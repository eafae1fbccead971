import Flows
import Logging
import Media
import NIOCore
import SDP
import SIPCore
import SIPMessage
import SIPTransaction
import SIPTransport

/// A bridged transfer (Switchboard as B2BUA, RFC 3261 §13.2 for the new leg): the anchor
/// stays on its own leg while Switchboard rings the targets itself (`RingGroup`: all at
/// once, first 2xx wins, the rest CANCELled), then relays media between the two legs.
/// Busy, no answer or failure hand the anchor back at once — the caller is never lost
/// because a transfer failed. A BYE from either side ends the other.
///
/// Confined to the SIP server's event loop.
final class BridgedTransfer: DialogOwner, OutboundLegOwner, MediaEventHandler {
    enum State: Equatable {
        /// `handedOver`: the callee REFERred the caller on and the new leg took over the
        /// caller; this leg only waits for the callee's BYE.
        case opening, ringing, bridged, handedOver, ended
    }

    private(set) var state = State.opening
    private unowned let router: CallRouter
    private let server: SIPServer
    private let call: any BridgeAnchor
    private let request: TransferRequest
    private let channelID: Int
    private var runner: RingGroupRunner?
    private var negotiator: SessionNegotiator?
    private var dialogID: DialogID?
    fileprivate(set) var completion: ((TransferResult) -> Void)?
    /// Called on answer, before the media bridge is made (a REFER hand-over closes the
    /// previous leg's media first).
    var onAnswered: (() -> Void)?
    /// A REFER from the callee being carried out (RFC 3515 as recipient).
    private var referral: (subscription: ReferSubscription, transfer: BridgedTransfer)?
    /// RFC 4028 on the callee's leg, when its 2xx agreed to a timer.
    private var legTimer: LegSessionTimer?
    private let logger: Logger

    init(call: any BridgeAnchor, request: TransferRequest, router: CallRouter, server: SIPServer,
         completion: @escaping (TransferResult) -> Void) {
        self.call = call
        self.request = request
        self.router = router
        self.server = server
        self.completion = completion
        self.channelID = call.session.media.reserveChannelID()  // the caller's media loop: a relay joins two channels of one loop
        var logger = server.logger
        logger[metadataKey: "transfer"] = "\(request.destination)"
        self.logger = logger
    }

    // MARK: Starting

    /// Starts a transfer anchored on `anchor` for its `startTransfer`: `release` runs first
    /// when it ends (the anchor forgets it), then `completion` hears the result; when a
    /// bridged call is over (`answered`: the callee hung up) the anchor is hung up too.
    static func start(anchoredOn anchor: some BridgeAnchor & CallSignalling, request: TransferRequest, router: CallRouter,
                      server: SIPServer, release: @escaping () -> Void,
                      completion: @escaping (TransferResult) -> Void) -> BridgedTransfer {
        let transfer = BridgedTransfer(call: anchor, request: request, router: router, server: server) { [weak anchor] result in
            release()
            completion(result)
            if result == .answered { anchor?.hangUpFromOurSide() }
        }
        transfer.start()
        return transfer
    }

    /// Looks up the request's endpoints (the location service for registered users) and
    /// rings what it finds.
    func start() {
        let store = router.registrations?.store
        let bound = NIOLoopBound(self, eventLoop: server.eventLoop)
        let endpoints = request.endpoints
        let loop = server.eventLoop
        let logger = self.logger
        let trunk = router.environment.policy.trunk
        Task {
            let targets = await RingGroupRunner.targets(for: endpoints, store: store, trunk: trunk, logger: logger)
            loop.execute { bound.value.start(targets: targets) }
        }
    }

    /// Rings `targets` (already resolved from the directory and the location service).
    func start(targets: [OutboundTarget]) {
        guard state == .opening else { return }
        guard !targets.isEmpty else {
            logger.info("transfer: no reachable endpoint")
            return finish(.noAnswer)
        }
        let media = call.session.media
        let bound = NIOLoopBound(self, eventLoop: server.eventLoop)
        let id = channelID
        media.openSockets(channelID: id).hop(to: server.eventLoop).whenComplete { result in
            let transfer = bound.value
            guard transfer.state == .opening else { return media.eventLoop.execute { media.close(channelID: id) } }
            switch result {
            case .success(let port): transfer.ring(targets, mediaPort: port)
            case .failure: transfer.finish(.failed)
            }
        }
    }

    private func ring(_ targets: [OutboundTarget], mediaPort: Int) {
        var negotiator = SessionNegotiator(address: call.addressing.host, port: mediaPort, codecs: router.environment.policy.codecs)
        guard let offer = negotiator.offer() else { return finish(.failed) }
        self.negotiator = negotiator
        guard var configuration = OutboundInviteConfiguration.switchboard(
            caller: call.session.info.caller, addressing: call.addressing, offer: offer,
            ringTimeout: request.ringTimeout, timers: router.timers) else { return finish(.failed) }
        configuration.headers += LegSessionTimer.requestHeaders(router.environment.policy.sessionTimers)
        let runner = RingGroupRunner(targets: targets, configuration: configuration, strategy: .simultaneous,
                                     overallTimeout: request.ringTimeout, fallback: call.peer, router: router, server: server) { [weak self] outcome in
            self?.finished(outcome)
        }
        self.runner = runner
        state = .ringing
        call.session.startRingback()
        runner.start()
    }

    // MARK: Events from the router

    /// A request from the transferee in the bridged dialog.
    func received(_ request: SIPMessage, transaction: ServerTransactionID) {
        guard let dialogID else { return }
        if request.method == .refer { return receivedRefer(request, transaction: transaction) }
        if request.method == .bye, state == .handedOver {
            server.respond(SIPMessage.response(to: request, status: 200, reason: "OK"), to: transaction)
            return retire()
        }
        answerInDialog(request, transaction: transaction, dialog: dialogID, negotiator: &negotiator, contact: call.addressing.contact,
                       router: router, server: server, refreshHeaders: { [legTimer] in legTimer?.peerRefreshed($0) ?? [] }, hungUp: { [self] in
                           logger.info("transfer target hung up")
                           endBridge()
                       }, newStream: { [self] in updateMedia($0) })
    }

    func ackReceivedInDialog(_ ack: SIPMessage) {}

    /// Responses to the NOTIFYs of a REFER from the callee (RFC 6665 §4.2.2).
    func received(response: SIPMessage) {
        guard (try? response.cseq())?.method == .notify else { return }
        notify { [self] dialog, now, via in referral?.subscription.receiveNotifyResponse(response, in: &dialog, now: now, newVia: via) ?? [] }
    }

    func failed(leg: Int, method: SIPMethod, timedOut: Bool) {
        guard method == .notify, var subscription = referral?.subscription else { return }
        _ = subscription.notifyTimedOut()
        referral?.subscription = subscription
    }

    /// The caller hung up: CANCEL what rings, or BYE the bridged callee.
    func callerHungUp() {
        referral?.transfer.callerHungUp()
        switch state {
        case .opening:
            finish(.failed)
        case .ringing:
            runner?.cancel()
            finish(.failed)
        case .bridged:
            sendBye()
            endBridge()
        case .handedOver:
            sendBye()
            retire()
        case .ended:
            break
        }
    }

    // MARK: Outcomes

    private func finished(_ outcome: RingGroupOutcome) {
        switch outcome {
        case .answered(_, _, let dialog, let sdpAnswer):
            guard state == .ringing, var negotiator, let stream = negotiator.received(answer: sdpAnswer) else {
                logger.notice("transfer answered without a usable SDP answer")
                return finish(.failed)
            }
            self.negotiator = negotiator
            dialogID = dialog.id
            router.dialogs.insert(dialog)
            router.register(self, dialog: dialog.id)
            state = .bridged
            if let answer = runner?.answerResponse {
                legTimer = LegSessionTimer(answer: answer, dialog: dialog.id, addressing: call.addressing, fallback: call.peer,
                                           policy: router.environment.policy.sessionTimers, router: router, server: server) { [weak self] in
                    self?.sessionExpired()
                }
            }
            onAnswered?()
            onAnswered = nil
            startBridge(stream)
            logger.info("transfer answered; bridged")
        case .busy: finish(.busy)
        case .noAnswer: finish(.noAnswer)
        case .cancelled: finish(.failed)
        case .failed(let status):
            logger.info("transfer failed: \(status)")
            finish(.failed)
        }
    }

    private func startBridge(_ stream: NegotiatedStream) {
        let media = call.session.media
        let aChannel = call.session.channelID
        let bChannel = channelID
        let handler = NIOLoopBound(self, eventLoop: server.eventLoop)
        let sipLoop = server.eventLoop
        let mediaTimeout = router.environment.policy.mediaTimeout
        media.eventLoop.execute {
            var random = SystemRandomNumberGenerator()
            let timeout = TimeAmount(mediaTimeout)
            guard let channel = MediaChannel(id: bChannel, stream: stream, sender: RTPSender(using: &random)).map({
                      $0.receiver.inactivityTimeout = timeout
                      return $0
                  }),
                  media.bridge(channel, to: aChannel, handler: MediaEventForwarder(sipLoop: sipLoop, target: handler)) else {
                sipLoop.execute { handler.value.sendBye(); handler.value.endBridge() }
                return
            }
        }
    }

    private func updateMedia(_ stream: NegotiatedStream) {
        let media = call.session.media
        let id = channelID
        media.eventLoop.execute {
            guard let channel = media.channel(id) else { return }
            channel.remoteAddress = try? SocketAddress(ipAddress: stream.remoteAddress, port: Int(stream.remotePort))
        }
    }

    // MARK: REFER from the callee (RFC 3515 as recipient)

    /// The callee moves the caller on (a staff phone's transfer button): the target must be
    /// one the directory allows (a person's or department's extension or user name, or an
    /// allowed outbound URI), else `403`. We accept (`202`), report `100 Trying`, and ring
    /// the target for the caller while the caller stays bridged to the callee. On answer
    /// the caller is bridged to the new leg and the callee is told `200 OK` (it then hangs
    /// up); on failure the callee is told the final status and keeps the caller.
    private func receivedRefer(_ request: SIPMessage, transaction: ServerTransactionID) {
        guard state == .bridged, referral == nil, let dialogID, let anchor = call as? (any BridgeAnchor & TransferAdopting) else {
            return server.respond(SIPMessage.response(to: request, status: 491, reason: "Request Pending"), to: transaction)
        }
        let refer: ReferRequest
        do { refer = try ReferRequest(request) } catch { return server.respond(error.response(to: request), to: transaction) }
        guard let endpoints = router.endpoints(forReferTarget: refer.target) else {
            logger.notice("REFER to \(refer.target) refused: not a destination the directory allows")
            return server.respond(SIPMessage.response(to: request, status: 403, reason: "Forbidden"), to: transaction)
        }
        let subscription = ReferSubscription(refer: refer, now: router.now())
        let contact = try? URI("sip:switchboard@\(call.addressing.uriHost):\(call.addressing.port)")
        server.respond(subscription.acceptance(of: request, contact: contact.map { NameAddress(uri: $0) }), to: transaction)
        if let sequence = try? request.cseq().sequence {
            router.dialogs[dialogID]?.sentResponse(SIPMessage.response(to: request, status: 202), to: .refer, sequence: sequence)
        }
        let next = BridgedTransfer(call: anchor, request: TransferRequest(destination: "refer:\(refer.target)", endpoints: endpoints,
                                                                          ringTimeout: .seconds(30), mode: .bridged),
                                   router: router, server: server) { [weak self] result in self?.referralFailed(result) }
        next.onAnswered = { [weak self, weak next, weak anchor] in
            guard let self, let next, let anchor else { return }
            self.handOver(to: next, anchor: anchor)
        }
        referral = (subscription, next)
        notify { [self] dialog, now, via in referral?.subscription.start(in: &dialog, now: now, newVia: via) ?? [] }
        next.start()
    }

    /// The referred leg answered: the callee's media goes, the caller's bridge moves to the
    /// new leg, the flow's wait now ends with the new leg, and the callee hears `200 OK`.
    private func handOver(to next: BridgedTransfer, anchor: any TransferAdopting) {
        state = .handedOver
        let media = call.session.media
        let id = channelID
        media.eventLoop.execute { media.close(channelID: id) }
        next.completion = completion
        completion = nil
        anchor.adopt(next)
        reportReferral(SipFragStatus(200, reason: "OK"))
    }

    /// The referred leg did not answer: the callee keeps the caller and hears why.
    private func referralFailed(_ result: TransferResult) {
        guard state == .bridged else { return }
        let status: SipFragStatus = switch result {
        case .busy: SipFragStatus(486, reason: "Busy Here")
        case .noAnswer: SipFragStatus(480, reason: "Temporarily Unavailable")
        case .answered, .failed: SipFragStatus(503, reason: "Service Unavailable")
        }
        reportReferral(status)
    }

    private func reportReferral(_ status: SipFragStatus) {
        notify { [self] dialog, now, via in referral?.subscription.report(status, in: &dialog, now: now, newVia: via) ?? [] }
        if state == .bridged { referral = nil }
    }

    /// Runs a step of the REFER subscription on our dialog and sends its NOTIFYs.
    private func notify(_ step: (inout Dialog, SIPInstant, () -> Via) -> [ReferSubscriptionAction]) {
        guard let dialogID, var dialog = router.dialogs[dialogID] else { return }
        let addressing = call.addressing
        let server = self.server
        let actions = step(&dialog, router.now()) { addressing.via(branch: server.newBranch()) }
        router.dialogs[dialogID] = dialog
        for case .sendNotify(let request) in actions {
            let id = server.sendRequest(request.message, to: router.destination(towards: request.nextHop, fallback: call.peer))
            router.track(id, leg: -1, method: .notify, for: self)
        }
    }

    /// The callee's leg missed its session refresh (RFC 4028 §10): it is dead; end both legs.
    private func sessionExpired() {
        logger.notice("the transfer target's session expired without refresh; ending the bridge")
        sendBye()
        if state == .handedOver { return retire() }
        endBridge()
    }

    /// After a hand-over the callee hung up: forget its dialog, nothing else.
    private func retire() {
        legTimer?.stop()
        state = .ended
        if let dialogID { router.forget(self, dialog: dialogID) }
    }

    /// Dead media on the callee's leg ends the bridge (sent from the media loop).
    func handle(_ event: MediaEvent) {
        if case .inactive = event, state == .bridged {
            sendBye()
            endBridge()
        }
    }

    private func sendBye() {
        guard let dialogID else { return }
        runner?.sendBye(dialog: dialogID, addressing: call.addressing)
    }

    /// The bridged call is over: the caller's player is back and the flow ends (`answered`).
    private func endBridge() {
        guard state == .bridged else { return }
        finish(.answered)
    }

    /// Ends the transfer with `result`: B media closed, dialog forgotten, the flow told.
    private func finish(_ result: TransferResult) {
        guard state != .ended else { return }
        state = .ended
        legTimer?.stop()
        call.session.stopRingback()
        let media = call.session.media
        let id = channelID
        media.eventLoop.execute { media.close(channelID: id) }
        if let dialogID { router.forget(self, dialog: dialogID) }
        completion?(result)
        completion = nil
    }
}

/// Hands media events of a bridged leg to its transfer on the SIP loop.
final class MediaEventForwarder: MediaEventHandler {
    private let sipLoop: any EventLoop
    private let target: NIOLoopBound<BridgedTransfer>

    init(sipLoop: any EventLoop, target: NIOLoopBound<BridgedTransfer>) {
        self.sipLoop = sipLoop
        self.target = target
    }

    func handle(_ event: MediaEvent) {
        let target = self.target
        sipLoop.execute { target.value.handle(event) }
    }
}

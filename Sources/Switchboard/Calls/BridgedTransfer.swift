import Flows
import Logging
import Media
import NIOCore
import SDP
import SIPCore
import SIPMessage
import SIPTransaction
import SIPTransport

/// A bridged transfer (Switchboard as B2BUA, RFC 3261 §13.2 for the new leg): the caller
/// stays on its own leg while Switchboard rings the targets itself (`RingGroup`: all at
/// once, first 2xx wins, the rest CANCELled), then relays media between the two legs.
/// Busy, no answer or failure hand the caller back to the flow at once — the caller is
/// never lost because a transfer failed. A BYE from either side ends the other.
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
    private let call: InboundCall
    private let request: TransferRequest
    private let channelID: Int
    private var group: RingGroup?
    private var negotiator: SessionNegotiator?
    private var dialogID: DialogID?
    private var destinations: [Int: OutboundTarget] = [:]
    private var timer: Scheduled<Void>?
    fileprivate(set) var completion: ((TransferResult) -> Void)?
    /// Called on answer, before the media bridge is made (a REFER hand-over closes the
    /// previous leg's media first).
    var onAnswered: (() -> Void)?
    /// A REFER from the callee being carried out (RFC 3515 as recipient).
    private var referral: (subscription: ReferSubscription, transfer: BridgedTransfer)?
    private let logger: Logger

    init(call: InboundCall, request: TransferRequest, router: CallRouter, server: SIPServer,
         completion: @escaping (TransferResult) -> Void) {
        self.call = call
        self.request = request
        self.router = router
        self.server = server
        self.completion = completion
        self.channelID = router.environment.media.reserveChannelID()
        var logger = server.logger
        logger[metadataKey: "transfer"] = "\(request.destination)"
        self.logger = logger
    }

    // MARK: Starting

    /// Rings `targets` (already resolved from the directory and the location service).
    func start(targets: [OutboundTarget]) {
        guard !targets.isEmpty else {
            logger.info("transfer: no reachable endpoint")
            return finish(.noAnswer)
        }
        let media = router.environment.media
        media.openSockets(channelID: channelID).hop(to: server.eventLoop).whenComplete { [self] result in
            guard state == .opening else { return media.eventLoop.execute { media.close(channelID: self.channelID) } }
            switch result {
            case .success(let port): ring(targets, mediaPort: port)
            case .failure: finish(.failed)
            }
        }
    }

    private func ring(_ targets: [OutboundTarget], mediaPort: Int) {
        var negotiator = SessionNegotiator(address: call.addressing.host, port: mediaPort, codecs: router.environment.policy.codecs)
        guard let offer = negotiator.offer() else { return finish(.failed) }
        self.negotiator = negotiator
        let addressing = call.addressing
        guard let fromURI = try? URI("sip:\(PercentEncoding.encodeUser(call.session.info.caller))@\(addressing.uriHost)"),
              let contactURI = try? URI("sip:switchboard@\(addressing.uriHost):\(addressing.port)") else { return finish(.failed) }
        let configuration = OutboundInviteConfiguration(
            from: NameAddress(uri: fromURI), contact: NameAddress(uri: contactURI),
            via: LocalVia(transport: addressing.transport.viaToken, host: addressing.uriHost, port: UInt16(clamping: addressing.port)),
            offer: offer, ringTimeout: request.ringTimeout, timers: router.timers)
        var random = SystemRandomNumberGenerator()
        var group = RingGroup(targets: targets, configuration: configuration, strategy: .simultaneous,
                              overallTimeout: request.ringTimeout, random: &random)
        for (index, target) in targets.enumerated() { destinations[index] = target }
        state = .ringing
        call.session.startRingback()
        let actions = group.start(now: router.now())
        self.group = group
        perform(actions)
    }

    // MARK: Events from the router

    func received(response: SIPMessage) {
        if (try? response.cseq())?.method == .notify { return referNotifyAnswered(response) }
        guard var group else { return }
        let actions = group.receive(response, now: router.now())
        self.group = group
        perform(actions)
    }

    func failed(leg: Int, method: SIPMethod, timedOut: Bool) {
        guard var group else { return }
        let actions = group.transactionFailed(leg: leg, method: method, timedOut: timedOut, now: router.now())
        self.group = group
        perform(actions)
    }

    /// A request from the transferee in the bridged dialog.
    func received(_ request: SIPMessage, transaction: ServerTransactionID) {
        switch request.method {
        case .bye?:
            server.respond(SIPMessage.response(to: request, status: 200, reason: "OK"), to: transaction)
            logger.info("transfer target hung up")
            if state == .handedOver { return retire() }
            endBridge()
        case .invite?, .update?:
            // A re-INVITE from the callee (hold, new address): answer it on our B port.
            guard var negotiator, !request.body.isEmpty, case .success(let answer) = negotiator.answer(request.body) else {
                return server.respond(SIPMessage.response(to: request, status: 488, reason: "Not Acceptable Here"), to: transaction)
            }
            self.negotiator = negotiator
            updateMedia(answer.stream)
            var response = SIPMessage.response(to: request, status: 200, reason: "OK")
            response.headers.append(.contact, call.addressing.contact)
            response.setBody(answer.sdp, contentType: .sdp)
            server.respond(response, to: transaction)
        case .options?, .info?:
            server.respond(SIPMessage.response(to: request, status: 200, reason: "OK"), to: transaction)
        case .refer?:
            return receivedRefer(request, transaction: transaction)
        default:
            server.respond(SIPMessage.response(to: request, status: 405, reason: "Method Not Allowed"), to: transaction)
        }
        if let dialogID, let method = request.method, let sequence = try? request.cseq().sequence {
            router.dialogs[dialogID]?.sentResponse(SIPMessage.response(to: request, status: 200), to: method, sequence: sequence)
        }
    }

    func ackReceivedInDialog(_ ack: SIPMessage) {}

    /// The caller hung up: CANCEL what rings, or BYE the bridged callee.
    func callerHungUp() {
        referral?.transfer.callerHungUp()
        switch state {
        case .opening:
            finish(.failed)
        case .ringing:
            guard var group else { return finish(.failed) }
            let actions = group.cancel(now: router.now())
            self.group = group
            perform(actions)
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
                break  // the caller hears our ringback already
            case .leg:
                break
            case .finished(let outcome):
                finished(outcome)
            }
        }
        if state == .ended, group?.isSettled ?? true { router.settled(self) }
        scheduleTimer()
    }

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
        let media = router.environment.media
        let aChannel = call.session.channelID
        let bChannel = channelID
        let handler = NIOLoopBound(self, eventLoop: server.eventLoop)
        let sipLoop = server.eventLoop
        media.eventLoop.execute {
            var random = SystemRandomNumberGenerator()
            guard let channel = MediaChannel(id: bChannel, stream: stream, sender: RTPSender(using: &random)),
                  media.bridge(channel, to: aChannel, handler: MediaEventForwarder(sipLoop: sipLoop, target: handler)) else {
                sipLoop.execute { handler.value.sendBye(); handler.value.endBridge() }
                return
            }
        }
    }

    private func updateMedia(_ stream: NegotiatedStream) {
        let media = router.environment.media
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
        func refuse(_ response: SIPMessage) {
            server.respond(response, to: transaction)
        }
        guard state == .bridged, referral == nil, let dialogID else {
            return refuse(SIPMessage.response(to: request, status: 491, reason: "Request Pending"))
        }
        let refer: ReferRequest
        do { refer = try ReferRequest(request) } catch { return refuse(error.response(to: request)) }
        guard let endpoints = router.endpoints(forReferTarget: refer.target) else {
            logger.notice("REFER to \(refer.target) refused: not a destination the directory allows")
            return refuse(SIPMessage.response(to: request, status: 403, reason: "Forbidden"))
        }
        var subscription = ReferSubscription(refer: refer, now: router.now())
        let contact = try? URI("sip:switchboard@\(call.addressing.uriHost):\(call.addressing.port)")
        server.respond(subscription.acceptance(of: request, contact: contact.map { NameAddress(uri: $0) }), to: transaction)
        if let sequence = try? request.cseq().sequence {
            router.dialogs[dialogID]?.sentResponse(SIPMessage.response(to: request, status: 202), to: .refer, sequence: sequence)
        }
        let next = BridgedTransfer(call: call, request: TransferRequest(destination: "refer:\(refer.target)", endpoints: endpoints,
                                                                        ringTimeout: .seconds(30), mode: .bridged, whisper: [],
                                                                        language: "en"),
                                   router: router, server: server) { [weak self] result in self?.referralFailed(result) }
        next.onAnswered = { [weak self, weak next] in
            guard let self, let next else { return }
            self.handOver(to: next)
        }
        referral = (subscription, next)
        notify { subscription.start(in: &$0, now: $1, newVia: $2) }
        call.resolveTargets(endpoints) { next.start(targets: $0) }
    }

    /// The referred leg answered: the callee's media goes, the caller's bridge moves to the
    /// new leg, the flow's wait now ends with the new leg, and the callee hears `200 OK`.
    private func handOver(to next: BridgedTransfer) {
        state = .handedOver
        let media = router.environment.media
        let id = channelID
        media.eventLoop.execute { media.close(channelID: id) }
        next.completion = completion
        completion = nil
        call.adopt(next)
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

    private func referNotifyAnswered(_ response: SIPMessage) {
        notify { [self] dialog, now, via in referral?.subscription.receiveNotifyResponse(response, in: &dialog, now: now, newVia: via) ?? [] }
    }

    /// Runs a step of the REFER subscription on our dialog and sends its NOTIFYs.
    private func notify(_ step: (inout Dialog, SIPInstant, () -> Via) -> [ReferSubscriptionAction]) {
        guard let dialogID, var dialog = router.dialogs[dialogID] else { return }
        let addressing = call.addressing
        let server = self.server
        let actions = step(&dialog, router.now()) { addressing.via(branch: server.newBranch()) }
        router.dialogs[dialogID] = dialog
        for case .sendNotify(let request) in actions {
            let id = server.sendRequest(request.message, to: destination(request, leg: nil))
            router.track(id, leg: -1, method: .notify, for: self)
        }
    }

    /// After a hand-over the callee hung up: forget its dialog, nothing else.
    private func retire() {
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
        let via = call.addressing.via(branch: server.newBranch())
        guard let request = try? router.dialogs[dialogID]?.makeRequest(.bye, via: via) else { return }
        server.sendRequest(request.message, to: destination(request, leg: nil))
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
        timer?.cancel()
        timer = nil
        call.session.stopRingback()
        let media = router.environment.media
        let id = channelID
        media.eventLoop.execute { media.close(channelID: id) }
        if let dialogID { router.forget(self, dialog: dialogID) }
        // Late 2xx from other forks are still ACKed and BYEd while the group settles.
        if let group, !group.isSettled { router.keepSettling(self) }
        completion?(result)
        completion = nil
    }

    // MARK: Timers and addresses

    private func scheduleTimer() {
        timer?.cancel()
        timer = nil
        guard let deadline = group?.nextDeadline else { return }
        timer = server.eventLoop.scheduleTask(deadline: NIODeadline.uptimeNanoseconds(UInt64(max(0, deadline.nanoseconds)))) { [weak self] in
            guard let self, var group = self.group else { return }
            self.timer = nil
            let actions = group.timerFired(now: self.router.now())
            self.group = group
            self.perform(actions)
        }
    }

    /// Where a request of the new leg goes: over the connection a registered phone keeps
    /// (its REGISTER's flow), else to the next hop when it is an IP literal.
    private func destination(_ request: DialogRequest, leg: Int?) -> ResponseDestination {
        let target = leg.flatMap { destinations[$0] } ?? destinations.values.first
        if let flow = target?.flow, request.nextHop == target?.requestURI || leg != nil {
            let transport = TransportProtocol(rawValue: flow.transport.rawValue) ?? .udp
            return ResponseDestination(transport: transport, host: flow.host, port: flow.port,
                                       connection: transport == .udp || flow.connection == 0 ? nil : ConnectionID(flow.connection),
                                       listener: transport == .udp ? Int(truncatingIfNeeded: flow.connection) : 0)
        }
        return router.destination(towards: request.nextHop, fallback: call.peer)
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

import Flows
import Logging
import Media
import NIOCore
import SDP
import SIPCore
import SIPMessage
import SIPTransaction
import SIPTransport
import WebDirectory

/// The caller's leg, Switchboard as UAS (RFC 3261 §13.3, §12.1.1, §15), from the INVITE to
/// the BYE, and the flow it runs.
///
/// Life: the INVITE arrives (`settingUp`: its media sockets open), we answer `200` with our
/// SDP and retransmit it until the ACK (§13.3.1.4; `answered`), the ACK starts the flow
/// (`confirmed`), and a BYE from either side, a CANCEL before the answer, 64·T1 without ACK,
/// an expired session timer (RFC 4028 §10) or dead media end it (`ended`).
///
/// Confined to the SIP server's event loop; the flow runs in its own task and reaches the
/// call through `LiveCallSession`.
final class InboundCall: DialogOwner {
    enum State: Equatable {
        case settingUp, answered, confirmed, ended
    }

    let invite: SIPMessage
    let transaction: ServerTransactionID
    let peer: SIPPeer
    let addressing: LocalAddressing
    let session: LiveCallSession
    private(set) var state = State.settingUp
    private(set) var dialogID: DialogID?
    private unowned let router: CallRouter
    private let server: SIPServer
    private let flow: Flow
    private let system: FlowSystem
    private var negotiator: SessionNegotiator?
    /// Our latest 2xx to an INVITE (the initial one or a re-INVITE) and its transaction,
    /// retransmitted until its ACK (RFC 3261 §13.3.1.4 applies to both).
    private var answer: SIPMessage?
    private var answerTransaction: ServerTransactionID
    private var retransmitter: TwoHundredRetransmitter
    private var sessionTimer: SessionTimer?
    private var timer: Scheduled<Void>?
    private var flowTask: Task<Void, Never>?
    /// Our SDP for the 200, ready once media is, and the stream it agrees on.
    private var answerBody: [UInt8]?
    private var answeredStream: NegotiatedStream?
    /// `ring-before-answer` is still running.
    private var ringing = false
    /// The flow's media steps waiting for the answer.
    private var answerWaiters: [(Bool) -> Void] = []
    /// A 183 with SDP went out and media runs before the answer.
    private var earlyMediaStarted = false
    /// The transfer in progress, if any.
    private var transfer: BridgedTransfer?
    private var blindTransfer: BlindTransfer?
    /// Our To tag: the same in a 180 and the 200 (one dialog, RFC 3261 §12.1.1).
    private let localTag: String
    private let logger: Logger

    init(invite: SIPMessage, transaction: ServerTransactionID, peer: SIPPeer, flow: Flow, system: FlowSystem,
         session: LiveCallSession, router: CallRouter, server: SIPServer) {
        self.invite = invite
        self.transaction = transaction
        self.peer = peer
        self.flow = flow
        self.system = system
        self.session = session
        self.router = router
        self.server = server
        self.addressing = LocalAddressing(server: server, peer: peer, request: invite)
        self.retransmitter = TwoHundredRetransmitter(timers: router.timers)
        self.answerTransaction = transaction
        self.localTag = server.makeTag()
        var logger = server.logger
        logger[metadataKey: "call"] = "\((try? invite.callID()) ?? "?")"
        self.logger = logger
    }

    // MARK: Answering

    /// The media sockets are open on `port`: check the offer (a `488` comes now, before any
    /// flow runs), ring when the flow asks for `ring-before-answer` (`180 Ringing`), and
    /// start the flow. The call is answered lazily — when the flow first needs the caller's
    /// audio (`answerWhenReady`) — so a flow can still refuse the call or offer the web
    /// directory (`380`/`300`) instead of answering.
    func mediaReady(port: Int) {
        guard state == .settingUp else { return }
        var negotiator = SessionNegotiator(address: addressing.host, port: port, codecs: router.environment.policy.codecs)
        if invite.body.isEmpty {
            // RFC 3261 §13.2.1: no offer in the INVITE; ours goes in the 200, the answer in the ACK.
            guard let offer = negotiator.offer() else { return reject(500, "No Codecs") }
            answerBody = offer
        } else {
            switch negotiator.answer(invite.body) {
            case .success(let answer):
                answerBody = answer.sdp
                answeredStream = answer.stream
            case .failure(.notAcceptable):
                return reject(488, "Not Acceptable Here", warning: "304 switchboard \"no common audio codec\"")
            case .failure(.malformed(let reason)):
                return reject(400, "Bad SDP: \(reason)")
            }
        }
        self.negotiator = negotiator
        if flow.ringBeforeAnswer > .zero {
            ringing = true
            server.respond(SIPMessage.response(to: invite, status: 180, reason: "Ringing", toTag: localTag), to: transaction)
            timer = server.eventLoop.scheduleTask(in: TimeAmount(flow.ringBeforeAnswer)) { [weak self] in
                guard let self else { return }
                self.timer = nil
                self.ringing = false
                if !self.answerWaiters.isEmpty { self.sendAnswer() }
            }
        }
        startFlow()
    }

    /// Media before the answer (flows with `early-media: true`): `183 Session Progress` with
    /// our SDP answer, and the media channel runs; the call stays unanswered (RFC 3261
    /// §13.3.1.1; the 200 repeats the same answer, since an unreliable 183 may be lost).
    /// Without an offer in the INVITE there is no early media: the call is answered instead.
    func mediaWhenReady(_ completion: @escaping (Bool) -> Void) {
        guard flow.earlyMedia, state == .settingUp, let answerBody, let answeredStream else { return answerWhenReady(completion) }
        if !earlyMediaStarted {
            earlyMediaStarted = true
            var progress = SIPMessage.response(to: invite, status: 183, reason: "Session Progress", toTag: localTag)
            progress.headers.append(.contact, addressing.contact)
            progress.setBody(answerBody, contentType: .sdp)
            server.respond(progress, to: transaction)
            session.startMedia(answeredStream)
        }
        completion(true)
    }

    /// Calls `completion` once the call is answered and confirmed (true), or ended (false).
    /// Answers now unless the flow's ring time is still running.
    func answerWhenReady(_ completion: @escaping (Bool) -> Void) {
        switch state {
        case .confirmed: return completion(true)
        case .ended: return completion(false)
        case .settingUp, .answered: break
        }
        answerWaiters.append(completion)
        if state == .settingUp, !ringing { sendAnswer() }
    }

    private func resolveAnswerWaiters(_ answered: Bool) {
        let waiters = answerWaiters
        answerWaiters = []
        for waiter in waiters { waiter(answered) }
    }

    /// Sends the `200` with our SDP (an answer, or our offer for a delayed offer) and
    /// retransmits it until the ACK (RFC 3261 §13.3.1.4).
    private func sendAnswer() {
        guard state == .settingUp, let answerBody else { return }
        var response = SIPMessage.response(to: invite, status: 200, reason: "OK", toTag: localTag)
        response.headers.append(.contact, addressing.contact)
        router.appendCapabilities(to: &response)
        switch sessionTimerOutcome() {
        case .reject(let minSE):
            let tooSmall = SessionTimerNegotiation.intervalTooSmall(to: invite, minSE: minSE, toTag: localTag)
            return reject(with: tooSmall)
        case .accept(let agreement, let headers) where agreement.refresher == .uac:
            // RFC 4028 §9: the caller refreshes and we end the call if it stops. When only we
            // could refresh (a UAC without `timer`), no timer is agreed: such a call ends by
            // BYE or by dead media (the RTP inactivity timeout).
            for header in headers { response.headers.append(header.name, header.value) }
            sessionTimer = SessionTimer(agreement, weWereUAC: false, now: router.now())
        case .accept, .none:
            break
        }
        response.setBody(answerBody, contentType: .sdp)
        let dialog: Dialog
        do { dialog = try Dialog.uas(request: invite, response: response, overTLS: peer.transport == .tls) } catch {
            return reject(400, "Bad Request (\(error))")
        }
        dialogID = dialog.id
        router.dialogs.insert(dialog)
        router.register(self, dialog: dialog.id)
        answer = response
        state = .answered
        // Media flows from the answer on (or already since the 183).
        if let answeredStream, !earlyMediaStarted { session.startMedia(answeredStream) }
        server.respond(response, to: transaction)
        router.dialogs[dialog.id]?.sentResponse(response, to: .invite, sequence: (try? invite.cseq().sequence) ?? 0)
        retransmitter.start(now: router.now())
        scheduleTimer()
    }

    /// The flow offers the web directory (RFC 3261 §21.3.1 `300 Multiple Choices` listing
    /// the departments' SIP URIs, or §21.3.7 `380 Alternative Service` when none has an
    /// extension), with `Call-Info` pointing at the page and the directory as `text/html`.
    /// Only possible before the call is answered and with `--http`; otherwise declined.
    func offerWebDirectory() -> WebDirectoryResult {
        guard state == .settingUp, let web = router.environment.policy.webDirectory else { return .declined }
        let host = web.host ?? addressing.uriHost
        let listing = DirectorySite(system: system, liveState: StaticLiveState()).snapshot()
        let domain = addressing.uriHost
        let alternative = AlternativeResponses.multipleChoices(listing, webBase: "http://\(host):\(web.port)", sipDomain: domain)
            ?? AlternativeResponses.alternativeService(listing, webBase: "http://\(host):\(web.port)", sipDomain: domain)
        var response = SIPMessage.response(to: invite, status: alternative.status, reason: alternative.reason, toTag: localTag)
        for header in alternative.headers where header.name.lowercased() != "content-type" {
            response.headers.append(HeaderName(header.name), header.value)
        }
        let contentType = alternative.headers.first { $0.name.lowercased() == "content-type" }?.value
        response.setBody(Array(alternative.body.utf8), contentType: contentType.flatMap { try? MediaType($0) } ?? .html)
        logger.info("offered the web directory: \(alternative.status)")
        reject(with: response)
        return .accepted
    }

    private func sessionTimerOutcome() -> SessionTimerNegotiation.UASOutcome {
        (try? SessionTimerNegotiation.uas(request: invite, policy: router.environment.policy.sessionTimers,
                                          insertWhenAbsent: false)) ?? .none
    }

    private func reject(_ status: Int, _ reason: String, warning: String? = nil) {
        var response = SIPMessage.response(to: invite, status: status, reason: reason, toTag: localTag)
        if let warning { response.headers.append(.warning, warning) }
        reject(with: response)
    }

    /// Refuses the INVITE before it was answered (no media, overload).
    func refuse(_ status: Int, _ reason: String, retryAfter: Int) {
        guard state == .settingUp else { return }
        var response = SIPMessage.response(to: invite, status: status, reason: reason, toTag: localTag)
        response.headers.append(.retryAfter, String(retryAfter))
        reject(with: response)
    }

    private func reject(with response: SIPMessage) {
        logger.info("call refused: \(response.statusCode ?? 0)")
        server.respond(response, to: transaction)
        end(sendBye: false)
    }

    /// The ACK for our 2xx (RFC 3261 §13.3.1.4): stop retransmitting; take the answer to a
    /// delayed offer from it; the flow's media steps may go on.
    func ackReceived(_ ack: SIPMessage) {
        guard state == .answered else { return }
        retransmitter.ackReceived()
        if var negotiator, negotiator.pendingOffer != nil {
            let stream = negotiator.received(answer: ack.body)
            self.negotiator = negotiator
            guard let stream else {
                // §13.3.1.4 / RFC 3264 §5: an unusable answer ends the session.
                logger.notice("ACK without a usable SDP answer; ending the call")
                return end(sendBye: true)
            }
            session.startMedia(stream)
        }
        state = .confirmed
        scheduleTimer()
        resolveAnswerWaiters(true)
    }

    private func startFlow() {
        let system = self.system, flow = self.flow, session = self.session
        let observer = router.traceObserver
        let status = router.environment.status
        flowTask = Task {
            let interpreter = FlowInterpreter(system: system, session: session)
            interpreter.observer = observer
            let outcome = await interpreter.run(flow)
            status.update { $0.callsByOutcome[outcome.name, default: 0] += 1 }
        }
    }

    // MARK: Requests in the dialog

    /// A request the dialog accepted (RFC 3261 §12.2.2): answer it.
    func received(_ request: SIPMessage, transaction id: ServerTransactionID) {
        guard let method = request.method else { return }
        var response: SIPMessage
        switch method {
        case .bye:
            // §15.1.2: answer 200 and end the session.
            response = SIPMessage.response(to: request, status: 200, reason: "OK")
            server.respond(response, to: id)
            session.callerHungUp()
            end(sendBye: false)
            return
        case .invite, .update:
            response = refresh(request)
        case .info:
            response = info(request)
        case .notify where blindTransfer != nil:
            // The progress of our REFER (RFC 3515 §2.4.4); it answers the NOTIFY itself.
            blindTransfer?.receivedNotify(request, transaction: id)
            if let dialogID, let sequence = try? request.cseq().sequence {
                router.dialogs[dialogID]?.sentResponse(SIPMessage.response(to: request, status: 200), to: method, sequence: sequence)
            }
            return
        case .options:
            response = server.optionsResponse(to: request, allowing: CallRouter.allowed)
        default:
            response = SIPMessage.response(to: request, status: 405, reason: "Method Not Allowed")
            response.headers.append(.allow, CallRouter.allowed.map(\.name).joined(separator: ", "))
        }
        server.respond(response, to: id)
        if let dialogID, let sequence = try? request.cseq().sequence {
            router.dialogs[dialogID]?.sentResponse(response, to: method, sequence: sequence)
        }
        if method == .invite, response.statusCode == 200 {
            answer = response
            answerTransaction = id
            retransmitter = TwoHundredRetransmitter(timers: router.timers)
            retransmitter.start(now: router.now())
            scheduleTimer()
        }
    }

    /// A re-INVITE or UPDATE (RFC 3261 §14.2, RFC 3311 §5.2): a new offer is answered on the
    /// same port (hold, resume, a new address); one without SDP gets our current description
    /// again as an offer (answered in the ACK); a session refresh restarts the timer
    /// (RFC 4028 §10).
    private func refresh(_ request: SIPMessage) -> SIPMessage {
        guard var negotiator else { return SIPMessage.response(to: request, status: 500, reason: "Server Internal Error") }
        var response = SIPMessage.response(to: request, status: 200, reason: "OK")
        if !request.body.isEmpty {
            switch negotiator.answer(request.body) {
            case .success(let answer):
                session.startMedia(answer.stream)
                response.setBody(answer.sdp, contentType: .sdp)
            case .failure(.notAcceptable):
                // §14.2: the session goes on as it was.
                return SIPMessage.response(to: request, status: 488, reason: "Not Acceptable Here")
            case .failure(.malformed(let reason)):
                return SIPMessage.response(to: request, status: 400, reason: "Bad SDP: \(reason)")
            }
        } else if request.method == .invite, let offer = negotiator.offer() {
            response.setBody(offer, contentType: .sdp)
        }
        self.negotiator = negotiator
        response.headers.append(.contact, addressing.contact)
        router.appendCapabilities(to: &response)
        if sessionTimer != nil,
           case .accept(let agreement, let headers)? = try? SessionTimerNegotiation.uas(
               request: request, policy: router.environment.policy.sessionTimers, insertWhenAbsent: true) {
            for header in headers { response.headers.append(header.name, header.value) }
            sessionTimer?.refreshed(agreement, weWereUAC: false, now: router.now())
            scheduleTimer()
        }
        return response
    }

    /// An ACK for a 2xx to a re-INVITE: the answer to an offer we made in it, if any.
    func ackReceivedInDialog(_ ack: SIPMessage) {
        if state == .answered { return ackReceived(ack) }
        retransmitter.ackReceived()
        guard var negotiator, negotiator.pendingOffer != nil, !ack.body.isEmpty else { return }
        if let stream = negotiator.received(answer: ack.body) { session.startMedia(stream) }
        self.negotiator = negotiator
    }

    /// INFO (RFC 6086): a key as `application/dtmf-relay` or `application/dtmf` joins the
    /// call's digit stream; an INFO without body is answered 200 (§4.2.1); other bodies get
    /// `415` listing what we take.
    private func info(_ request: SIPMessage) -> SIPMessage {
        guard !request.body.isEmpty else { return SIPMessage.response(to: request, status: 200, reason: "OK") }
        let contentType = (try? request.contentType()).flatMap { $0 }.map { "\($0.type)/\($0.subtype)" } ?? ""
        guard let parsed = DTMFInfoBody.parse(contentType: contentType, body: String(decoding: request.body, as: UTF8.self)) else {
            var response = SIPMessage.response(to: request, status: 415, reason: "Unsupported Media Type")
            response.headers.append(.accept, "application/dtmf-relay, application/dtmf")
            return response
        }
        session.infoDigit(parsed.digit)
        return SIPMessage.response(to: request, status: 200, reason: "OK")
    }

    // MARK: Ending

    /// The INVITE was CANCELled before our answer (the layer sent 487, RFC 3261 §9.2).
    func cancelled() {
        guard state == .settingUp || state == .answered else { return }
        session.callerHungUp()
        end(sendBye: false)
    }

    /// The flow (or dead media) ends the call: BYE (RFC 3261 §15.1.1).
    func hangUpFromOurSide() {
        switch state {
        case .ended: return
        case .settingUp:
            // The flow ended without answering: after an early-media announcement `480
            // Temporarily Unavailable` (§21.4.18), else `603 Decline` (§21.6.2).
            if earlyMediaStarted { reject(480, "Temporarily Unavailable") } else { reject(603, "Decline") }
        case .answered, .confirmed:
            end(sendBye: true)
        }
    }

    /// Stops timers and media, sends a BYE when asked, and forgets the dialog.
    func end(sendBye: Bool) {
        guard state != .ended else { return }
        state = .ended
        timer?.cancel()
        timer = nil
        sessionTimer?.stop()
        if sendBye { sendBYE() }
        transfer?.callerHungUp()
        transfer = nil
        blindTransfer?.abandon()
        blindTransfer = nil
        session.callerHungUp()
        resolveAnswerWaiters(false)
        router.forget(self, dialog: dialogID)
    }

    private func sendBYE() {
        guard let dialogID else { return }
        let via = addressing.via(branch: server.newBranch())
        guard let request = try? router.dialogs[dialogID]?.makeRequest(.bye, via: via) else { return }
        router.send(request, towards: peer, server: server)
    }

    // MARK: Transfers

    /// Rings a transfer's endpoints (all at once) and calls `completion` with the result:
    /// at once for busy, no answer or failure (the caller stays with the flow), and when the
    /// bridged call ends for `answered`.
    func startTransfer(_ request: TransferRequest, completion: @escaping (TransferResult) -> Void) {
        guard state == .confirmed, transfer == nil, blindTransfer == nil else { return completion(.failed) }
        if request.mode == .blind { return startBlindTransfer(request, completion: completion) }
        transfer = BridgedTransfer.start(anchoredOn: self, request: request, router: router, server: server,
                                         release: { [weak self] in self?.transfer = nil }, completion: completion)
    }

    /// A transfer the callee REFERred on took over the caller (see `BridgedTransfer`).
    func adopt(_ transfer: BridgedTransfer) {
        self.transfer = transfer
    }

    /// A blind transfer: REFER the caller to the first reachable target (RFC 3515); on
    /// success our leg ends with a BYE (RFC 5589 §6).
    private func startBlindTransfer(_ request: TransferRequest, completion: @escaping (TransferResult) -> Void) {
        guard let dialogID else { return completion(.failed) }
        let transfer = BlindTransfer(dialogID: dialogID, addressing: addressing, peer: peer, router: router, server: server,
                                     logger: logger) { [weak self] result in
            self?.blindTransfer = nil
            completion(result)
            if result == .answered { self?.hangUpFromOurSide() }
        }
        blindTransfer = transfer
        let bound = NIOLoopBound(transfer, eventLoop: server.eventLoop)
        let store = router.registrations?.store
        let trunk = router.environment.policy.trunk
        let loop = server.eventLoop
        let logger = self.logger
        let endpoints = request.endpoints
        Task {
            let targets = await RingGroupRunner.targets(for: endpoints, store: store, trunk: trunk, logger: logger)
            loop.execute {
                guard let first = targets.first else { return bound.value.abandon() }
                bound.value.start(target: first.requestURI)
            }
        }
    }

    // MARK: Timers

    /// One scheduled task at the earliest of the 2xx retransmission and session-timer deadlines.
    private func scheduleTimer() {
        timer?.cancel()
        timer = nil
        let deadlines = [retransmitter.deadline, sessionTimer?.deadline].compactMap { $0 }
        guard let deadline = deadlines.min(), state != .ended else { return }
        timer = server.eventLoop.scheduleTask(deadline: NIODeadline(deadline)) { [weak self] in
            self?.timerFired()
        }
    }

    private func timerFired() {
        let now = router.now()
        switch retransmitter.fire(now: now) {
        case .retransmit:
            if let answer { server.respond(answer, to: answerTransaction) }
        case .giveUpAndSendBye:
            // §13.3.1.4: no ACK in 64·T1: confirm the dialog and end it with a BYE.
            logger.notice("no ACK for our 200 within 64*T1; sending BYE")
            return end(sendBye: true)
        case nil:
            break
        }
        switch sessionTimer?.fire(now: now) {
        case .sendBye:
            // RFC 4028 §10: no refresh before the session expired.
            logger.notice("session expired without refresh; sending BYE")
            return end(sendBye: true)
        case .refresh:
            break  // never agreed: the caller is always the refresher (see `mediaReady`)
        case nil:
            break
        }
        scheduleTimer()
    }
}

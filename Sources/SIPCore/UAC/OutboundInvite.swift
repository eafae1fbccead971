import SIPMessage
import SIPTransaction

/// One outbound INVITE leg to one target, as a sans-IO state machine (RFC 3261 §13.2, §8.1.3,
/// §9.1): the UAC core's part of placing a transfer leg. It builds every request of the leg
/// and decides what each response means; the owner carries the actions out and feeds back
/// what the transaction layer reports, with the current time.
///
/// - `start(now:)` sends the INVITE; `receive(_:now:)` takes every response the INVITE
///   client transaction (and the CANCEL/BYE ones, ignored) passes up; `transactionFailed`
///   reports Timer B or a transport error (408/503, §8.1.3.1); `cancel(now:)` gives up;
///   `timerFired(now:)` is called at `nextDeadline` (ring timeout, §9.1 CANCEL guard).
/// - Responses from several forks (§13.2.2.4) are told apart by `InviteForks`: the first 2xx
///   answers the leg, every 2xx from every fork is ACKed, and the other forks' dialogs are
///   ended with a BYE.
/// - `401`/`407` are answered with the target's credentials (§22.2, §22.3; a new CSeq and
///   branch, the same Call-ID, From tag and To, §8.1.3.5), 3xx are followed through the
///   target set (§8.1.3.4), both within limits.
/// - The ACK for a non-2xx final response is the INVITE client transaction's (§17.1.1.3);
///   the ACK for a 2xx is built here and sent outside any transaction (§13.2.2.4).
public struct OutboundInvite: Sendable {
    /// Where the leg is.
    public enum Phase: Hashable, Sendable {
        /// Not started.
        case idle
        /// INVITE sent, no provisional response to the current INVITE yet (§17.1.1.2 Calling).
        case calling
        /// A provisional response came: a CANCEL may be sent (§9.1).
        case proceeding
        /// Given up (owner's cancel or ring timeout): a CANCEL is sent or waits for a 1xx.
        case cancelling
        /// A 2xx was accepted: the dialog is the owner's.
        case answered
        /// Ended without a call; `failure` says why.
        case failed
    }

    /// What the owner does.
    public enum Action: Equatable, Sendable {
        /// Start a client transaction for this INVITE, CANCEL or BYE (`SIPServer.sendRequest`).
        case sendRequest(DialogRequest)
        /// Send this ACK for a 2xx as is, outside any transaction (§13.2.2.4, §17.1.1.3); the
        /// same ACK is returned again for each retransmission of that 2xx.
        case sendACK(DialogRequest)
        /// The callee is ringing (a 101–199 other than 100); `earlyMedia` is the SDP of a
        /// provisional response (183 Session Progress) when it carries one. Reported for the
        /// first such response and again whenever the early SDP changes.
        case ringing(status: Int, earlyMedia: [UInt8]?)
        /// The leg is answered: the confirmed dialog (§12.1.2) and the 2xx's SDP answer. The
        /// ACK has been returned just before this.
        case answered(Dialog, sdpAnswer: [UInt8])
        /// The leg ended without a call.
        case failed(OutboundInviteFailure)
    }

    public let target: OutboundTarget
    public let configuration: OutboundInviteConfiguration
    public let identity: OutboundInviteIdentity

    public private(set) var phase: Phase = .idle
    /// The 2xx that answered the leg (its Session-Expires, RFC 4028 §7.2, and other headers
    /// the integrator may need); nil until then.
    public private(set) var answerResponse: SIPMessage?
    /// The INVITE in progress, as sent (with credentials, after redirects).
    public private(set) var invite: SIPMessage?
    /// Why the leg ended; nil unless `phase == .failed`.
    public private(set) var failure: OutboundInviteFailure?
    /// Why the leg is being cancelled: `.cancelled` (owner) or `.noAnswer` (ring timeout).
    public private(set) var cancelCause: OutboundInviteFailure.Reason?
    /// Redirects followed so far.
    public private(set) var redirectCount = 0

    private var forks: InviteForks?
    private var sequence: UInt32 = 0
    private var branchCounter: UInt64 = 0
    private var provisionalReceived = false
    private var cancelReasonHeader: String?
    private var cancelSent = false
    private var ringDeadline: SIPInstant?
    private var cancelGuard: SIPInstant?
    private var responder: DigestResponder?
    private var challengesAnswered = 0
    private var targets: RedirectTargetSet
    /// The ACK sent for each fork's 2xx, by remote tag, to resend on retransmissions.
    private var acks: [String: DialogRequest] = [:]
    private var ringingReported = false
    private var lastEarlyMedia: [UInt8]?

    /// A leg to `target` with explicit identity values (tests, or an owner that draws its own).
    public init(target: OutboundTarget, configuration: OutboundInviteConfiguration, identity: OutboundInviteIdentity,
                random: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()) {
        self.target = target
        self.configuration = configuration
        self.identity = identity
        self.targets = RedirectTargetSet(first: target.requestURI)
        if !target.credentials.isEmpty {
            self.responder = DigestResponder(credentials: target.credentials, random: random)
        }
    }

    /// A leg to `target` with a fresh Call-ID, From tag and branch prefix from `random`
    /// (the digest cnonces come from the system generator).
    public init(target: OutboundTarget, configuration: OutboundInviteConfiguration,
                random: inout some RandomNumberGenerator) {
        let identity = OutboundInviteIdentity.random(host: configuration.via.host, using: &random)
        self.init(target: target, configuration: configuration, identity: identity)
    }

    /// The dialog of the 2xx that answered the leg.
    public var answeredDialog: Dialog? { phase == .answered ? forks?.confirmedDialog : nil }

    /// Whether the leg has ended one way or the other (it still ACKs and BYEs late 2xx
    /// retransmissions and forks after that; keep it until its INVITE transaction ends).
    public var isEnded: Bool { phase == .answered || phase == .failed }

    /// When `timerFired(now:)` has something to do: the ring timeout while ringing, the
    /// 64·T1 guard after a CANCEL (§9.1).
    public var nextDeadline: SIPInstant? {
        switch phase {
        case .calling, .proceeding: return ringDeadline
        case .cancelling: return cancelGuard
        case .idle, .answered, .failed: return nil
        }
    }

    /// Whether `response` belongs to this leg: its Call-ID and From tag (RFC 3261 §12.1.2,
    /// §8.1.3.5 — kept across every INVITE of the leg).
    public func owns(_ response: SIPMessage) -> Bool {
        guard let callID = try? response.callID(), let from = try? response.from() else { return false }
        return callID == identity.callID && from.tag == identity.fromTag
    }

    // MARK: Events

    /// Sends the first INVITE and starts the ring timeout.
    public mutating func start(now: SIPInstant) -> [Action] {
        guard phase == .idle else { return [] }
        ringDeadline = configuration.ringTimeout.map { now + $0 }
        return sendInvite(to: target.requestURI, credentialsFrom: nil)
    }

    /// A response to one of the leg's requests. Responses to CANCEL and BYE, to an earlier
    /// INVITE of the leg, or to another leg are ignored (`[]`).
    public mutating func receive(_ response: SIPMessage, now: SIPInstant) -> [Action] {
        guard owns(response), let status = response.statusCode, let cseq = try? response.cseq(),
              cseq.method == .invite, cseq.sequence == sequence, var forks else { return [] }
        let decision = forks.receive(response)
        self.forks = forks
        switch decision {
        case .provisional, .earlyDialogCreated, .earlyDialogUpdated:
            return provisional(response, status: status, now: now)
        case .confirmed(let id):
            return confirmed(remoteTag: id.remoteTag, response: response)
        case .resendACK(let id):
            return acks[id.remoteTag].map { [.sendACK($0)] } ?? []
        case .ackThenBye(let dialog):
            return ackThenBye(dialog)
        case .failed(let status):
            return finalFailure(response, status: status, now: now)
        case .ignore:
            return []
        }
    }

    /// The client transaction of a request of the leg ended without a final response:
    /// Timer B (`timedOut`, a 408) or a transport error (a 503), RFC 3261 §8.1.3.1. Only the
    /// INVITE's matters: a CANCEL's is covered by the §9.1 guard, a BYE's changes nothing.
    public mutating func transactionFailed(method: SIPMethod = .invite, timedOut: Bool, now: SIPInstant) -> [Action] {
        guard method == .invite else { return [] }
        let status = timedOut ? 408 : 503
        switch phase {
        case .calling, .proceeding:
            // §8.1.3.4: a failure moves on to the next address of the target set.
            if let next = targets.next() { return sendInvite(to: next, credentialsFrom: nil) }
            return finish(status: status, reason: .unreachable)
        case .cancelling:
            return finish(status: status, reason: cancelCause ?? .cancelled)
        case .idle, .answered, .failed:
            return []
        }
    }

    /// Gives the leg up (RFC 3261 §9.1): with a provisional response received, the CANCEL
    /// goes now; before one, it goes when the first 1xx arrives ("MUST NOT be sent" before);
    /// a final response arriving first ends the leg, and a 2xx arriving after the cancel is
    /// ACKed and ended with a BYE. `reason` is a Reason header value for the CANCEL (RFC 3326).
    /// A leg not yet started fails at once; an answered or failed one is not touched (the
    /// owner ends an answered call with a BYE in its dialog).
    public mutating func cancel(reason: String? = nil, now: SIPInstant) -> [Action] {
        cancel(cause: .cancelled, reason: reason, now: now)
    }

    /// The deadline passed: the ring timeout cancels the leg (result `noAnswer`); the 64·T1
    /// guard after a CANCEL ends it without a final response (§9.1: "the client SHOULD
    /// consider the INVITE transaction as cancelled").
    public mutating func timerFired(now: SIPInstant) -> [Action] {
        switch phase {
        case .calling, .proceeding:
            guard let ringDeadline, now >= ringDeadline else { return [] }
            return cancel(cause: .noAnswer, reason: nil, now: now)
        case .cancelling:
            guard let cancelGuard, now >= cancelGuard else { return [] }
            return finish(status: 487, reason: cancelCause ?? .cancelled)
        case .idle, .answered, .failed:
            return []
        }
    }

    // MARK: Responses

    private mutating func provisional(_ response: SIPMessage, status: Int, now: SIPInstant) -> [Action] {
        var actions: [Action] = []
        provisionalReceived = true
        if phase == .calling { phase = .proceeding }
        if phase == .cancelling, !cancelSent { actions += sendCancel(now: now) }
        // 100 Trying is hop-by-hop progress, not ringing (§21.1.1).
        guard status != 100, phase == .proceeding else { return actions }
        let earlyMedia = Self.sdp(of: response)
        if !ringingReported || (earlyMedia != nil && earlyMedia != lastEarlyMedia) {
            ringingReported = true
            if let earlyMedia { lastEarlyMedia = earlyMedia }
            actions.append(.ringing(status: status, earlyMedia: earlyMedia))
        }
        return actions
    }

    /// The first 2xx to the INVITE (§13.2.2.4): ACK it; it answers the leg unless the leg was
    /// given up, in which case the call it set up is ended at once with a BYE.
    private mutating func confirmed(remoteTag: String, response: SIPMessage) -> [Action] {
        guard let dialog = forks?[remoteTag: remoteTag] else { return [] }
        switch phase {
        case .calling, .proceeding:
            guard let ack = makeACK(in: dialog) else { return [] }
            acks[remoteTag] = ack
            phase = .answered
            ringDeadline = nil
            answerResponse = response
            return [.sendACK(ack), .answered(dialog, sdpAnswer: response.body)]
        case .cancelling, .failed, .answered, .idle:
            var actions = ackThenBye(dialog)
            if phase == .cancelling {
                actions += finish(status: response.statusCode ?? 200, reason: cancelCause ?? .cancelled, response: response)
            }
            return actions
        }
    }

    /// A 2xx we do not want (another fork, or after the cancel): ACK it and BYE its dialog
    /// (§13.2.2.4), once; a retransmission of it only gets the same ACK again.
    private mutating func ackThenBye(_ dialog: Dialog) -> [Action] {
        let tag = dialog.id.remoteTag
        if let ack = acks[tag] { return [.sendACK(ack)] }
        guard let ack = makeACK(in: dialog) else { return [] }
        acks[tag] = ack
        var ended = dialog
        let bye = try? ended.makeRequest(.bye, via: nextVia())
        ended.terminate()
        forks?[remoteTag: tag] = ended
        return [.sendACK(ack)] + (bye.map { [.sendRequest($0)] } ?? [])
    }

    /// A 3xx–6xx to the current INVITE. The ACK for it is the transaction layer's
    /// (§17.1.1.3). Cancelled: the leg ends; 401/407: answer once (§22.2); 300–302: follow
    /// (§8.1.3.4); anything else: next address of the target set, or the leg fails.
    private mutating func finalFailure(_ response: SIPMessage, status: Int, now: SIPInstant) -> [Action] {
        if phase == .cancelling {
            return finish(status: status, reason: cancelCause ?? .cancelled, response: response)
        }
        guard phase == .calling || phase == .proceeding else { return [] }
        switch status {
        case 401, 407:
            return answerChallenge(response, status: status)
        case 300...302:
            return redirect(response, status: status)
        default:
            if let next = targets.next() { return sendInvite(to: next, credentialsFrom: nil) }
            return finish(status: status, reason: OutboundInviteFailure.reason(forStatus: status), response: response)
        }
    }

    /// RFC 3261 §22.2, §22.3, §8.1.3.5: the same INVITE with credentials, a CSeq one higher
    /// and a new branch. A second challenge of the same realm is refused by the responder.
    private mutating func answerChallenge(_ response: SIPMessage, status: Int) -> [Action] {
        guard var responder, let invite, challengesAnswered < configuration.maxChallenges,
              let authorized = try? responder.authorize(invite, challengedBy: response) else {
            return finish(status: status, reason: .authenticationFailed, response: response)
        }
        self.responder = responder
        challengesAnswered += 1
        return sendInvite(to: invite.requestURI ?? target.requestURI, credentialsFrom: authorized)
    }

    /// RFC 3261 §8.1.3.4: add the 3xx's Contacts (q order) to the target set and try the next.
    private mutating func redirect(_ response: SIPMessage, status: Int) -> [Action] {
        guard redirectCount < configuration.maxRedirects else {
            return finish(status: status, reason: .tooManyRedirects, response: response)
        }
        redirectCount += 1
        _ = targets.add(contactsOf: response)
        guard let next = targets.next() else {
            return finish(status: status, reason: .redirectLoop, response: response)
        }
        // A new target is a new server: its challenges are answered afresh.
        challengesAnswered = 0
        return sendInvite(to: next, credentialsFrom: nil)
    }

    // MARK: Requests

    /// Sends a new INVITE of the leg: to `uri`, with the credentials lines of `credentialsFrom`
    /// when retrying after a challenge. New CSeq, new branch, new fork tracking.
    private mutating func sendInvite(to uri: URI, credentialsFrom authorized: SIPMessage?) -> [Action] {
        guard sequence < UInt32.max else { return finish(status: 500, reason: .rejected) }
        sequence += 1
        var headers = SIPHeaders()
        headers.append(.via, nextVia().description)
        headers.append(.maxForwards, "70")
        for route in target.routeSet { headers.append(.route, route.description) }
        headers.append(.from, configuration.from.with(parameter: "tag", identity.fromTag).description)
        headers.append(.to, target.to.description)
        headers.append(.callID, identity.callID)
        headers.append(.cseq, CSeq(sequence, .invite).description)
        headers.append(.contact, configuration.contact.description)
        if let authorized {
            for name in [HeaderName.authorization, .proxyAuthorization] {
                for line in authorized.headers.lines(name) { headers.append(name, line) }
            }
        }
        for header in configuration.headers { headers.append(header.name, header.value) }
        var message = SIPMessage.request(.invite, uri: uri, headers: headers)
        message.setBody(configuration.offer, contentType: configuration.offer.isEmpty ? nil : configuration.offerType)
        invite = message
        forks = InviteForks(invite: message, overTLS: configuration.overTLS)
        provisionalReceived = false
        if phase == .idle || phase == .proceeding { phase = .calling }
        return [.sendRequest(DialogRequest(message: message, nextHop: nextHop(requestURI: uri)))]
    }

    private mutating func cancel(cause: OutboundInviteFailure.Reason, reason: String?, now: SIPInstant) -> [Action] {
        switch phase {
        case .idle:
            cancelCause = cause
            return finish(status: 487, reason: cause)
        case .calling, .proceeding:
            cancelCause = cause
            cancelReasonHeader = reason
            phase = .cancelling
            ringDeadline = nil
            return provisionalReceived ? sendCancel(now: now) : []
        case .cancelling, .answered, .failed:
            return []
        }
    }

    /// RFC 3261 §9.1: the CANCEL for the current INVITE, and the 64·T1 guard.
    private mutating func sendCancel(now: SIPInstant) -> [Action] {
        guard let invite, !cancelSent else { return [] }
        cancelSent = true
        cancelGuard = now + configuration.timers.timerB
        let cancel = invite.cancelRequest(reason: cancelReasonHeader)
        return [.sendRequest(DialogRequest(message: cancel, nextHop: nextHop(requestURI: invite.requestURI ?? target.requestURI)))]
    }

    /// Where a request outside the dialog goes (RFC 3261 §8.1.2): the first preloaded Route,
    /// else the Request-URI. A CANCEL goes where its INVITE went (§9.1).
    private func nextHop(requestURI: URI) -> URI {
        target.routeSet.first?.uri ?? requestURI
    }

    /// The ACK for a 2xx in `dialog` (§13.2.2.4): a new transaction, so a new branch
    /// (§17.1.1.3), the INVITE's CSeq number, and "the same credentials as the INVITE".
    private mutating func makeACK(in dialog: Dialog) -> DialogRequest? {
        guard var ack = try? dialog.makeACK(inviteSequence: sequence, via: nextVia()) else { return nil }
        if let invite {
            for name in [HeaderName.authorization, .proxyAuthorization] {
                for line in invite.headers.lines(name) { ack.message.headers.append(name, line) }
            }
        }
        return ack
    }

    private mutating func nextVia() -> Via {
        branchCounter += 1
        return configuration.via.via(branch: identity.branchPrefix + "." + String(branchCounter))
    }

    private mutating func finish(status: Int, reason: OutboundInviteFailure.Reason, response: SIPMessage? = nil) -> [Action] {
        let failure = OutboundInviteFailure(status: status, reason: reason, response: response)
        self.failure = failure
        phase = .failed
        ringDeadline = nil
        cancelGuard = nil
        return [.failed(failure)]
    }

    /// The SDP body of a response, when it has one (RFC 3261 §13.2.1; RFC 3264).
    private static func sdp(of response: SIPMessage) -> [UInt8]? {
        guard !response.body.isEmpty, let type = try? response.contentType(), type.matches(.sdp) else { return nil }
        return response.body
    }
}

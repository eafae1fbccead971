import Flows
import Logging
import Media
import NIOCore
import SIPCore
import SIPMessage
import SIPTransaction
import SIPTransport

/// The transaction user of `switchboard serve` (RFC 3261 §8.2, §12.2.2): it matches each
/// request to a dialog, starts a call for each new INVITE whose number a flow answers,
/// answers OPTIONS, and gives every other request the RFC's answer (`481` for a dialog that
/// does not exist, `500` out of order, `491` glare, `405` for methods we do not take).
///
/// Confined to the SIP server's event loop.
public final class CallRouter: TransactionUser {
    /// The methods the call layer takes (Allow, RFC 3261 §20.5).
    static let allowed: [SIPMethod] = [.invite, .ack, .cancel, .bye, .options, .info, .update, .register, .notify, .refer, .subscribe]

    let environment: CallEnvironment
    let timers: TransactionTimerValues
    /// Every dialog of every call (RFC 3261 §12.2.2 matching and CSeq order).
    var dialogs = DialogTable()
    /// Who handles each dialog's requests: a caller's leg or a transfer's leg.
    private var calls: [DialogID: any DialogOwner] = [:]
    /// Client transactions of transfer legs: which transfer, which leg, which method.
    private var clientTransactions: [ClientTransactionID: (owner: any OutboundLegOwner, leg: Int, method: SIPMethod)] = [:]
    /// Ring groups that ended while late answers still need their ACK and BYE.
    private var settling: [ObjectIdentifier: any OutboundLegOwner] = [:]
    /// Calls not yet answered, by INVITE transaction (for CANCEL).
    private var unanswered: [ServerTransactionID: InboundCall] = [:]
    /// REGISTER handling and the location service (nil: REGISTER gets 405).
    let registrations: RegistrationService?
    /// Message-waiting indication (RFC 3842): SUBSCRIBE/NOTIFY for mailboxes (nil without a
    /// voicemail store: SUBSCRIBE gets 405).
    private(set) var messageWaiting: MessageWaitingService?
    /// Sees every flow's trace events (tests, logs).
    public var traceObserver: (@Sendable (TraceEvent) -> Void)?
    /// Counters; read on the event loop.
    public private(set) var stats = CallStats()

    init(environment: CallEnvironment, locations: (any LocationStore)? = nil, timers: TransactionTimerValues = .init()) {
        self.environment = environment
        self.timers = timers
        self.registrations = locations.map { RegistrationService(environment: environment, store: $0) }
        if let store = environment.voicemail {
            messageWaiting = MessageWaitingService(store: store, router: self, locations: locations,
                                                   unsolicited: environment.policy.unsolicitedMessageWaiting)
        }
    }

    /// Calls in progress (set up, answered or confirmed): started and not yet forgotten.
    /// O(1), as every new INVITE asks (admission control); counting the dialog table cost a
    /// dynamic cast per active call per INVITE.
    public var activeCalls: Int { stats.started - stats.ended + placedCalls }

    /// Calls Switchboard placed itself (click-to-call) that are in progress: they count
    /// towards `maximumCalls` like calls in.
    private(set) var placedCalls = 0

    /// Whether one more call fits under `maximumCalls` (RFC 3261 §21.5.4 admission).
    var admitsNewCall: Bool { activeCalls < environment.policy.maximumCalls }

    func placedCallStarted() { placedCalls += 1 }
    func placedCallEnded() { placedCalls = max(0, placedCalls - 1) }

    /// Transfer legs bridged now.
    public var bridgedLegs: Int { calls.values.filter { !($0 is InboundCall) }.count }

    // MARK: TransactionUser

    public func received(request: SIPMessage, transaction: ServerTransactionID, from peer: SIPPeer, server: SIPServer) {
        // RFC 3842 message waiting: a new SUBSCRIBE, or one in a subscription's dialog, goes to
        // the notifier (MessageWaitingService), which keeps its own subscription dialogs.
        if let messageWaiting {
            messageWaiting.attach(server)
            if messageWaiting.takes(request) {
                guard subscriberMayWatch(request, transaction: transaction, from: peer, server: server) else { return }
                return messageWaiting.handle(request, transaction: transaction, from: peer, server: server)
            }
        }
        switch dialogs.route(request, retryAfter: UInt32.random(in: 0...10)) {
        case .outsideDialog:
            outsideDialog(request, transaction: transaction, from: peer, server: server)
        case .inDialog(let id):
            if let call = calls[id] {
                call.received(request, transaction: transaction)
            } else {
                server.respond(DialogRejection.noDialog.response(to: request), to: transaction)
            }
        case .ack(let id, _):
            calls[id]?.ackReceivedInDialog(request)
        case .reject(let rejection):
            let hasToTag = (try? request.to())?.tag != nil
            server.respond(rejection.response(to: request, localTag: hasToTag ? nil : server.makeTag()), to: transaction)
        case .discard:
            break
        }
    }

    public func received(ack: SIPMessage, from peer: SIPPeer, server: SIPServer) {
        if case .ack(let id, _) = dialogs.route(ack) { calls[id]?.ackReceivedInDialog(ack) }
    }

    public func cancelled(transaction: ServerTransactionID, server: SIPServer) {
        unanswered[transaction]?.cancelled()
    }

    public func received(response: SIPMessage, transaction: ClientTransactionID, server: SIPServer) {
        guard let owner = clientTransactions[transaction] else { return }
        if (response.statusCode ?? 0) >= 200 { clientTransactions[transaction] = nil }
        owner.owner.received(response: response)
    }

    public func failed(transaction: ClientTransactionID, timedOut: Bool, server: SIPServer) {
        guard let owner = clientTransactions.removeValue(forKey: transaction) else { return }
        owner.owner.failed(leg: owner.leg, method: owner.method, timedOut: timedOut)
    }

    // MARK: New requests

    /// A new message-summary SUBSCRIBE for a mailbox that a directory person with SIP
    /// credentials owns (their `mailbox`, or one named like their user name) must carry that
    /// person's digest credentials, as their REGISTER does: without them `401` (RFC 3261
    /// §22.1, §22.3: any request may be challenged), with another person's `403` (RFC 6665
    /// §4.2.1.2: the notifier authorizes subscribers). Other mailboxes stay open, and a
    /// refresh inside the subscription's dialog is not challenged again. Answered here when false.
    private func subscriberMayWatch(_ request: SIPMessage, transaction: ServerTransactionID, from peer: SIPPeer,
                                    server: SIPServer) -> Bool {
        guard (try? request.to())?.tag == nil,
              request.headers.values(.event).first?.lowercased().hasPrefix("message-summary") == true,
              let mailbox = request.requestURI?.sipURI?.user,
              let username = environment.flows.directory.accountOwner(ofMailbox: mailbox)?.sip?.username else { return true }
        let forbidden = SIPMessage.response(to: request, status: 403, reason: "Forbidden", toTag: server.makeTag())
        guard let registrations else {
            server.respond(forbidden, to: transaction)
            return false
        }
        guard let identity = registrations.authenticate(request, transaction: transaction, from: peer, server: server) else {
            return false
        }
        guard identity.username == username else {
            server.respond(forbidden, to: transaction)
            return false
        }
        return true
    }

    private func outsideDialog(_ request: SIPMessage, transaction: ServerTransactionID, from peer: SIPPeer, server: SIPServer) {
        var authenticatedUser: String?
        if let method = request.method, method != .register, environment.policy.protectedMethods.contains(method.name) {
            guard let identity = registrations?.authenticate(request, transaction: transaction, from: peer, server: server) else {
                if registrations == nil {
                    server.respond(SIPMessage.response(to: request, status: 403, reason: "Forbidden", toTag: server.makeTag()), to: transaction)
                }
                return
            }
            authenticatedUser = identity.username
        }
        switch request.method {
        case .invite?:
            newCall(request, transaction: transaction, from: peer, authenticatedUser: authenticatedUser, server: server)
        case .options?:
            server.respond(server.optionsResponse(to: request, allowing: Self.allowed), to: transaction)
        case .register? where registrations != nil:
            registrations?.handle(request, transaction: transaction, from: peer, server: server)
        case .subscribe?:
            // Event packages we serve take their SUBSCRIBEs above (message-summary with a
            // voicemail store); any other event is unknown here (RFC 6665 §4.2.1.1: 489).
            var response = SIPMessage.response(to: request, status: 489, reason: "Bad Event", toTag: server.makeTag())
            if messageWaiting != nil { response.headers.append(.allowEvents, "message-summary") }
            server.respond(response, to: transaction)
        default:
            var response = SIPMessage.response(to: request, status: 405, reason: "Method Not Allowed", toTag: server.makeTag())
            response.headers.append(.allow, Self.allowed.map(\.name).joined(separator: ", "))
            server.respond(response, to: transaction)
        }
    }

    private func newCall(_ invite: SIPMessage, transaction: ServerTransactionID, from peer: SIPPeer, authenticatedUser: String?,
                         server: SIPServer) {
        func refuse(_ status: Int, _ reason: String, _ headers: [(HeaderName, String)] = []) {
            var response = SIPMessage.response(to: invite, status: status, reason: reason, toTag: server.makeTag())
            for (name, value) in headers { response.headers.append(name, value) }
            stats.refused[status, default: 0] += 1
            environment.status.update { $0.refused[status, default: 0] += 1 }
            server.respond(response, to: transaction)
        }
        // RFC 3261 §21.5.4: past capacity, refuse quickly so admitted calls stay healthy.
        guard admitsNewCall else {
            return refuse(503, "Service Unavailable", [(.retryAfter, String(environment.policy.overloadRetryAfter))])
        }
        // §8.2.3: a body we cannot read is 415 with what we accept.
        if !invite.body.isEmpty, let type = (try? invite.contentType()).flatMap({ $0 }), !type.matches(.sdp) {
            return refuse(415, "Unsupported Media Type", [(.accept, "application/sdp")])
        }
        let number = invite.requestURI?.sipURI?.user ?? ""
        let system = environment.flows
        guard let flow = system.entryFlow(forNumber: number) else {
            return refuse(404, "Not Found")
        }
        let media = environment.media.pick()
        let channelID = media.reserveChannelID()
        let handle = CallHandle(eventLoop: server.eventLoop)
        var info = Self.callInfo(of: invite)
        if let authenticatedUser { info.variables["authenticated-user"] = authenticatedUser }
        let session = LiveCallSession(info: info, media: media, prompts: environment.prompts,
                                      channelID: channelID, signalling: handle, clock: environment.clock,
                                      mediaTimeout: environment.policy.mediaTimeout)
        session.environment = environment  // voicemail steps: store, PIN guard, counters
        let call = InboundCall(invite: invite, transaction: transaction, peer: peer, flow: flow, system: system,
                               session: session, router: self, server: server)
        handle.call = call
        unanswered[transaction] = call
        stats.started += 1
        environment.status.update { $0.activeCalls += 1 }
        media.openSockets(channelID: channelID).hop(to: server.eventLoop).whenComplete { result in
            switch result {
            case .success(let port):
                call.mediaReady(port: port)
            case .failure:
                call.refuse(503, "Service Unavailable", retryAfter: self.environment.policy.overloadRetryAfter)
            }
        }
    }

    /// The facts of the call a flow can branch on (`caller`, `called`, `call.accepts-html`).
    static func callInfo(of invite: SIPMessage) -> CallInfo {
        let caller = (try? invite.from())?.uri.sipURI?.user ?? "anonymous"
        let called = invite.requestURI?.sipURI?.user ?? ""
        let acceptsHTML = invite.headers.values(.accept).contains { $0.lowercased().contains("text/html") }
        return CallInfo(caller: caller, called: called, variables: ["accepts-html": acceptsHTML ? "true" : "false"])
    }

    // MARK: For calls

    /// The call answered and has a dialog.
    func register(_ call: InboundCall, dialog: DialogID) {
        unanswered[call.transaction] = nil
        calls[dialog] = call
    }

    /// An outbound leg was answered: its dialog's requests go to its owner.
    func register(_ owner: any DialogOwner, dialog: DialogID) {
        calls[dialog] = owner
    }

    /// The call ended.
    func forget(_ call: InboundCall, dialog: DialogID?) {
        if unanswered[call.transaction] === call { unanswered[call.transaction] = nil }
        if let dialog {
            dialogs.remove(dialog)
            if calls[dialog] === call { calls[dialog] = nil }
        }
        stats.ended += 1
        environment.status.update { $0.activeCalls -= 1 }
    }

    /// An outbound leg's dialog ended.
    func forget(_ owner: any DialogOwner, dialog: DialogID) {
        dialogs.remove(dialog)
        if calls[dialog] === owner { calls[dialog] = nil }
    }

    /// Routes the responses of an outbound leg's client transaction to its owner.
    func track(_ id: ClientTransactionID, leg: Int, method: SIPMethod, for owner: any OutboundLegOwner) {
        clientTransactions[id] = (owner, leg, method)
    }

    /// Keeps an owner whose ring group ended until late answers are ACKed and BYEd.
    func keepSettling(_ owner: any OutboundLegOwner) {
        settling[ObjectIdentifier(owner)] = owner
    }

    /// An owner whose group has settled lets go.
    func settled(_ owner: any OutboundLegOwner) {
        settling[ObjectIdentifier(owner)] = nil
    }

    /// The endpoints a REFER's target names, if the directory allows it: a person's or
    /// department's extension or SIP user name (their registered phones), or a URI the
    /// outbound patterns allow. Nil: refuse the REFER (no free calls through a staff phone).
    func endpoints(forReferTarget target: URI) -> [TransferEndpoint]? {
        environment.flows.directory.endpoints(forUser: target.sipURI?.user, target: target.description)
    }

    /// Allow and Supported, for a 2xx that creates or refreshes a dialog (RFC 3261 §13.3.1.4
    /// "SHOULD contain an Allow header field").
    func appendCapabilities(to response: inout SIPMessage) {
        response.headers.append(.allow, Self.allowed.map(\.name).joined(separator: ", "))
        response.headers.append(.supported, "timer")
    }

    /// Sends a request of a dialog towards its next hop (`destination(towards:fallback:)`);
    /// over TCP or TLS the peer's connection is reused when the next hop is that peer.
    func send(_ request: DialogRequest, towards peer: SIPPeer, server: SIPServer) {
        server.sendRequest(request.message, to: destination(towards: request.nextHop, fallback: peer))
    }

    /// Where a request goes whose next hop is `hop`: to it when it is an IP literal;
    /// otherwise — there is no DNS resolution (RFC 3263) yet — back to the address the
    /// peer's requests came from.
    func destination(towards hop: URI, fallback peer: SIPPeer) -> ResponseDestination {
        let sip = hop.sipURI
        let transport = sip?.transport.flatMap { TransportProtocol(rawValue: $0) } ?? peer.transport
        let peerDestination = ResponseDestination(transport: peer.transport, host: peer.host, port: peer.port,
                                                  connection: peer.connection, listener: peer.listener)
        guard let sip, LocalAddressing.isIPLiteral(sip.host.trimmingCharacters(in: ["[", "]"])) else { return peerDestination }
        let host = sip.host.trimmingCharacters(in: ["[", "]"])
        let port = sip.port.map(Int.init) ?? transport.defaultPort
        if host == peer.host && port == peer.port && transport == peer.transport { return peerDestination }
        return ResponseDestination(transport: transport, host: host, port: port, listener: transport == .udp ? peer.listener : 0)
    }

    func now() -> SIPInstant {
        SIPInstant(nanoseconds: Int64(NIODeadline.now().uptimeNanoseconds))
    }
}

/// What handles the requests of one dialog.
protocol DialogOwner: AnyObject {
    func received(_ request: SIPMessage, transaction: ServerTransactionID)
    func ackReceivedInDialog(_ ack: SIPMessage)
}

/// What owns outbound INVITE legs (a `RingGroup`): told their responses and failures.
protocol OutboundLegOwner: AnyObject {
    func received(response: SIPMessage)
    func failed(leg: Int, method: SIPMethod, timedOut: Bool)
}

/// Lets a call's session ask the SIP side to hang up without keeping the call alive.
final class CallHandle: @unchecked Sendable {
    private let eventLoop: any EventLoop
    /// Set once on the SIP loop, read there.
    weak var call: (any CallSignalling)?

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func hangUp() {
        eventLoop.execute { self.call?.hangUpFromOurSide() }
    }

    /// Waits until the call is answered (true) or has ended (false): a flow's media steps
    /// answer the call lazily.
    func answer() async -> Bool {
        await withCheckedContinuation { continuation in
            eventLoop.execute {
                guard let call = self.call else { return continuation.resume(returning: false) }
                call.answerWhenReady { continuation.resume(returning: $0) }
            }
        }
    }

    /// Waits until the caller can hear us: early media when the flow asks for it, else the
    /// answer (see `InboundCall.mediaWhenReady`).
    func media() async -> Bool {
        await withCheckedContinuation { continuation in
            eventLoop.execute {
                guard let call = self.call else { return continuation.resume(returning: false) }
                call.mediaWhenReady { continuation.resume(returning: $0) }
            }
        }
    }

    /// Offers the web directory instead of answering (see `InboundCall.offerWebDirectory`).
    func offerWebDirectory() async -> WebDirectoryResult {
        await withCheckedContinuation { continuation in
            eventLoop.execute {
                continuation.resume(returning: self.call?.offerWebDirectory() ?? .declined)
            }
        }
    }

    /// Rings a transfer's endpoints and waits for its end (see `BridgedTransfer`).
    func transfer(_ request: TransferRequest) async -> TransferResult {
        await withCheckedContinuation { continuation in
            eventLoop.execute {
                guard let call = self.call else { return continuation.resume(returning: .failed) }
                call.startTransfer(request) { continuation.resume(returning: $0) }
            }
        }
    }
}

/// Call counters of the router.
public struct CallStats: Sendable {
    public var started = 0
    public var ended = 0
    /// INVITEs refused before a call started, by status.
    public var refused: [Int: Int] = [:]
}

import Foundation
import Logging
import NIOCore
import SIPCore
import SIPMessage
import SIPTransaction
import SIPTransport
import Voicemail

/// Message-waiting indication (RFC 3842) for `switchboard serve`: phones SUBSCRIBE to
/// `message-summary` for a mailbox (the Request-URI user) and get a NOTIFY with its
/// new/old counts at once and after every change; with `unsolicited`, the mailbox owner's
/// registered contacts (the user named like the mailbox) also get an out-of-dialog NOTIFY on
/// every change, as many phones expect.
///
/// The subscription state machine is SIPCore's sans-IO `Notifier` (RFC 6665 §4.2); this
/// class performs its actions. Counts are **always read from the store** — at subscription,
/// on each `mailboxChanges()` event — never kept as a tally, so they cannot go stale after a
/// restart or a re-registration.
///
/// Confined to the SIP server's event loop, like the router that feeds it: the router hands
/// it every SUBSCRIBE (new, or a refresh inside a subscription's dialog) and the responses
/// and failures of its NOTIFY transactions (it is an `OutboundLegOwner`).
final class MessageWaitingService: OutboundLegOwner {
    private let store: any VoicemailStore
    private let locations: (any LocationStore)?
    private let unsolicited: Bool
    private unowned let router: CallRouter
    private var notifier: Notifier
    /// Where each subscription's NOTIFYs go when the next hop is not an IP literal.
    private var peers: [SubscriptionID: SIPPeer] = [:]
    /// NOTIFY transactions in flight: the `leg` number handed to the router → subscription
    /// (nil for an unsolicited NOTIFY).
    private var inFlight: [Int: SubscriptionID?] = [:]
    /// The leg of each NOTIFY in flight by its Call-ID and CSeq number (its response's key).
    private var legs: [String: Int] = [:]
    private var nextLeg = 0
    private var server: SIPServer?
    private var timer: Scheduled<Void>?
    private var watcher: Task<Void, Never>?
    private var unsolicitedSequence: UInt32 = 0
    /// NOTIFYs sent (subscribed and unsolicited), for tests and metrics.
    private(set) var notifiesSent = 0

    init(store: any VoicemailStore, router: CallRouter, locations: (any LocationStore)?, unsolicited: Bool) {
        self.store = store
        self.router = router
        self.locations = locations
        self.unsolicited = unsolicited
        // The Contact is replaced per request (`contact(for:)`); this one is a placeholder.
        let placeholder = NameAddress(uri: .sip(SIPURI(user: "mwi", host: "127.0.0.1")))
        notifier = Notifier(configuration: NotifierConfiguration(contact: placeholder),
                            packages: [MessageSummaryPackage()])
    }

    deinit {
        watcher?.cancel()
        timer?.cancel()
    }

    /// Subscriptions alive now.
    var subscriptionCount: Int { peers.count }

    /// Whether `request` is ours: a SUBSCRIBE outside any dialog (a package other than
    /// message-summary gets `489` here), or one inside a subscription's dialog. Other
    /// in-dialog SUBSCRIBEs (a REFER's implicit subscription, say) stay with the router.
    func takes(_ request: SIPMessage) -> Bool {
        guard request.method == .subscribe else { return false }
        guard (try? request.to())?.tag != nil else { return true }
        return DialogID(incomingRequest: request).flatMap { notifier.subscriptionID(for: $0) } != nil
    }

    /// A SUBSCRIBE, new or in a subscription's dialog (RFC 6665 §4.2.1).
    func handle(_ request: SIPMessage, transaction: ServerTransactionID, from peer: SIPPeer, server: SIPServer) {
        start(on: server)
        let addressing = LocalAddressing(server: server, peer: peer, request: request)
        if let contact = try? NameAddress(addressing.contact) { notifier.configuration.contact = contact }
        let actions = notifier.receiveSubscribe(request, localTag: server.makeTag(), now: router.now(),
                                                overTLS: peer.transport == .tls,
                                                newVia: { addressing.via(branch: server.newBranch()) })
        perform(actions, transaction: transaction, peer: peer, server: server)
    }

    /// Starts watching the store on the first SUBSCRIBE (or the first change to announce).
    private func start(on server: SIPServer) {
        guard self.server == nil else { return }
        self.server = server
        let changes = store.mailboxChanges()
        let loop = server.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        let store = self.store
        watcher = Task {
            for await mailbox in changes {
                let counts = try? await store.counts(for: mailbox)
                loop.execute { bound.value.changed(mailbox, counts: counts) }
            }
        }
    }

    /// Learns the server (the router calls it for every request; the first call starts
    /// watching the store, so unsolicited NOTIFYs flow once phones have registered).
    func attach(_ server: SIPServer) {
        start(on: server)
    }

    /// The RFC 3842 body for `counts`: unheard messages are new, the rest old.
    static func summary(_ counts: Voicemail.MessageCounts?, mailbox: String, accountHost: String?) -> MessageSummary {
        let pair: (new: Int, old: Int) = counts?.messageSummary ?? (new: 0, old: 0)
        let account = accountHost.map { "sip:\(mailbox)@\($0)" }
        return MessageSummary(account: account, voice: SIPCore.MessageCounts(new: UInt32(clamping: pair.new),
                                                                                 old: UInt32(clamping: pair.old)))
    }

    /// A mailbox's counts were (re-)read: notify its subscribers, and its owner's phones
    /// when configured.
    private func changed(_ mailbox: String, counts: Voicemail.MessageCounts?) {
        guard let server else { return }
        // The account URI names the listener's address when it is a specific one.
        let host = server.listeners.first?.address.ipAddress.flatMap { $0 == "0.0.0.0" || $0 == "::" ? nil : $0 }
        let summary = Self.summary(counts, mailbox: mailbox, accountHost: host)
        let actions = notifier.notifyChanged(mailbox: mailbox, summary: summary, now: router.now(),
                                             newVia: { self.via(for: mailbox, server: server) })
        perform(actions, transaction: nil, peer: nil, server: server)
        if unsolicited { sendUnsolicited(mailbox, summary: summary, server: server) }
    }

    /// Our Via for a NOTIFY (our sent-by as a subscriber's peer sees it, fresh branch).
    private func via(for mailbox: String, server: SIPServer) -> Via {
        if let peer = peers.values.first {
            let request = SIPMessage.request(.notify, uri: .sip(SIPURI(user: mailbox, host: peer.host)), headers: SIPHeaders())
            return LocalAddressing(server: server, peer: peer, request: request).via(branch: server.newBranch())
        }
        return Via(transport: "UDP", host: "127.0.0.1", port: 5060, branch: server.newBranch(), parameters: [])
    }

    private func perform(_ actions: [NotifierAction], transaction: ServerTransactionID?, peer: SIPPeer?, server: SIPServer) {
        for action in actions {
            switch action {
            case .respond(let response):
                if let transaction { server.respond(response, to: transaction) }
            case .subscribed(let id, let mailbox):
                if let peer { peers[id] = peer }
                // The first NOTIFY went out at once (RFC 6665 §4.2.1.2) with the last state
                // this process saw (or "no messages"); read the real counts from the store
                // and send them to the mailbox's subscribers.
                let loop = server.eventLoop
                let bound = NIOLoopBound(self, eventLoop: loop)
                let store = self.store
                Task {
                    let counts = try? await store.counts(for: mailbox)
                    loop.execute { bound.value.changed(mailbox, counts: counts) }
                }
            case .sendNotify(let id, let request):
                guard let fallback = peers[id] ?? peer else {
                    // Nowhere to send it: the subscription cannot be served (RFC 6665 §4.2.2).
                    perform(notifier.notifyTimedOut(id), transaction: nil, peer: nil, server: server)
                    continue
                }
                let transactionID = server.sendRequest(request.message, to: router.destination(towards: request.nextHop, fallback: fallback))
                track(transactionID, request: request.message, subscription: id)
            case .removed(let id, _):
                peers[id] = nil
            }
        }
        scheduleTimer(server: server)
    }

    private func track(_ transaction: ClientTransactionID, request: SIPMessage, subscription: SubscriptionID?) {
        nextLeg &+= 1
        inFlight[nextLeg] = subscription
        legs[Self.key(request)] = nextLeg
        notifiesSent += 1
        router.track(transaction, leg: nextLeg, method: .notify, for: self)
    }

    /// Subscription expiry (RFC 6665 §4.2.2 / §4.1.2.4): the final NOTIFY at `nextDeadline`.
    private func scheduleTimer(server: SIPServer) {
        timer?.cancel()
        timer = nil
        guard let deadline = notifier.nextDeadline else { return }
        // The service lives as long as its router; the timer may hold it until it fires.
        let bound = NIOLoopBound(self, eventLoop: server.eventLoop)
        timer = server.eventLoop.scheduleTask(deadline: NIODeadline(deadline)) {
            bound.value.expiryTimerFired(server: server)
        }
    }

    private func expiryTimerFired(server: SIPServer) {
        timer = nil
        let actions = notifier.timerFired(now: router.now(), newVia: { self.via(for: "", server: server) })
        perform(actions, transaction: nil, peer: nil, server: server)
    }

    // MARK: OutboundLegOwner (NOTIFY transactions)

    private static func key(_ message: SIPMessage) -> String {
        "\((try? message.callID()) ?? "") \((try? message.cseq())?.sequence ?? 0)"
    }

    func received(response: SIPMessage) {
        guard let server, (response.statusCode ?? 0) >= 200 else { return }
        if let leg = legs.removeValue(forKey: Self.key(response)) { inFlight[leg] = nil }
        // The notifier matches the response to its subscription by dialog and CSeq.
        let actions = notifier.receiveNotifyResponse(response, now: router.now(), newVia: { self.via(for: "", server: server) })
        perform(actions, transaction: nil, peer: nil, server: server)
    }

    func failed(leg: Int, method: SIPMethod, timedOut: Bool) {
        guard let entry = inFlight.removeValue(forKey: leg) else { return }
        legs = legs.filter { $0.value != leg }
        guard let server, let id = entry else { return }
        perform(notifier.notifyTimedOut(id), transaction: nil, peer: nil, server: server)
    }

    // MARK: Unsolicited NOTIFY

    /// Out-of-dialog NOTIFYs to every registered contact of the user named like `mailbox`.
    private func sendUnsolicited(_ mailbox: String, summary: MessageSummary, server: SIPServer) {
        guard let locations else { return }
        let loop = server.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        Task {
            let bindings = await RegistrationService.contacts(ofUser: mailbox, in: locations)
            loop.execute { bound.value.sendUnsolicited(summary, to: bindings, mailbox: mailbox, server: server) }
        }
    }

    private func sendUnsolicited(_ summary: MessageSummary, to bindings: [LocationBinding], mailbox: String, server: SIPServer) {
        for binding in bindings {
            let flow = binding.source
            let transport = TransportProtocol(rawValue: flow.transport.rawValue) ?? .udp
            guard let address = try? SocketAddress(ipAddress: flow.host, port: flow.port) else { continue }
            let connection = transport == .udp || flow.connection == 0 ? nil : ConnectionID(flow.connection)
            let peer = SIPPeer(transport: transport, address: address, connection: connection,
                               listener: transport == .udp ? Int(truncatingIfNeeded: flow.connection) : 0)
            let probe = SIPMessage.request(.notify, uri: binding.contact, headers: SIPHeaders())
            let addressing = LocalAddressing(server: server, peer: peer, request: probe)
            unsolicitedSequence &+= 1
            let ours = NameAddress(uri: .sip(SIPURI(host: addressing.uriHost)), parameters: [GenericParameter(name: "tag", value: server.makeTag())])
            let recipient = NameAddress(uri: .sip(SIPURI(user: binding.aor.user, host: binding.aor.domain)))
            let notify = MessageSummaryPackage.unsolicitedNotify(
                to: binding.contact, recipient: recipient, from: ours, callID: "mwi-\(UUID().uuidString.lowercased())",
                sequence: unsolicitedSequence, via: addressing.via(branch: server.newBranch()),
                contact: try? NameAddress(addressing.contact), summary: summary)
            let destination = ResponseDestination(transport: transport, host: flow.host, port: flow.port, connection: connection,
                                                  listener: peer.listener)
            track(server.sendRequest(notify, to: destination), request: notify, subscription: nil)
        }
    }
}

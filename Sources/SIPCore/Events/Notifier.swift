import SIPMessage
import SIPTransaction

/// What the notifier asks its integrator to do, in order.
public enum NotifierAction: Equatable, Sendable {
    /// Send this final response to the SUBSCRIBE through the server transaction it came in.
    case respond(SIPMessage)
    /// A subscription was created: the integrator may fetch the resource's state and pass it to
    /// `notifyChanged` (the first NOTIFY, already in this batch, carries what the notifier had).
    case subscribed(SubscriptionID, resource: String)
    /// Send this NOTIFY in a new non-INVITE client transaction towards `request.nextHop`, and
    /// report its final response with `receiveNotifyResponse` (or a timeout with `notifyTimedOut`).
    case sendNotify(SubscriptionID, DialogRequest)
    /// The subscription and its dialog are gone.
    case removed(SubscriptionID, SubscriptionRemoval)
}

/// The notifier side of SIP-specific event notification (RFC 6665 §4.2): the table of
/// subscriptions, each in the dialog its SUBSCRIBE created, and the state machine that
/// accepts, refreshes, notifies, expires and removes them.
///
/// Sans-IO: every entry point takes `now` and returns `NotifierAction`s; it never reads a
/// clock or sends. NOTIFYs are built with `Dialog.makeRequest` using a Via the integrator's
/// `newVia` closure makes (its sent-by and a fresh `z9hG4bK` branch each time).
///
/// - One subscription per dialog: a SUBSCRIBE inside the dialog of another package or `id`
///   gets `481` (RFC 6665 §4.5.2 deprecates sharing dialogs between usages).
/// - At most one NOTIFY in flight per subscription: changes while one is outstanding are
///   coalesced and the latest state is sent when it is answered, so a subscriber never sees
///   an older state after a newer one. Final (`terminated`) NOTIFYs are sent at once.
/// - Authorization is the integrator's (RFC 6665 §4.2.1.3): check the SUBSCRIBE (digest,
///   mailbox owner) before handing it here; subscriptions are accepted as `active`.
public struct Notifier: Sendable {
    /// Where a resource's state is kept: (package, resource).
    private struct ResourceKey: Hashable, Sendable {
        var event: String
        var resource: String
    }

    public var configuration: NotifierConfiguration
    /// The registered packages by lower-cased name.
    public private(set) var packages: [String: any EventPackage] = [:]
    /// Every live subscription.
    public private(set) var subscriptions: [SubscriptionID: Subscription] = [:]
    private var byDialog: [DialogID: SubscriptionID] = [:]
    private var byResource: [ResourceKey: Set<SubscriptionID>] = [:]
    /// The latest state body supplied for each resource (`notifyChanged`).
    private var states: [ResourceKey: [UInt8]] = [:]

    public init(configuration: NotifierConfiguration, packages: [any EventPackage] = []) {
        self.configuration = configuration
        for package in packages { register(package) }
    }

    /// Adds (or replaces) an event package.
    public mutating func register(_ package: any EventPackage) {
        packages[package.name.lowercased()] = package
    }

    /// The value of Allow-Events: the registered package names, sorted (RFC 6665 §8.2.2).
    public var allowEvents: String { packages.values.map(\.name).sorted().joined(separator: ", ") }

    /// The subscription living in dialog `id`, if any: lets the integrator route a response
    /// to one of our NOTIFYs, or a SUBSCRIBE with a To tag, here.
    public func subscriptionID(for id: DialogID) -> SubscriptionID? { byDialog[id] }

    // MARK: SUBSCRIBE (RFC 6665 §4.2.1)

    /// Handles a SUBSCRIBE: a new one (no To tag) or one inside a subscription's dialog
    /// (refresh, or unsubscribe with `Expires: 0`).
    ///
    /// New (RFC 6665 §4.2.1.1, §4.2.1.2, §4.4.1): no or bad Event → `400`; a package not
    /// registered → `489 Bad Event` with Allow-Events; a bad Expires → `400`; a non-zero
    /// Expires below `minExpires` → `423 Interval Too Brief` with Min-Expires; no resource →
    /// `404`; `maxSubscriptions` already live → `503`. Otherwise `200` (never `202`, which
    /// §4.2.1.1 deprecates) with the granted Expires (the request's, the package default when
    /// absent, at most `maxExpires`) and our Contact, then at once the first NOTIFY
    /// (`active;expires=N`). `Expires: 0` on a new SUBSCRIBE is a
    /// fetch (§4.4.3): `200`, one `terminated;reason=timeout` NOTIFY with the state, no subscription.
    ///
    /// In the dialog (§4.2.1.4, §4.1.2.3): no subscription there, or another package or `id`
    /// → `481`; the dialog's CSeq checks apply (`500` out of order, RFC 3261 §12.2.2); then a
    /// refresh restarts the interval and is answered `200` and a NOTIFY (§4.2.1.2), and
    /// `Expires: 0` is answered `200` and a final `terminated;reason=timeout` NOTIFY.
    /// - Parameters:
    ///   - localTag: our To tag for the new dialog (and for rejections of a new SUBSCRIBE).
    ///   - overTLS: whether it came over TLS (the dialog's secure flag, RFC 3261 §12.1.1).
    ///   - newVia: makes the Via of each NOTIFY: our sent-by with a fresh branch.
    public mutating func receiveSubscribe(_ request: SIPMessage, localTag: String, now: SIPInstant,
                                          overTLS: Bool = false, newVia: () -> Via) -> [NotifierAction] {
        guard request.method == .subscribe else {
            // RFC 3261 §8.2.1: a 405 lists the methods that are allowed.
            var rejection = answer(request, 405, localTag: localTag)
            rejection.headers.append(.allow, SIPMethod.subscribe.name)
            return [.respond(rejection)]
        }
        let parsedEvent: EventValue?
        do { parsedEvent = try request.event() } catch {
            return [.respond(answer(request, 400, reason: "Bad Event Header", localTag: localTag))]
        }
        guard let event = parsedEvent else {
            return [.respond(answer(request, 400, reason: "Missing Event Header", localTag: localTag))]
        }
        // §4.2.1.1: an unknown package gets 489 with the packages we do know (§8.3.2, §8.2.2).
        guard let package = packages[event.package.lowercased()] else {
            var rejection = answer(request, 489, localTag: localTag)
            rejection.headers.append(.allowEvents, allowEvents)
            return [.respond(rejection)]
        }
        let requested: UInt32?
        do { requested = try request.expires() } catch {
            return [.respond(answer(request, 400, reason: "Bad Expires", localTag: localTag))]
        }
        if let dialogID = DialogID(incomingRequest: request) {
            return receiveInDialog(request, id: dialogID, event: event, requested: requested, now: now, newVia: newVia)
        }
        // §4.2.1.1: too brief an interval is refused with the shortest we accept.
        if let requested, requested > 0, requested < configuration.minExpires {
            return [tooBrief(request, localTag: localTag)]
        }
        guard let resource = package.resource(of: request) else { return [.respond(answer(request, 404, localTag: localTag))] }
        guard subscriptions.count < configuration.maxSubscriptions || requested == 0 else {
            return [.respond(answer(request, 503, localTag: localTag))]
        }
        let granted = grantedExpires(requested, package: package)

        var response = SIPMessage.response(to: request, status: 200, toTag: localTag)
        response.headers.append(.expires, String(granted))
        response.headers.append(.contact, configuration.contact.description)
        var dialog: Dialog
        do {
            dialog = try Dialog.uas(subscription: request, response: response, overTLS: overTLS)
        } catch {
            // A SUBSCRIBE without Contact (or with a broken From, Call-ID, CSeq) cannot create
            // the dialog NOTIFYs travel in (RFC 3261 §12.1.1): refuse it.
            return [.respond(answer(request, 400, reason: "Bad " + Self.headerName(of: error), localTag: localTag))]
        }
        dialog.localContact = configuration.contact
        let id = SubscriptionID(dialog: dialog.id, event: event.package, eventID: event.id)
        var actions: [NotifierAction] = [.respond(response)]
        insert(Subscription(id: id, event: event, resource: resource, dialog: dialog, expiresAt: now + .seconds(Int64(granted))))
        if granted == 0 {
            // §4.4.3: a fetch — one NOTIFY with the state, and the subscription is over.
            end(id, reason: .timeout, removal: .unsubscribed, now: now, via: newVia(), into: &actions)
        } else {
            actions.append(.subscribed(id, resource: resource))
            notify(id, now: now, via: newVia(), into: &actions)
        }
        return actions
    }

    /// A SUBSCRIBE with a To tag (RFC 6665 §4.2.1.4 refresh, §4.1.2.3 unsubscribe).
    private mutating func receiveInDialog(_ request: SIPMessage, id dialogID: DialogID, event: EventValue,
                                          requested: UInt32?, now: SIPInstant, newVia: () -> Via) -> [NotifierAction] {
        let id = SubscriptionID(dialog: dialogID, event: event.package, eventID: event.id)
        guard byDialog[dialogID] == id, var subscription = subscriptions[id] else {
            return [.respond(DialogRejection.noDialog.response(to: request))]
        }
        // RFC 3261 §12.2.2 through the dialog: CSeq order; SUBSCRIBE is a target refresh
        // request (RFC 6665 §3.1), so its Contact replaces the remote target.
        if case .reject(let rejection) = subscription.dialog.receive(request) {
            subscriptions[id] = subscription
            return [.respond(rejection.response(to: request))]
        }
        if let target = try? Dialog.contactURI(of: request) { subscription.dialog.remoteTarget = target }
        subscriptions[id] = subscription
        if let requested, requested > 0, requested < configuration.minExpires {
            return [tooBrief(request, localTag: nil)]
        }
        return refresh(id, request: request, requested: requested, now: now, newVia: newVia)
    }

    /// Restarts (or, with `Expires: 0`, ends) subscription `id` and answers `request`.
    private mutating func refresh(_ id: SubscriptionID, request: SIPMessage, requested: UInt32?,
                                  now: SIPInstant, newVia: () -> Via) -> [NotifierAction] {
        guard var subscription = subscriptions[id], let package = packages[id.event] else { return [] }
        let granted = grantedExpires(requested, package: package)
        var response = SIPMessage.response(to: request, status: 200)
        response.headers.append(.expires, String(granted))
        response.headers.append(.contact, configuration.contact.description)
        var actions: [NotifierAction] = [.respond(response)]
        if granted == 0 {
            // §4.1.2.3: unsubscribing triggers a final NOTIFY.
            end(id, reason: .timeout, removal: .unsubscribed, now: now, via: newVia(), into: &actions)
            return actions
        }
        subscription.expiresAt = now + .seconds(Int64(granted))
        subscriptions[id] = subscription
        // §4.2.1.2: a refresh is confirmed by a NOTIFY with the current state, like creation.
        if subscription.notifyInFlight != nil {
            subscriptions[id]?.changedWhileInFlight = true
        } else {
            notify(id, now: now, via: newVia(), into: &actions)
        }
        return actions
    }

    // MARK: State changes and NOTIFY results (RFC 6665 §4.2.2)

    /// The state of `resource` in package `event` is now `body` (rendered by the package, e.g.
    /// `MessageSummary.rendered()`): it is kept for later subscriptions, and every
    /// subscription to the resource gets a NOTIFY (or, with one in flight, gets the latest
    /// state when that is answered). Calls for an unregistered package are ignored.
    public mutating func notifyChanged(event: String, resource: String, body: [UInt8], now: SIPInstant,
                                       newVia: () -> Via) -> [NotifierAction] {
        let key = ResourceKey(event: event.lowercased(), resource: resource)
        guard packages[key.event] != nil else { return [] }
        states[key] = body
        var actions: [NotifierAction] = []
        for id in (byResource[key] ?? []).sorted(by: { $0.description < $1.description }) {
            guard let subscription = subscriptions[id], subscription.expiresAt > now else { continue }
            if subscription.notifyInFlight != nil {
                subscriptions[id]?.changedWhileInFlight = true
            } else {
                notify(id, now: now, via: newVia(), into: &actions)
            }
        }
        return actions
    }

    /// Forgets the state supplied for `resource` (e.g. a mailbox was deleted); later NOTIFYs use
    /// the package's default body. Subscriptions stay; end them with `terminate`.
    public mutating func forgetState(event: String, resource: String) {
        states[ResourceKey(event: event.lowercased(), resource: resource)] = nil
    }

    /// A response to one of our NOTIFYs (match: the dialog and the CSeq in flight; anything
    /// else is stale and ignored). A 2xx clears the way for the next NOTIFY — sent now if the
    /// state changed meanwhile. Any final failure removes the subscription (RFC 6665 §4.2.2:
    /// a `481` MUST, other errors because the subscriber will re-subscribe once it recovers).
    public mutating func receiveNotifyResponse(_ response: SIPMessage, now: SIPInstant, newVia: () -> Via) -> [NotifierAction] {
        guard let status = response.statusCode, status >= 200, let cseq = try? response.cseq(), cseq.method == .notify,
              let dialogID = DialogID(incomingResponse: response), let id = byDialog[dialogID],
              let subscription = subscriptions[id], subscription.notifyInFlight == cseq.sequence
        else { return [] }
        guard (200...299).contains(status) else {
            remove(id)
            return [.removed(id, .notifyFailed(status: status))]
        }
        subscriptions[id]?.notifyInFlight = nil
        var actions: [NotifierAction] = []
        if subscription.changedWhileInFlight, subscription.expiresAt > now {
            notify(id, now: now, via: newVia(), into: &actions)
        }
        return actions
    }

    /// A NOTIFY of subscription `id` got no response (Timer F, RFC 3261 §17.1.2.2) or could not
    /// be sent: RFC 6665 §4.2.2 — "the notifier SHOULD remove the subscription".
    public mutating func notifyTimedOut(_ id: SubscriptionID) -> [NotifierAction] {
        guard subscriptions[id] != nil else { return [] }
        remove(id)
        return [.removed(id, .notifyFailed(status: 408))]
    }

    /// Ends subscription `id` from our side (the resource went away, shutdown): a final NOTIFY
    /// `terminated;reason=…` with the current state (RFC 6665 §4.2.2), then removal.
    public mutating func terminate(_ id: SubscriptionID, reason: SubscriptionEndReason, now: SIPInstant,
                                   newVia: () -> Via) -> [NotifierAction] {
        guard subscriptions[id] != nil else { return [] }
        var actions: [NotifierAction] = []
        end(id, reason: reason, removal: .terminated(reason), now: now, via: newVia(), into: &actions)
        return actions
    }

    // MARK: Time

    /// The earliest instant a subscription expires; call `timerFired(now:newVia:)` then.
    public var nextDeadline: SIPInstant? { subscriptions.values.lazy.map(\.expiresAt).min() }

    /// Expires every subscription due by `now`: each gets a final NOTIFY
    /// `terminated;reason=timeout` (RFC 6665 §4.2.2) and is removed.
    public mutating func timerFired(now: SIPInstant, newVia: () -> Via) -> [NotifierAction] {
        let due = subscriptions.values.filter { $0.expiresAt <= now }
            .sorted { ($0.expiresAt, $0.id.description) < ($1.expiresAt, $1.id.description) }
        var actions: [NotifierAction] = []
        for subscription in due {
            end(subscription.id, reason: .timeout, removal: .expired, now: now, via: newVia(), into: &actions)
        }
        return actions
    }

    // MARK: Helpers

    /// Sends subscription `id` a NOTIFY with the current state and `active;expires=<left>`.
    private mutating func notify(_ id: SubscriptionID, now: SIPInstant, via: Via, into actions: inout [NotifierAction]) {
        guard let subscription = subscriptions[id] else { return }
        send(id, state: .active(now: now, until: subscription.expiresAt), via: via, into: &actions)
    }

    /// Sends the final NOTIFY `terminated;reason=…` and removes the subscription.
    private mutating func end(_ id: SubscriptionID, reason: SubscriptionEndReason, removal: SubscriptionRemoval,
                              now: SIPInstant, via: Via, into actions: inout [NotifierAction]) {
        guard send(id, state: .terminated(reason: reason), via: via, into: &actions) else { return }
        remove(id)
        actions.append(.removed(id, removal))
    }

    /// Builds and records one NOTIFY; on failure removes the subscription. Returns whether sent.
    @discardableResult
    private mutating func send(_ id: SubscriptionID, state: SubscriptionStateValue, via: Via,
                               into actions: inout [NotifierAction]) -> Bool {
        guard var subscription = subscriptions[id], let package = packages[id.event] else { return false }
        let key = ResourceKey(event: id.event, resource: subscription.resource)
        let content = NotifyContent(event: subscription.event, state: state,
                                    body: states[key] ?? package.defaultBody(for: subscription.resource),
                                    contentType: package.contentType)
        do {
            let request = try content.request(in: &subscription.dialog, via: via)
            subscription.notifyInFlight = subscription.dialog.localSequence
            subscription.changedWhileInFlight = false
            subscriptions[id] = subscription
            actions.append(.sendNotify(id, request))
            return true
        } catch {
            remove(id)
            actions.append(.removed(id, .cannotNotify(error)))
            return false
        }
    }

    private mutating func insert(_ subscription: Subscription) {
        let id = subscription.id
        subscriptions[id] = subscription
        byDialog[id.dialog] = id
        byResource[ResourceKey(event: id.event, resource: subscription.resource), default: []].insert(id)
    }

    private mutating func remove(_ id: SubscriptionID) {
        guard let subscription = subscriptions.removeValue(forKey: id) else { return }
        byDialog[id.dialog] = nil
        let key = ResourceKey(event: id.event, resource: subscription.resource)
        byResource[key]?.remove(id)
        if byResource[key]?.isEmpty == true { byResource[key] = nil }
    }

    /// A response to `request` without further headers (RFC 3261 §8.2.6).
    private func answer(_ request: SIPMessage, _ status: Int, reason: String? = nil, localTag: String?) -> SIPMessage {
        SIPMessage.response(to: request, status: status, reason: reason, toTag: localTag)
    }

    /// The interval granted for a requested one (RFC 6665 §4.2.1.1: the notifier may shorten
    /// it): the request's, at most `maxExpires`; without one the package default, kept within
    /// `minExpires`…`maxExpires`. Zero stays zero (unsubscribe or fetch).
    private func grantedExpires(_ requested: UInt32?, package: any EventPackage) -> UInt32 {
        guard let requested else {
            return min(max(package.defaultExpires, configuration.minExpires), configuration.maxExpires)
        }
        return min(requested, configuration.maxExpires)
    }

    /// `423 Interval Too Brief` with Min-Expires (RFC 6665 §4.2.1.1, RFC 3261 §21.4.17).
    private func tooBrief(_ request: SIPMessage, localTag: String?) -> NotifierAction {
        var response = SIPMessage.response(to: request, status: 423, toTag: localTag)
        response.headers.append(.minExpires, String(configuration.minExpires))
        return .respond(response)
    }

    private static func headerName(of error: DialogError) -> String {
        if case .badHeader(let name) = error { return name }
        return "Request"
    }
}

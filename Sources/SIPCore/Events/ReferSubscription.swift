import SIPMessage
import SIPTransaction

/// What a REFER recipient's implicit subscription asks its integrator to do, in order.
public enum ReferSubscriptionAction: Equatable, Sendable {
    /// Send this NOTIFY (a non-INVITE client transaction) and report its final response
    /// with `receiveNotifyResponse`, or a timeout with `notifyTimedOut`.
    case sendNotify(DialogRequest)
    /// The implicit subscription is over; nothing more will be sent.
    case ended(ReferSubscriptionEnd)
}

/// How a REFER's implicit subscription ended.
public enum ReferSubscriptionEnd: Hashable, Sendable {
    /// The final status of the new request was reported (or, with `Refer-Sub: false`, would
    /// have been): RFC 3515 §2.4.7, `terminated;reason=noresource`.
    case reported(SipFragStatus)
    /// No final status came before the subscription expired: `terminated;reason=timeout` sent.
    case expired
    /// A NOTIFY failed with this status (`408` for a timeout, RFC 6665 §4.2.2).
    case notifyFailed(status: Int)
    /// The dialog is gone (the referrer hung up) or the Via had no branch: nothing sent.
    case cannotNotify(DialogError)
}

/// The REFER recipient's implicit subscription (RFC 3515 §2.4.4–§2.4.7): answer `202`, report
/// `SIP/2.0 100 Trying` at once, then the provisional and final statuses of the request made
/// to the Refer-To target as `message/sipfrag` NOTIFYs; the final one carries
/// `Subscription-State: terminated;reason=noresource`.
///
/// The dialog is not owned here: a REFER inside a call's INVITE dialog reports in that dialog,
/// a REFER outside any in the dialog its 202 created (`Dialog.uas(subscription:response:)`).
/// Each call takes the dialog `inout`. At most one NOTIFY is in flight: a provisional status
/// that comes meanwhile waits (only the latest is kept); a final one is sent at once.
/// Honouring `Refer-Sub: false` (RFC 4488 §4), no NOTIFY is sent at all.
public struct ReferSubscription: Hashable, Sendable {
    /// The REFER being carried out.
    public let refer: ReferRequest
    /// False when the referrer's `Refer-Sub: false` was honoured: no NOTIFYs (RFC 4488 §4).
    public let isSubscribed: Bool
    /// When the implicit subscription ends if no final status came (RFC 6665 §4.2.2 timeout).
    public private(set) var expiresAt: SIPInstant
    /// The last status sent in a NOTIFY.
    public private(set) var lastReported: SipFragStatus?
    /// A provisional status waiting for the NOTIFY in flight to be answered.
    public private(set) var waiting: SipFragStatus?
    /// The CSeq of the NOTIFY in flight.
    public private(set) var notifyInFlight: UInt32?
    /// Whether the subscription is over.
    public private(set) var isEnded = false

    /// - Parameters:
    ///   - duration: seconds the implicit subscription lasts without a final status.
    ///   - honourNoSubscription: whether a `Refer-Sub: false` REFER is run without reports.
    public init(refer: ReferRequest, now: SIPInstant, duration: UInt32 = 60, honourNoSubscription: Bool = true) {
        self.refer = refer
        self.isSubscribed = !(honourNoSubscription && refer.declinesSubscription)
        self.expiresAt = now + .seconds(Int64(max(duration, 1)))
    }

    /// `Event: refer;id=<CSeq of the REFER>` (RFC 3515 §2.4.6: the id tells the NOTIFYs of
    /// several REFERs in one dialog apart; it is always sent).
    public var event: EventValue {
        EventValue(package: "refer", parameters: [GenericParameter(name: "id", value: String(refer.sequence))])
    }

    /// The `202 Accepted` for the REFER (RFC 3515 §2.4.2), with `Refer-Sub: false` when no
    /// subscription is made (RFC 4488 §4). For a REFER outside a dialog pass our To tag and
    /// Contact (the 202 creates the dialog, RFC 3261 §12.1.1).
    public func acceptance(of request: SIPMessage, localTag: String? = nil, contact: NameAddress? = nil) -> SIPMessage {
        var response = SIPMessage.response(to: request, status: 202, toTag: localTag)
        if let contact { response.headers.append(.contact, contact.description) }
        if !isSubscribed { response.headers.append(ReferRequest.referSubHeader, "false") }
        return response
    }

    /// The first NOTIFY, `SIP/2.0 100 Trying`, sent right after the 202 (RFC 3515 §2.4.4).
    public mutating func start(in dialog: inout Dialog, now: SIPInstant, newVia: () -> Via) -> [ReferSubscriptionAction] {
        report(.trying, in: &dialog, now: now, newVia: newVia)
    }

    /// The request to the Refer-To target got `status` (RFC 3515 §2.4.5): a provisional one is
    /// reported `active;expires=N`, a final one `terminated;reason=noresource` and ends the
    /// subscription (§2.4.7).
    public mutating func report(_ status: SipFragStatus, in dialog: inout Dialog, now: SIPInstant,
                                newVia: () -> Via) -> [ReferSubscriptionAction] {
        guard !isEnded else { return [] }
        guard isSubscribed else {
            if status.isFinal { isEnded = true; return [.ended(.reported(status))] }
            return []
        }
        if !status.isFinal, notifyInFlight != nil {
            waiting = status
            return []
        }
        return send(status, in: &dialog, now: now, via: newVia())
    }

    /// A final response to one of our NOTIFYs (others, and stale ones, are ignored). A 2xx
    /// lets a waiting provisional status go out; a failure ends the subscription (RFC 6665 §4.2.2).
    public mutating func receiveNotifyResponse(_ response: SIPMessage, in dialog: inout Dialog, now: SIPInstant,
                                               newVia: () -> Via) -> [ReferSubscriptionAction] {
        guard let status = response.statusCode, status >= 200, let cseq = try? response.cseq(),
              cseq.method == .notify, cseq.sequence == notifyInFlight else { return [] }
        notifyInFlight = nil
        guard (200...299).contains(status) else {
            guard !isEnded else { return [] }
            isEnded = true
            return [.ended(.notifyFailed(status: status))]
        }
        guard !isEnded, let next = waiting else { return [] }
        return send(next, in: &dialog, now: now, via: newVia())
    }

    /// The NOTIFY in flight timed out (Timer F): the subscription ends (RFC 6665 §4.2.2).
    public mutating func notifyTimedOut() -> [ReferSubscriptionAction] {
        notifyInFlight = nil
        guard !isEnded else { return [] }
        isEnded = true
        return [.ended(.notifyFailed(status: 408))]
    }

    /// When to call `timerFired`: the expiry, while the subscription lasts.
    public var nextDeadline: SIPInstant? { isEnded ? nil : expiresAt }

    /// At expiry without a final status: NOTIFY `terminated;reason=timeout` with the last
    /// status reported (RFC 6665 §4.2.2), and the subscription ends.
    public mutating func timerFired(now: SIPInstant, in dialog: inout Dialog, newVia: () -> Via) -> [ReferSubscriptionAction] {
        guard !isEnded, now >= expiresAt else { return [] }
        guard isSubscribed else { isEnded = true; return [.ended(.expired)] }
        var actions = notify(lastReported ?? .trying, state: .terminated(reason: .timeout), in: &dialog, via: newVia())
        if !isEnded { isEnded = true; actions.append(.ended(.expired)) }
        return actions
    }

    /// Sends `status`: final → terminated;reason=noresource and the end; else active.
    private mutating func send(_ status: SipFragStatus, in dialog: inout Dialog, now: SIPInstant, via: Via) -> [ReferSubscriptionAction] {
        waiting = nil
        guard status.isFinal else {
            return notify(status, state: .active(now: now, until: expiresAt), in: &dialog, via: via)
        }
        var actions = notify(status, state: .terminated(reason: .noresource), in: &dialog, via: via)
        if !isEnded { isEnded = true; actions.append(.ended(.reported(status))) }
        return actions
    }

    /// Builds one NOTIFY with `status` as sipfrag body; ends the subscription when it cannot.
    private mutating func notify(_ status: SipFragStatus, state: SubscriptionStateValue, in dialog: inout Dialog,
                                 via: Via) -> [ReferSubscriptionAction] {
        let content = NotifyContent(event: event, state: state, body: status.rendered(), contentType: SipFragStatus.contentType)
        do {
            let request = try content.request(in: &dialog, via: via)
            notifyInFlight = dialog.localSequence
            lastReported = status
            return [.sendNotify(request)]
        } catch {
            isEnded = true
            return [.ended(.cannotNotify(error))]
        }
    }
}

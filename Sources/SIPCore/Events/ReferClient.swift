import SIPMessage
import SIPTransaction

/// How a REFER we sent is going, as `ReferClient` reports it.
public enum ReferProgress: Hashable, Sendable {
    /// A 2xx answered the REFER (RFC 3515 §2.4.2). `subscribed` is false when the recipient
    /// answered `Refer-Sub: false` (RFC 4488 §4): no reports follow, and this is the end.
    case accepted(subscribed: Bool)
    /// A provisional status of the recipient's new request (sipfrag `SIP/2.0 180 Ringing` …).
    case trying(SipFragStatus)
    /// The new request succeeded (a 2xx sipfrag, RFC 3515 §2.4.5): for a blind transfer, hang up.
    case succeeded(SipFragStatus)
    /// The REFER failed; see the reason.
    case failed(ReferFailure)
}

/// Why a REFER we sent failed.
public enum ReferFailure: Hashable, Sendable {
    /// The REFER itself was answered 3xx–6xx, or timed out (`408`).
    case rejected(status: Int)
    /// The recipient's new request failed with this final status (`SIP/2.0 486 Busy Here` …).
    case callFailed(SipFragStatus)
    /// The subscription ended (`Subscription-State: terminated`) before a final status came.
    case subscriptionEnded(reason: String?)
    /// No final status came within the client's timeout.
    case timedOut
}

/// What to answer a NOTIFY with, and what it said.
public struct ReferNotifyOutcome: Equatable, Sendable {
    /// `200`, or `481` (not our subscription, or it is over), or `400` (malformed).
    public var response: SIPMessage
    /// The progress it reported, if any.
    public var progress: ReferProgress?
}

/// The REFER issuer's side (RFC 3515 §2.4.1, §2.4.4–§2.4.7): builds a REFER in an existing
/// dialog (a blind transfer out of a flow) and follows its implicit subscription — the
/// response to the REFER, then the `message/sipfrag` NOTIFYs — to a final outcome.
///
/// The dialog is the call's and is not owned here; NOTIFYs reach `receiveNotify` after the
/// call's `DialogTable` accepted them (RFC 3261 §12.2.2 CSeq checks). One value per REFER.
public struct ReferClient: Hashable, Sendable {
    /// The CSeq number of our REFER once sent: the `id` its NOTIFYs carry (RFC 3515 §2.4.6).
    public private(set) var sequence: UInt32?
    /// The REFER was answered 2xx.
    public private(set) var isAccepted = false
    /// A final outcome was reported; later NOTIFYs get `481`.
    public private(set) var isFinished = false
    /// When to give up waiting for a final status (`timerFired`).
    public private(set) var deadline: SIPInstant?
    /// How long after sending the REFER a final status may take.
    public let timeout: Duration

    public init(timeout: Duration = .seconds(60)) {
        self.timeout = timeout
    }

    /// Builds the REFER in `dialog` (RFC 3515 §2.4.1): `Refer-To: <target>` (RFC 3515 §2.1;
    /// embedded headers such as `?Replaces=…` ride in the URI), `Referred-By` when given
    /// (RFC 3892), our Contact (RFC 3261 §12.2.1.1). Arms the timeout.
    public mutating func makeRefer(to target: NameAddress, referredBy: NameAddress? = nil, in dialog: inout Dialog,
                                   via: Via, now: SIPInstant) throws(DialogError) -> DialogRequest {
        var headers = [(HeaderName.referTo.canonicalName, target.description)]
        if let referredBy { headers.append((HeaderName.referredBy.canonicalName, referredBy.description)) }
        let request = try dialog.makeRequest(.refer, via: via, headers: headers)
        sequence = dialog.localSequence
        isAccepted = false
        isFinished = false
        deadline = now + timeout
        return request
    }

    /// A response to our REFER (others are ignored): 2xx → `.accepted`; 3xx–6xx →
    /// `.failed(.rejected)` (RFC 3515 §2.4.2: the recipient refused the reference).
    public mutating func receiveResponse(_ response: SIPMessage) -> ReferProgress? {
        guard !isFinished, !isAccepted, let status = response.statusCode, status >= 200,
              let cseq = try? response.cseq(), cseq.method == .refer, cseq.sequence == sequence else { return nil }
        if (200...299).contains(status) {
            isAccepted = true
            // RFC 4488 §4: `Refer-Sub: false` in the 2xx means no implicit subscription.
            let subscribed = response.headers.first(HeaderName(ReferRequest.referSubHeader))?.lowercased() != "false"
            if !subscribed { finish() }
            return .accepted(subscribed: subscribed)
        }
        finish()
        return .failed(.rejected(status: status))
    }

    /// The REFER got no response (Timer F): as a `408` (RFC 3261 §8.1.3.1).
    public mutating func requestTimedOut() -> ReferProgress? {
        guard !isFinished, !isAccepted, sequence != nil else { return nil }
        finish()
        return .failed(.rejected(status: 408))
    }

    /// A NOTIFY in the REFER's dialog (RFC 3515 §2.4.4, §2.4.5, §2.4.7; RFC 6665 §4.1.3):
    /// - not `Event: refer` with our `id` (or none), or after the final outcome → `481`;
    /// - no or bad Subscription-State, or a body that does not start with a status line → `400`;
    /// - otherwise `200`, and the sipfrag's status is the progress: 1xx `.trying`, 2xx
    ///   `.succeeded`, 3xx–6xx `.failed(.callFailed)`; `terminated` with no final status yet
    ///   is `.failed(.subscriptionEnded)`.
    /// A NOTIFY may come before the 2xx to the REFER (RFC 6665 §4.1.2.4); it is taken the same way.
    public mutating func receiveNotify(_ notify: SIPMessage) -> ReferNotifyOutcome {
        guard notify.method == .notify, let sequence, !isFinished,
              let event = try? notify.event(), event.package.lowercased() == "refer",
              event.id.map({ $0 == String(sequence) }) ?? true
        else { return ReferNotifyOutcome(response: DialogRejection.noDialog.response(to: notify), progress: nil) }
        guard let state = try? notify.subscriptionState() else {
            return ReferNotifyOutcome(response: .response(to: notify, status: 400, reason: "Bad Subscription-State"), progress: nil)
        }
        var status: SipFragStatus? = nil
        if !notify.body.isEmpty {
            guard let parsed = SipFragStatus(parsing: notify.body) else {
                return ReferNotifyOutcome(response: .response(to: notify, status: 400, reason: "Bad sipfrag"), progress: nil)
            }
            status = parsed
        }
        let ok = SIPMessage.response(to: notify, status: 200)
        let progress: ReferProgress?
        if let status, status.isFinal {
            finish()
            progress = (200...299).contains(status.status) ? .succeeded(status) : .failed(.callFailed(status))
        } else if state.isTerminated {
            finish()
            progress = .failed(.subscriptionEnded(reason: state.reason))
        } else {
            progress = status.map { .trying($0) }
        }
        return ReferNotifyOutcome(response: ok, progress: progress)
    }

    /// When to call `timerFired`, while waiting for the outcome.
    public var nextDeadline: SIPInstant? { isFinished ? nil : deadline }

    /// No final status by the deadline: `.failed(.timedOut)`. The integrator decides whether to
    /// keep the caller (the flow's fallback) or hang up.
    public mutating func timerFired(now: SIPInstant) -> ReferProgress? {
        guard !isFinished, let deadline, now >= deadline else { return nil }
        finish()
        return .failed(.timedOut)
    }

    private mutating func finish() {
        isFinished = true
        deadline = nil
    }
}

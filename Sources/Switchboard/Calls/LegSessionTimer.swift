import NIOCore
import SIPCore
import SIPMessage
import SIPTransaction
import SIPTransport

/// RFC 4028 session timers on a leg Switchboard placed (we were the UAC of its INVITE):
/// we ask for a timer in the INVITE; when the 2xx agrees, either we refresh with an
/// `UPDATE` at half the interval (§10, refresher `uac`), or the far end refreshes and a
/// refresh that does not come in time ends the leg with a BYE (§10: before the interval
/// minus min(32 s, interval/3)). A refresh the far end sends is answered with the new
/// agreement (§9). So a leg whose far end died does not stay up forever.
///
/// Confined to the SIP server's event loop; owned by the leg (`BridgedTransfer`).
final class LegSessionTimer: OutboundLegOwner {
    private var timer: SessionTimer
    private let dialogID: DialogID
    private let addressing: LocalAddressing
    private let fallback: SIPPeer
    private let policy: SessionTimerPolicy
    private unowned let router: CallRouter
    private let server: SIPServer
    private var scheduled: Scheduled<Void>?
    private var onExpired: (() -> Void)?

    /// The headers that ask for a timer in our INVITE (RFC 4028 §7.1), refresher left to the UAS.
    static func requestHeaders(_ policy: SessionTimerPolicy) -> [SIPHeader] {
        SessionTimerNegotiation.uacRequestHeaders(interval: policy.preferredInterval, minSE: policy.minimumInterval)
    }

    /// A timer for the dialog `answer` created, or nil when the 2xx agreed to none.
    init?(answer: SIPMessage, dialog: DialogID, addressing: LocalAddressing, fallback: SIPPeer, policy: SessionTimerPolicy,
          router: CallRouter, server: SIPServer, onExpired: @escaping () -> Void) {
        guard let agreement = try? SessionTimerNegotiation.uac(response: answer) else { return nil }
        self.timer = SessionTimer(agreement, weWereUAC: true, now: router.now())
        self.dialogID = dialog
        self.addressing = addressing
        self.fallback = fallback
        self.policy = policy
        self.router = router
        self.server = server
        self.onExpired = onExpired
        schedule()
    }

    /// The leg ended: no more refreshes.
    func stop() {
        timer.stop()
        scheduled?.cancel()
        scheduled = nil
        onExpired = nil
    }

    /// The far end refreshed (its re-INVITE or UPDATE, §10): the headers for our 2xx (§9).
    func peerRefreshed(_ request: SIPMessage) -> [SIPHeader] {
        guard case .accept(let agreement, let headers)? = try? SessionTimerNegotiation.uas(
            request: request, policy: policy, insertWhenAbsent: false) else { return [] }
        timer.refreshed(agreement, weWereUAC: false, now: router.now())
        schedule()
        return headers
    }

    // MARK: Our refreshes

    private func fire() {
        scheduled = nil
        switch timer.fire(now: router.now()) {
        case .refresh?:
            sendRefresh()
        case .sendBye?:
            expire()
            return
        case nil:
            break
        }
        schedule()
    }

    /// An UPDATE without a body refreshes the session (§10 recommends UPDATE: no new offer).
    private func sendRefresh() {
        let via = addressing.via(branch: server.newBranch())
        let expires = SessionExpires(interval: timer.agreement.interval, refresher: .uac)
        guard let request = try? router.dialogs[dialogID]?.makeRequest(
            .update, via: via, headers: [("Session-Expires", expires.description), ("Supported", "timer")]) else {
            timer.refreshFailed()
            return
        }
        let id = server.sendRequest(request.message, to: router.destination(towards: request.nextHop, fallback: fallback))
        router.track(id, leg: 0, method: .update, for: self)
    }

    func received(response: SIPMessage) {
        guard let status = response.statusCode, status >= 200 else { return }
        if (200...299).contains(status) {
            let agreement = (try? SessionTimerNegotiation.uac(response: response)) ?? timer.agreement
            timer.refreshed(agreement, weWereUAC: true, now: router.now())
        } else if status == 481 || status == 408 {
            // §12.2.1.2: the dialog is gone.
            return expire()
        } else {
            timer.refreshFailed()  // §10: keep the session until it expires
        }
        schedule()
    }

    func failed(leg: Int, method: SIPMethod, timedOut: Bool) {
        expire()
    }

    private func expire() {
        let expired = onExpired
        stop()
        expired?()
    }

    private func schedule() {
        scheduled?.cancel()
        scheduled = nil
        guard let deadline = timer.deadline else { return }
        let bound = NIOLoopBound(self, eventLoop: server.eventLoop)
        scheduled = server.eventLoop.scheduleTask(deadline: NIODeadline(deadline)) {
            bound.value.fire()
        }
    }
}

import Flows
import Logging
import NIOCore
import SIPCore
import SIPMessage
import SIPTransaction
import SIPTransport

/// A blind transfer out of a flow (RFC 3515, RFC 5589 §6): Switchboard sends REFER in the
/// caller's dialog naming the target; the caller's phone calls it and reports through
/// `message/sipfrag` NOTIFYs. Success ends Switchboard's leg (we send BYE, as the
/// transferor does); a refused REFER or a failed new call leaves the caller with the flow.
///
/// Confined to the SIP server's event loop; owned by the caller's `InboundCall`.
final class BlindTransfer: OutboundLegOwner {
    private unowned let router: CallRouter
    private let server: SIPServer
    private let dialogID: DialogID
    private let addressing: LocalAddressing
    private let peer: SIPPeer
    private var client = ReferClient(timeout: .seconds(60))
    private var timer: Scheduled<Void>?
    private var completion: ((TransferResult) -> Void)?
    private let logger: Logger

    init(dialogID: DialogID, addressing: LocalAddressing, peer: SIPPeer, router: CallRouter, server: SIPServer,
         logger: Logger, completion: @escaping (TransferResult) -> Void) {
        self.dialogID = dialogID
        self.addressing = addressing
        self.peer = peer
        self.router = router
        self.server = server
        self.logger = logger
        self.completion = completion
    }

    /// Sends the REFER naming `target` (RFC 3515 §2.4.1).
    func start(target: URI) {
        guard var dialog = router.dialogs[dialogID] else { return finish(.failed) }
        let via = addressing.via(branch: server.newBranch())
        let referredBy = try? URI("sip:switchboard@\(addressing.uriHost):\(addressing.port)")
        guard let request = try? client.makeRefer(to: NameAddress(uri: target), referredBy: referredBy.map { NameAddress(uri: $0) },
                                                  in: &dialog, via: via, now: router.now()) else { return finish(.failed) }
        router.dialogs[dialogID] = dialog
        let id = server.sendRequest(request.message, to: router.destination(towards: request.nextHop, fallback: peer))
        router.track(id, leg: 0, method: .refer, for: self)
        logger.info("blind transfer: REFER to \(target)")
        scheduleTimer()
    }

    // MARK: Events

    func received(response: SIPMessage) {
        handle(client.receiveResponse(response))
    }

    func failed(leg: Int, method: SIPMethod, timedOut: Bool) {
        handle(client.requestTimedOut())
    }

    /// A NOTIFY in the caller's dialog: the transfer's progress (RFC 3515 §2.4.4).
    func receivedNotify(_ notify: SIPMessage, transaction: ServerTransactionID) {
        let outcome = client.receiveNotify(notify)
        server.respond(outcome.response, to: transaction)
        handle(outcome.progress)
    }

    private func handle(_ progress: ReferProgress?) {
        switch progress {
        case .accepted(let subscribed)?:
            // RFC 4488: without a subscription no report follows; take acceptance as success.
            if !subscribed { finish(.answered) }
        case .trying?, nil:
            break
        case .succeeded?:
            finish(.answered)
        case .failed(let failure)?:
            logger.info("blind transfer failed: \(failure)")
            finish(Self.result(of: failure))
        }
        scheduleTimer()
    }

    /// A failed REFER in flow terms: busy for 486/600, no answer for 408/480/487 or a
    /// timeout, failed otherwise.
    static func result(of failure: ReferFailure) -> TransferResult {
        switch failure {
        case .callFailed(let status):
            switch status.status {
            case 486, 600: return .busy
            case 408, 480, 487: return .noAnswer
            default: return .failed
            }
        case .timedOut: return .noAnswer
        case .rejected, .subscriptionEnded: return .failed
        }
    }

    /// The caller hung up, or there is no target: nothing more to wait for.
    func abandon() {
        finish(.failed)
    }

    private func finish(_ result: TransferResult) {
        timer?.cancel()
        timer = nil
        completion?(result)
        completion = nil
    }

    private func scheduleTimer() {
        timer?.cancel()
        timer = nil
        guard completion != nil, let deadline = client.nextDeadline else { return }
        timer = server.eventLoop.scheduleTask(deadline: NIODeadline(deadline)) { [weak self] in
            guard let self else { return }
            self.timer = nil
            self.handle(self.client.timerFired(now: self.router.now()))
        }
    }
}

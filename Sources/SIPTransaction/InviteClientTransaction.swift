import SIPMessage

/// The INVITE client transaction: RFC 3261 §17.1.1, Figure 5, as corrected by RFC 6026
/// §7.2 and §8.4 (a 2xx leads to Accepted, where further 2xx go to the TU until Timer M).
///
/// ```
/// Calling    --Timer A / reset A, INVITE sent------------> Calling      (UDP only)
/// Calling    --Timer B or transport error / inform TU----> Terminated
/// Calling    --1xx / 1xx to TU---------------------------> Proceeding
/// Calling    --2xx / 2xx to TU---------------------------> Accepted     (RFC 6026)
/// Calling    --300-699 / ACK sent, response to TU--------> Completed
/// Proceeding --1xx / 1xx to TU---------------------------> Proceeding
/// Proceeding --2xx / 2xx to TU---------------------------> Accepted     (RFC 6026)
/// Proceeding --300-699 / ACK sent, response to TU--------> Completed
/// Completed  --300-699 / ACK sent------------------------> Completed
/// Completed  --transport error / inform TU---------------> Terminated
/// Completed  --Timer D / ------------------------------> Terminated   (D = 0 on TCP/TLS)
/// Accepted   --2xx / 2xx to TU---------------------------> Accepted     (RFC 6026)
/// Accepted   --Timer M / -------------------------------> Terminated   (RFC 6026)
/// ```
/// One addition: after the TU cancels the INVITE, `cancelGuard` (64·T1) ends a transaction
/// still in Proceeding with a timeout (RFC 3261 §9.1).
struct InviteClientTransaction: TransactionStateMachine {
    enum State: Equatable, Sendable {
        case calling, proceeding, completed, accepted, terminated
    }

    enum Event {
        /// The TU handed the INVITE to the transaction.
        case start
        /// A response matched the transaction (RFC 3261 §17.1.3).
        case response(SIPMessage)
        case timer(TransactionTimer)
        case transportError
    }

    private(set) var state: State = .calling
    let request: SIPMessage
    let reliable: Bool
    let shared: SharedTimerValues
    /// The current Timer A interval (T1, doubling).
    private(set) var timerAInterval: Duration
    /// The ACK for the non-2xx final response, built once and retransmitted (§17.1.1.3).
    private(set) var ack: SIPMessage?

    init(request: SIPMessage, reliable: Bool, timers: SharedTimerValues) {
        self.request = request
        self.reliable = reliable
        self.shared = timers
        self.timerAInterval = timers.values.timerA
    }

    mutating func handle(_ event: Event) -> TransactionActions {
        var actions = TransactionActions()
        switch (state, event) {
        case (.calling, .start):
            // RFC 3261 §17.1.1.2: send the INVITE; Timer A only on unreliable transports; Timer B always.
            actions.append(.sendRequest)
            if !reliable { actions.append(.startTimer(.a, timerAInterval)) }
            actions.append(.startTimer(.b, timers.timerB))

        case (.calling, .timer(.a)):
            // RFC 3261 §17.1.1.2: retransmit and double Timer A (no cap).
            timerAInterval = timerAInterval * 2
            actions.append(.sendRequest)
            actions.append(.startTimer(.a, timerAInterval))

        case (.calling, .timer(.b)):
            // RFC 3261 §17.1.1.2: inform the TU of the timeout; no ACK.
            state = .terminated
            actions.append(.timeout)
            actions.append(.terminate)

        case (.calling, .transportError), (.completed, .transportError):
            // RFC 3261 §17.1.4, Figure 5.
            state = .terminated
            actions.append(.transportError)
            actions.append(.terminate)

        case (.calling, .response(let response)), (.proceeding, .response(let response)):
            let status = response.statusCode ?? 0
            if status < 200 {
                // RFC 3261 §17.1.1.2: provisional responses go to the TU.
                state = .proceeding
                actions.append(.passToTU)
            } else if status < 300 {
                // RFC 6026 §8.4: a 2xx goes to the TU and the transaction waits in Accepted.
                state = .accepted
                actions.append(.passToTU)
                actions.append(.startTimer(.m, timers.timerM))
            } else {
                // RFC 3261 §17.1.1.2: build and send the ACK, pass the response up, Completed.
                ack = SIPMessage.ackForNon2xx(request: request, response: response)
                actions.append(.sendAck)
                actions.append(.passToTU)
                enterCompleted(&actions)
            }

        case (.proceeding, .timer(.cancelGuard)):
            // RFC 3261 §9.1: no final response 64·T1 after the CANCEL: consider it cancelled.
            state = .terminated
            actions.append(.timeout)
            actions.append(.terminate)

        case (.completed, .response(let response)):
            // RFC 3261 §17.1.1.2: a retransmitted final response is answered with the ACK again,
            // and not passed up.
            if let status = response.statusCode, status >= 300 { actions.append(.sendAck) }

        case (.completed, .timer(.d)):
            state = .terminated
            actions.append(.terminate)

        case (.accepted, .response(let response)):
            // RFC 6026 §8.4: every 2xx in Accepted goes to the TU (retransmissions, forks).
            if let status = response.statusCode, (200..<300).contains(status) { actions.append(.passToTU) }

        case (.accepted, .timer(.m)):
            // RFC 6026 §8.4.
            state = .terminated
            actions.append(.terminate)

        default:
            // Anything else is absorbed: a timer of a state left behind, a 1xx after a final
            // response, a transport error where nothing is sent (Proceeding, Accepted).
            break
        }
        return actions
    }

    /// RFC 3261 §17.1.1.2: Timer D, zero on reliable transports (then Terminated at once).
    private mutating func enterCompleted(_ actions: inout TransactionActions) {
        let d = timers.timerD(reliable: reliable)
        if d <= .zero {
            state = .terminated
            actions.append(.terminate)
        } else {
            state = .completed
            actions.append(.startTimer(.d, d))
        }
    }

    var liveTimers: TimerSet {
        switch state {
        case .calling: return [.a, .b]
        case .proceeding: return .cancelGuard
        case .completed: return .d
        case .accepted: return .m
        case .terminated: return []
        }
    }

    static func timerEvent(_ timer: TransactionTimer) -> Event { .timer(timer) }
    static var transportErrorEvent: Event { .transportError }

    func message(for action: TransactionAction) -> SIPMessage? {
        switch action {
        case .sendRequest: return request
        case .sendAck: return ack
        default: return nil
        }
    }
}

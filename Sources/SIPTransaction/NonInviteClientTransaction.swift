import SIPMessage

/// The non-INVITE client transaction: RFC 3261 §17.1.2, Figure 6.
///
/// ```
/// Trying     --Timer E / send request, E = min(2E, T2)---> Trying       (UDP only)
/// Trying     --Timer F or transport error / inform TU----> Terminated
/// Trying     --1xx / response to TU----------------------> Proceeding
/// Trying     --200-699 / response to TU------------------> Completed
/// Proceeding --Timer E / send request, E = T2------------> Proceeding   (UDP only)
/// Proceeding --1xx / response to TU----------------------> Proceeding
/// Proceeding --Timer F or transport error / inform TU----> Terminated
/// Proceeding --200-699 / response to TU------------------> Completed
/// Completed  --response / -------------------------------> Completed    (absorbed)
/// Completed  --Timer K / --------------------------------> Terminated   (K = 0 on TCP/TLS)
/// ```
struct NonInviteClientTransaction: TransactionStateMachine {
    enum State: Equatable, Sendable {
        case trying, proceeding, completed, terminated
    }

    enum Event {
        case start
        case response(SIPMessage)
        case timer(TransactionTimer)
        case transportError
    }

    private(set) var state: State = .trying
    let request: SIPMessage
    let reliable: Bool
    let shared: SharedTimerValues
    /// The current Timer E interval.
    private(set) var timerEInterval: Duration

    init(request: SIPMessage, reliable: Bool, timers: SharedTimerValues) {
        self.request = request
        self.reliable = reliable
        self.shared = timers
        self.timerEInterval = timers.values.timerE
    }

    mutating func handle(_ event: Event) -> TransactionActions {
        var actions = TransactionActions()
        switch (state, event) {
        case (.trying, .start):
            // RFC 3261 §17.1.2.2: send; Timer E on unreliable transports; Timer F always.
            actions.append(.sendRequest)
            if !reliable { actions.append(.startTimer(.e, timerEInterval)) }
            actions.append(.startTimer(.f, timers.timerF))

        case (.trying, .timer(.e)):
            // RFC 3261 §17.1.2.2: retransmit, E = min(2E, T2).
            timerEInterval = timers.doubled(timerEInterval, capped: true)
            actions.append(.sendRequest)
            actions.append(.startTimer(.e, timerEInterval))

        case (.proceeding, .timer(.e)):
            // RFC 3261 §17.1.2.2: in Proceeding, retransmit every T2.
            timerEInterval = max(timers.t2, TransactionTimerValues.minimumInterval)
            actions.append(.sendRequest)
            actions.append(.startTimer(.e, timerEInterval))

        case (.trying, .timer(.f)), (.proceeding, .timer(.f)):
            state = .terminated
            actions.append(.timeout)
            actions.append(.terminate)

        case (.trying, .transportError), (.proceeding, .transportError):
            // RFC 3261 §17.1.4.
            state = .terminated
            actions.append(.transportError)
            actions.append(.terminate)

        case (.trying, .response(let response)), (.proceeding, .response(let response)):
            let status = response.statusCode ?? 0
            actions.append(.passToTU)
            if status < 200 {
                state = .proceeding
            } else {
                // RFC 3261 §17.1.2.2: Completed, Timer K (zero on reliable transports).
                let k = timers.timerK(reliable: reliable)
                if k <= .zero {
                    state = .terminated
                    actions.append(.terminate)
                } else {
                    state = .completed
                    actions.append(.startTimer(.k, k))
                }
            }

        case (.completed, .timer(.k)):
            state = .terminated
            actions.append(.terminate)

        default:
            // Completed absorbs response retransmissions; stale timers are ignored.
            break
        }
        return actions
    }

    var liveTimers: TimerSet {
        switch state {
        case .trying, .proceeding: return [.e, .f]
        case .completed: return .k
        case .terminated: return []
        }
    }

    static func timerEvent(_ timer: TransactionTimer) -> Event { .timer(timer) }
    static var transportErrorEvent: Event { .transportError }

    func message(for action: TransactionAction) -> SIPMessage? {
        action == .sendRequest ? request : nil
    }
}

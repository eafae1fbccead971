import SIPMessage

/// The non-INVITE server transaction: RFC 3261 §17.2.2, Figure 8.
///
/// ```
/// (start)    --request / pass to TU-------------------------> Trying
/// Trying     --request / -----------------------------------> Trying      (absorbed)
/// Trying     --1xx from TU / send response------------------> Proceeding
/// Trying     --200-699 from TU / send response--------------> Completed   (J = 0 on TCP/TLS)
/// Proceeding --request / send response----------------------> Proceeding
/// Proceeding --1xx from TU / send response------------------> Proceeding
/// Proceeding --200-699 from TU / send response--------------> Completed
/// Proceeding --transport error / inform TU------------------> Terminated
/// Completed  --request / send response----------------------> Completed
/// Completed  --transport error / inform TU------------------> Terminated
/// Completed  --Timer J / -----------------------------------> Terminated
/// ```
struct NonInviteServerTransaction: TransactionStateMachine {
    enum State: Equatable, Sendable {
        case trying, proceeding, completed, terminated
    }

    enum Event {
        case start
        case retransmission
        case tuResponse(SIPMessage)
        case timer(TransactionTimer)
        case transportError
    }

    private(set) var state: State = .trying
    /// The request, until the final response is sent: then only its method is kept, so a
    /// transaction waiting out Timer J holds one message, not two.
    private(set) var request: SIPMessage?
    let method: SIPMethod
    let reliable: Bool
    let shared: SharedTimerValues
    private(set) var lastResponse: SIPMessage?

    init(request: SIPMessage, reliable: Bool, timers: SharedTimerValues) {
        self.request = request
        self.method = request.method ?? .other("")
        self.reliable = reliable
        self.shared = timers
    }

    mutating func handle(_ event: Event) -> TransactionActions {
        var actions = TransactionActions()
        switch (state, event) {
        case (.trying, .start):
            actions.append(.passToTU)

        case (.proceeding, .retransmission), (.completed, .retransmission):
            // RFC 3261 §17.2.2: retransmissions get the most recent response again.
            actions.append(.sendResponse)

        case (.trying, .tuResponse(let response)), (.proceeding, .tuResponse(let response)):
            guard let status = response.statusCode else { break }
            lastResponse = response
            actions.append(.sendResponse)
            if status < 200 {
                state = .proceeding
            } else {
                // RFC 3261 §17.2.2: Completed, Timer J (zero on reliable transports).
                request = nil
                let j = timers.timerJ(reliable: reliable)
                if j <= .zero {
                    state = .terminated
                    actions.append(.terminate)
                } else {
                    state = .completed
                    actions.append(.startTimer(.j, j))
                }
            }

        case (.proceeding, .transportError), (.completed, .transportError):
            // RFC 3261 §17.2.4, Figure 8.
            state = .terminated
            actions.append(.transportError)
            actions.append(.terminate)

        case (.completed, .timer(.j)):
            state = .terminated
            actions.append(.terminate)

        default:
            // Absorbed: retransmissions in Trying (§17.2.2), responses from the TU after the
            // final one, stale timers.
            break
        }
        return actions
    }

    var toTag: String? { lastResponse.flatMap { (try? $0.to())?.tag } }

    var liveTimers: TimerSet { state == .completed ? .j : [] }

    static func timerEvent(_ timer: TransactionTimer) -> Event { .timer(timer) }
    static var transportErrorEvent: Event { .transportError }

    func message(for action: TransactionAction) -> SIPMessage? {
        action == .sendResponse ? lastResponse : nil
    }
}

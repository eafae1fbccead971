import SIPMessage

/// The INVITE server transaction: RFC 3261 §17.2.1, Figure 7, as corrected by RFC 6026 §7.1
/// and §8.7 (a 2xx from the TU leads to Accepted, which absorbs INVITE retransmissions,
/// sends the TU's 2xx retransmissions and passes ACKs up until Timer L).
///
/// ```
/// (start)    --INVITE / pass to TU, start `trying`---------> Proceeding
/// Proceeding --`trying` fires, TU silent / send 100--------> Proceeding
/// Proceeding --INVITE / send last provisional---------------> Proceeding
/// Proceeding --101-199 from TU / send response--------------> Proceeding
/// Proceeding --transport error / inform TU------------------> Proceeding  (RFC 6026 Fig. 7)
/// Proceeding --2xx from TU / send response-------------------> Accepted    (RFC 6026)
/// Proceeding --300-699 from TU / send response, G, H---------> Completed
/// Completed  --INVITE / send response------------------------> Completed
/// Completed  --Timer G / send response, G = min(2G, T2)------> Completed   (UDP only)
/// Completed  --ACK / ----------------------------------------> Confirmed   (I = 0 on TCP/TLS)
/// Completed  --Timer H / inform TU---------------------------> Terminated
/// Completed  --transport error / inform TU-------------------> Terminated
/// Confirmed  --ACK, INVITE / --------------------------------> Confirmed   (absorbed)
/// Confirmed  --Timer I / ------------------------------------> Terminated
/// Accepted   --INVITE / ----------------------------------------> Accepted (absorbed)
/// Accepted   --ACK / pass to TU-----------------------------> Accepted
/// Accepted   --2xx from TU / send response------------------> Accepted
/// Accepted   --transport error / inform TU------------------> Accepted
/// Accepted   --Timer L / -----------------------------------> Terminated
/// ```
struct InviteServerTransaction: TransactionStateMachine {
    enum State: Equatable, Sendable {
        case proceeding, completed, confirmed, accepted, terminated
    }

    enum Event {
        /// The INVITE that created the transaction.
        case start
        /// A retransmission of the INVITE (RFC 3261 §17.2.3).
        case retransmission
        /// An ACK matching the transaction.
        case ack
        /// A response from the TU.
        case tuResponse(SIPMessage)
        case timer(TransactionTimer)
        case transportError
    }

    private(set) var state: State = .proceeding
    /// The INVITE, while in Proceeding (for the 100 Trying and a CANCEL's 487); released
    /// with the final response, so a transaction waiting out G/H, I or L holds one message.
    private(set) var request: SIPMessage?
    let reliable: Bool
    let shared: SharedTimerValues
    /// The most recent response sent: what retransmissions of the INVITE get.
    private(set) var lastResponse: SIPMessage?
    /// The current Timer G interval.
    private(set) var timerGInterval: Duration

    init(request: SIPMessage, reliable: Bool, timers: SharedTimerValues) {
        self.request = request
        self.reliable = reliable
        self.shared = timers
        self.timerGInterval = timers.values.timerG
    }

    mutating func handle(_ event: Event) -> TransactionActions {
        var actions = TransactionActions()
        switch (state, event) {
        case (.proceeding, .start):
            // RFC 3261 §17.2.1: pass the INVITE up; send 100 Trying unless the TU answers first.
            actions.append(.passToTU)
            if timers.tryingDelay <= .zero {
                sendTrying(&actions)
            } else {
                actions.append(.startTimer(.trying, timers.tryingDelay))
            }

        case (.proceeding, .timer(.trying)):
            if lastResponse == nil { sendTrying(&actions) }

        case (.proceeding, .retransmission):
            // RFC 3261 §17.2.1: resend the most recent provisional response. None yet (inside
            // the 100 Trying delay): the retransmission shows the client waits, so send 100 now.
            if lastResponse == nil { sendTrying(&actions) } else { actions.append(.sendResponse) }

        case (.proceeding, .tuResponse(let response)):
            guard let status = response.statusCode else { break }
            lastResponse = response
            actions.append(.sendResponse)
            if status < 200 {
                break
            }
            request = nil
            if status < 300 {
                // RFC 6026 §8.5, §8.7: Accepted, Timer L on every transport.
                state = .accepted
                actions.append(.startTimer(.l, timers.timerL))
            } else {
                // RFC 3261 §17.2.1: Completed; Timer G on unreliable transports, Timer H always.
                state = .completed
                if !reliable { actions.append(.startTimer(.g, timerGInterval)) }
                actions.append(.startTimer(.h, timers.timerH))
            }

        case (.proceeding, .transportError), (.accepted, .transportError):
            // RFC 6026 Figure 7: inform the TU; the transaction stays.
            actions.append(.transportError)

        case (.completed, .retransmission):
            actions.append(.sendResponse)

        case (.completed, .timer(.g)):
            // RFC 3261 §17.2.1: retransmit, G = min(2G, T2).
            timerGInterval = timers.doubled(timerGInterval, capped: true)
            actions.append(.sendResponse)
            actions.append(.startTimer(.g, timerGInterval))

        case (.completed, .ack):
            // RFC 3261 §17.2.1: Confirmed; Timer I (zero on reliable transports).
            let i = timers.timerI(reliable: reliable)
            if i <= .zero {
                state = .terminated
                actions.append(.terminate)
            } else {
                state = .confirmed
                actions.append(.startTimer(.i, i))
            }

        case (.completed, .timer(.h)):
            // RFC 3261 §17.2.1: the ACK never came; tell the TU of the failure.
            state = .terminated
            actions.append(.timeout)
            actions.append(.terminate)

        case (.completed, .transportError):
            state = .terminated
            actions.append(.transportError)
            actions.append(.terminate)

        case (.confirmed, .timer(.i)):
            state = .terminated
            actions.append(.terminate)

        case (.accepted, .ack):
            // RFC 6026 §8.7, Figure 7: an ACK in Accepted goes to the TU.
            actions.append(.passToTU)

        case (.accepted, .tuResponse(let response)):
            // RFC 6026 §8.7: 2xx retransmissions from the TU are sent; nothing else is.
            if let status = response.statusCode, (200..<300).contains(status) {
                lastResponse = response
                actions.append(.sendResponse)
            }

        case (.accepted, .timer(.l)):
            state = .terminated
            actions.append(.terminate)

        default:
            // Absorbed: INVITE retransmissions in Accepted and Confirmed (RFC 6026 §8.7,
            // RFC 3261 §17.2.1), ACKs in Confirmed, responses from the TU after a final one,
            // an ACK before any final response, timers of states left behind.
            break
        }
        return actions
    }

    /// §17.2.1: the transaction's own 100 Trying (§8.2.6.1: no To tag, Timestamp copied).
    private mutating func sendTrying(_ actions: inout TransactionActions) {
        guard let request else { return }
        lastResponse = SIPMessage.response(to: request, status: 100)
        actions.append(.sendResponse)
    }

    /// The To tag of the most recent response (what a CANCEL's 200 and the 487 reuse, §9.2).
    var responseToTag: String? {
        guard let lastResponse, lastResponse.statusCode != 100 else { return nil }
        return (try? lastResponse.to())?.tag
    }

    var liveTimers: TimerSet {
        switch state {
        case .proceeding: return lastResponse == nil ? .trying : []
        case .completed: return [.g, .h]
        case .confirmed: return .i
        case .accepted: return .l
        case .terminated: return []
        }
    }

    static func timerEvent(_ timer: TransactionTimer) -> Event { .timer(timer) }
    static var transportErrorEvent: Event { .transportError }

    func message(for action: TransactionAction) -> SIPMessage? {
        action == .sendResponse ? lastResponse : nil
    }
}

import SIPMessage

/// The timers of RFC 3261 §17 and RFC 6026, plus the two this layer adds: `trying` (send
/// `100 Trying` if the TU has not answered an INVITE within `tryingDelay`, §17.2.1) and
/// `cancelGuard` (give up on an INVITE 64·T1 after cancelling it, §9.1).
enum TransactionTimer: UInt8, Sendable, CaseIterable {
    case a, b, d, e, f, g, h, i, j, k, l, m, trying, cancelGuard

    var bit: UInt16 { 1 << UInt16(rawValue) }
}

/// A set of timers: which ones a state runs.
struct TimerSet: OptionSet, Sendable {
    let rawValue: UInt16

    static let a = TimerSet(rawValue: TransactionTimer.a.bit)
    static let b = TimerSet(rawValue: TransactionTimer.b.bit)
    static let d = TimerSet(rawValue: TransactionTimer.d.bit)
    static let e = TimerSet(rawValue: TransactionTimer.e.bit)
    static let f = TimerSet(rawValue: TransactionTimer.f.bit)
    static let g = TimerSet(rawValue: TransactionTimer.g.bit)
    static let h = TimerSet(rawValue: TransactionTimer.h.bit)
    static let i = TimerSet(rawValue: TransactionTimer.i.bit)
    static let j = TimerSet(rawValue: TransactionTimer.j.bit)
    static let k = TimerSet(rawValue: TransactionTimer.k.bit)
    static let l = TimerSet(rawValue: TransactionTimer.l.bit)
    static let m = TimerSet(rawValue: TransactionTimer.m.bit)
    static let trying = TimerSet(rawValue: TransactionTimer.trying.bit)
    static let cancelGuard = TimerSet(rawValue: TransactionTimer.cancelGuard.bit)

    func contains(_ timer: TransactionTimer) -> Bool { rawValue & timer.bit != 0 }
}

/// One thing a state machine asks for. Sends name the message the machine holds (its
/// request, its ACK, its last response); `passToTU` refers to the message of the event.
enum TransactionAction: Equatable, Sendable {
    /// (Re)transmit the transaction's request.
    case sendRequest
    /// (Re)transmit the ACK the INVITE client transaction built for a non-2xx response.
    case sendAck
    /// (Re)transmit the server transaction's most recent response.
    case sendResponse
    /// Pass the message of the event to the TU.
    case passToTU
    /// Start (or restart) a timer.
    case startTimer(TransactionTimer, Duration)
    /// Tell the TU the transaction timed out.
    case timeout
    /// Tell the TU a send failed.
    case transportError
    /// The machine is in Terminated: destroy the transaction now (RFC 3261 §17.1.1.2).
    case terminate
}

/// The actions of one event, in order, held inline (no allocation): no transition of
/// RFC 3261 §17 asks for more than four.
struct TransactionActions: Sequence, Equatable, Sendable {
    private var storage: (TransactionAction?, TransactionAction?, TransactionAction?,
                          TransactionAction?, TransactionAction?, TransactionAction?) = (nil, nil, nil, nil, nil, nil)
    private(set) var count = 0

    init() {}

    init(_ actions: [TransactionAction]) {
        for action in actions { append(action) }
    }

    /// Appends an action; beyond six (no transition needs as many) further ones are dropped.
    mutating func append(_ action: TransactionAction) {
        switch count {
        case 0: storage.0 = action
        case 1: storage.1 = action
        case 2: storage.2 = action
        case 3: storage.3 = action
        case 4: storage.4 = action
        case 5: storage.5 = action
        default: return
        }
        count += 1
    }

    subscript(_ index: Int) -> TransactionAction? {
        switch index {
        case 0: return storage.0
        case 1: return storage.1
        case 2: return storage.2
        case 3: return storage.3
        case 4: return storage.4
        case 5: return storage.5
        default: return nil
        }
    }

    var isEmpty: Bool { count == 0 }

    /// The actions as an array (for tests and logs).
    var array: [TransactionAction] { Array(self) }

    /// Whether the machine asked to be destroyed.
    var terminates: Bool { contains(.terminate) }

    struct Iterator: IteratorProtocol {
        let actions: TransactionActions
        var index = 0

        mutating func next() -> TransactionAction? {
            guard index < actions.count else { return nil }
            defer { index += 1 }
            return actions[index]
        }
    }

    func makeIterator() -> Iterator { Iterator(actions: self) }

    static func == (lhs: TransactionActions, rhs: TransactionActions) -> Bool { lhs.array == rhs.array }
}

/// What the layer needs of each of the four state machines.
protocol TransactionStateMachine {
    associatedtype Event
    /// Runs one event through the machine (one arrow of its figure).
    mutating func handle(_ event: Event) -> TransactionActions
    /// The timers the current state runs; the layer forgets any other armed timer.
    var liveTimers: TimerSet { get }
    /// The event a timer firing is.
    static func timerEvent(_ timer: TransactionTimer) -> Event
    /// The event of a failed send.
    static var transportErrorEvent: Event { get }
    /// The message a send action refers to.
    func message(for action: TransactionAction) -> SIPMessage?
    /// The layer's timer values, shared by all its transactions (one pointer per transaction).
    var shared: SharedTimerValues { get }
    init(request: SIPMessage, reliable: Bool, timers: SharedTimerValues)
}

extension TransactionStateMachine {
    var timers: TransactionTimerValues { shared.values }

    /// A machine with timer values of its own (tests drive single machines this way).
    init(request: SIPMessage, reliable: Bool, timers: TransactionTimerValues) {
        self.init(request: request, reliable: reliable, timers: SharedTimerValues(timers))
    }
}

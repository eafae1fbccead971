import SIPMessage

/// Which of the layer's four tables a transaction lives in.
enum PoolTag: UInt8, Sendable {
    case inviteClient, nonInviteClient, inviteServer, nonInviteServer
}

/// The timers a transaction has running: at most three at once (no state runs more than
/// two), each with its deadline. A heap entry fires only when it matches one of these, which
/// is how a restarted or abandoned timer is cancelled without touching the heap.
struct ArmedTimers: Sendable {
    private var timer0: TransactionTimer?
    private var timer1: TransactionTimer?
    private var timer2: TransactionTimer?
    private var deadline0: Int64 = 0
    private var deadline1: Int64 = 0
    private var deadline2: Int64 = 0

    mutating func arm(_ timer: TransactionTimer, at deadline: Int64) {
        if timer0 == timer { deadline0 = deadline; return }
        if timer1 == timer { deadline1 = deadline; return }
        if timer2 == timer { deadline2 = deadline; return }
        if timer0 == nil { timer0 = timer; deadline0 = deadline; return }
        if timer1 == nil { timer1 = timer; deadline1 = deadline; return }
        if timer2 == nil { timer2 = timer; deadline2 = deadline; return }
        // Cannot happen (see above); the oldest slot gives way rather than anything failing.
        timer0 = timer
        deadline0 = deadline
    }

    func isArmed(_ timer: TransactionTimer, at deadline: Int64) -> Bool {
        (timer0 == timer && deadline0 == deadline) || (timer1 == timer && deadline1 == deadline)
            || (timer2 == timer && deadline2 == deadline)
    }

    /// Disarms `timer` if it is armed for `deadline`; whether it was.
    mutating func take(_ timer: TransactionTimer, at deadline: Int64) -> Bool {
        if timer0 == timer && deadline0 == deadline { timer0 = nil; return true }
        if timer1 == timer && deadline1 == deadline { timer1 = nil; return true }
        if timer2 == timer && deadline2 == deadline { timer2 = nil; return true }
        return false
    }

    /// Disarms every timer not in `live` (the timers of a state the machine has left).
    mutating func keep(_ live: TimerSet) {
        if let timer = timer0, !live.contains(timer) { timer0 = nil }
        if let timer = timer1, !live.contains(timer) { timer1 = nil }
        if let timer = timer2, !live.contains(timer) { timer2 = nil }
    }

    /// The armed timers and their deadlines (for tests).
    var all: [(TransactionTimer, Int64)] {
        var result: [(TransactionTimer, Int64)] = []
        if let timer0 { result.append((timer0, deadline0)) }
        if let timer1 { result.append((timer1, deadline1)) }
        if let timer2 { result.append((timer2, deadline2)) }
        return result
    }
}

/// Whether the TU asked to cancel a client INVITE transaction (RFC 3261 §9.1).
enum CancelState: Sendable {
    case none
    /// Asked before any provisional response: the CANCEL waits for one.
    case pending
    /// The CANCEL is out (or the TU sent its own).
    case sent
}

/// One transaction: its state machine and what the layer keeps beside it.
struct TransactionRecord<Machine> {
    var machine: Machine
    /// Where the request went (client) or came from (server): responses and retransmissions go there.
    var flow: TransportFlow
    var timers = ArmedTimers()
    /// The key it is matched by: in the client table, in the server table, or in neither
    /// (a server transaction whose key another transaction held already).
    var indexKey: IndexKey = .none

    enum IndexKey {
        case none
        case client(ClientKey)
        case server(ServerKey)
    }

    var clientKey: ClientKey? {
        get { if case .client(let key) = indexKey { return key } else { return nil } }
        set { indexKey = newValue.map(IndexKey.client) ?? .none }
    }

    var serverKey: ServerKey? {
        get { if case .server(let key) = indexKey { return key } else { return nil } }
        set { indexKey = newValue.map(IndexKey.server) ?? .none }
    }
    /// A transaction the layer runs for itself (a CANCEL it sent or answered): nothing of it
    /// reaches the TU.
    var hidden: Bool
    /// INVITE client transactions only.
    var cancel: CancelState = .none
    /// RFC 2543-keyed server transactions: the To tag of the request, checked after lookup.
    var requestToTag: String?

    init(machine: Machine, flow: TransportFlow, hidden: Bool) {
        self.machine = machine
        self.flow = flow
        self.hidden = hidden
    }
}

/// The transactions of one kind, in slots reused through a free list. A slot's generation
/// changes when its transaction ends, so a stale identifier finds nothing. Generations and
/// records are kept apart so that checking an identifier touches no record.
struct TransactionPool<Machine> {
    private(set) var generations: [UInt32] = []
    var records: [TransactionRecord<Machine>?] = []
    private var free: [Int] = []
    private(set) var count = 0

    mutating func insert(_ record: TransactionRecord<Machine>) -> (slot: Int, generation: UInt32) {
        count += 1
        if let slot = free.popLast() {
            records[slot] = record
            return (slot, generations[slot])
        }
        records.append(record)
        generations.append(1)
        return (records.count - 1, 1)
    }

    @inline(__always)
    func contains(_ ref: TransactionSlotRef) -> Bool {
        let slot = ref.slot
        return slot < generations.count && generations[slot] == ref.generation
    }

    mutating func remove(_ ref: TransactionSlotRef) -> TransactionRecord<Machine>? {
        guard contains(ref) else { return nil }
        let slot = ref.slot
        let record = records[slot].take()
        generations[slot] &+= 1
        if generations[slot] == 0 { generations[slot] = 1 }
        free.append(slot)
        count -= 1
        return record
    }

    /// Runs `body` on the live record for `ref`, in place; nil when there is none.
    @inline(__always)
    mutating func modify<R>(_ ref: TransactionSlotRef, _ body: (inout TransactionRecord<Machine>) -> R) -> R? {
        guard contains(ref) else { return nil }
        return records[ref.slot]?.modify(body)
    }

    /// The live record for `ref` (a copy; for reading).
    func record(_ ref: TransactionSlotRef) -> TransactionRecord<Machine>? {
        contains(ref) ? records[ref.slot] : nil
    }
}

extension TransactionRecord {
    /// Lets `Optional` chaining hand a record to a closure in place.
    @inline(__always)
    mutating func modify<R>(_ body: (inout TransactionRecord) -> R) -> R { body(&self) }
}

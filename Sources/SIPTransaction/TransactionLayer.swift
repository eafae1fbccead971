import SIPMessage

/// The transaction layer of RFC 3261 §17 with RFC 6026's corrections, sans-IO: all client
/// and server transactions of one event loop, their matching tables and their timers.
///
/// The driver feeds it received messages, TU requests and responses, send failures and the
/// time; it appends what must happen to an `out` array the driver reuses: messages to send
/// and events for the TU (`TransactionOutput`). It never reads a clock and never blocks.
/// After each call the driver schedules one wake-up at `nextDeadline` and then calls
/// `fireTimers(now:into:)`.
///
/// Not thread-safe by design: one owner (the event loop) calls it.
public final class TransactionLayer {
    /// T1, T2, T4 and what derives from them.
    public let timers: TransactionTimerValues
    let sharedTimers: SharedTimerValues

    var inviteClients = TransactionPool<InviteClientTransaction>()
    var nonInviteClients = TransactionPool<NonInviteClientTransaction>()
    var inviteServers = TransactionPool<InviteServerTransaction>()
    var nonInviteServers = TransactionPool<NonInviteServerTransaction>()
    /// RFC 3261 §17.1.3.
    var clientIndex: [ClientKey: ClientTransactionID] = [:]
    /// RFC 3261 §17.2.3.
    var serverIndex: [ServerKey: ServerTransactionID] = [:]
    var heap = TimerHeap()
    private var random: LayerRandom
    private var statelessCounter: UInt32 = 0

    /// Messages dropped because they could not be matched or keyed at all: a request without
    /// a usable top Via (or, without the magic cookie, without Call-ID or CSeq), a response
    /// without a Via branch or CSeq. Validate messages (`SIPMessage.validate()`) before
    /// handing them over to answer such requests with 400.
    public private(set) var discardedCount = 0

    /// A layer with the given timer values; tags and branches from a randomly seeded generator.
    public init(timers: TransactionTimerValues = .init()) {
        self.timers = timers
        self.sharedTimers = SharedTimerValues(timers)
        var system = SystemRandomNumberGenerator()
        self.random = LayerRandom(seed: system.next())
    }

    /// A layer whose generated tags and branches follow from `randomSeed` (for tests).
    public init(timers: TransactionTimerValues = .init(), randomSeed: UInt64) {
        self.timers = timers
        self.sharedTimers = SharedTimerValues(timers)
        self.random = LayerRandom(seed: randomSeed)
    }

    // MARK: Entry points

    /// A message from the transport (parsed, preferably validated). Requests are matched to
    /// server transactions (RFC 3261 §17.2.3), responses to client transactions (§17.1.3).
    public func receive(_ message: SIPMessage, from flow: TransportFlow, now: SIPInstant, into out: inout [TransactionOutput]) {
        if let method = message.method {
            receiveRequest(message, method: method, from: flow, now: now, into: &out)
        } else {
            receiveResponse(message, from: flow, now: now, into: &out)
        }
    }

    /// The TU's response for a server transaction (RFC 3261 §17.2.1, §17.2.2). Responses for
    /// a transaction that has ended, or that its state does not take (a second final
    /// response, a 487 already sent because of a CANCEL), are dropped.
    public func respond(_ response: SIPMessage, to id: ServerTransactionID, now: SIPInstant, into out: inout [TransactionOutput]) {
        guard response.statusCode != nil else { return }
        if id.isInvite {
            run(&inviteServers, .inviteServer, id.ref, .tuResponse(response), subject: nil, now: now, into: &out)
        } else {
            run(&nonInviteServers, .nonInviteServer, id.ref, .tuResponse(response), subject: nil, now: now, into: &out)
        }
    }

    /// A send to `flow` failed, or its connection closed: every transaction using the flow
    /// gets a transport error (RFC 3261 §17.1.4, §17.2.4). Costs a scan of all transactions.
    public func transportFailed(_ flow: TransportFlow, now: SIPInstant, into out: inout [TransactionOutput]) {
        for ref in Self.refs(in: inviteClients, using: flow, invite: true) {
            run(&inviteClients, .inviteClient, ref, InviteClientTransaction.transportErrorEvent, subject: nil, now: now, into: &out)
        }
        for ref in Self.refs(in: nonInviteClients, using: flow, invite: false) {
            run(&nonInviteClients, .nonInviteClient, ref, NonInviteClientTransaction.transportErrorEvent, subject: nil, now: now, into: &out)
        }
        for ref in Self.refs(in: inviteServers, using: flow, invite: true) {
            run(&inviteServers, .inviteServer, ref, InviteServerTransaction.transportErrorEvent, subject: nil, now: now, into: &out)
        }
        for ref in Self.refs(in: nonInviteServers, using: flow, invite: false) {
            run(&nonInviteServers, .nonInviteServer, ref, NonInviteServerTransaction.transportErrorEvent, subject: nil, now: now, into: &out)
        }
    }

    /// Fires every timer due at `now`, in deadline order.
    public func fireTimers(now: SIPInstant, into out: inout [TransactionOutput]) {
        while let entry = heap.top, entry.deadline <= now.nanoseconds {
            heap.removeTop()
            let ref = TransactionSlotRef(raw: entry.owner)
            switch entry.pool {
            case .inviteClient:
                if Self.take(&inviteClients, ref, entry) {
                    run(&inviteClients, .inviteClient, ref, .timer(entry.timer), subject: nil, now: now, into: &out)
                }
            case .nonInviteClient:
                if Self.take(&nonInviteClients, ref, entry) {
                    run(&nonInviteClients, .nonInviteClient, ref, .timer(entry.timer), subject: nil, now: now, into: &out)
                }
            case .inviteServer:
                if Self.take(&inviteServers, ref, entry) {
                    run(&inviteServers, .inviteServer, ref, .timer(entry.timer), subject: nil, now: now, into: &out)
                }
            case .nonInviteServer:
                if Self.take(&nonInviteServers, ref, entry) {
                    run(&nonInviteServers, .nonInviteServer, ref, .timer(entry.timer), subject: nil, now: now, into: &out)
                }
            }
        }
    }

    /// The earliest pending timer; the driver schedules one wake-up for it. Entries of
    /// cancelled timers are dropped on the way, so this is exact.
    public var nextDeadline: SIPInstant? {
        while let entry = heap.top {
            if isArmed(entry) { return SIPInstant(nanoseconds: entry.deadline) }
            heap.removeTop()
        }
        return nil
    }

    /// Live transactions of all four kinds.
    public var activeCount: Int {
        inviteClients.count + nonInviteClients.count + inviteServers.count + nonInviteServers.count
    }

    /// The flow a live server transaction answers on (e.g. for a TU that keeps sending 2xx
    /// after the transaction ended, RFC 3261 §13.3.1.4); nil once it has ended.
    public func flow(of id: ServerTransactionID) -> TransportFlow? {
        id.isInvite ? inviteServers.record(id.ref)?.flow : nonInviteServers.record(id.ref)?.flow
    }

    /// The flow a live client transaction sends to; nil once it has ended.
    public func flow(of id: ClientTransactionID) -> TransportFlow? {
        id.isInvite ? inviteClients.record(id.ref)?.flow : nonInviteClients.record(id.ref)?.flow
    }

    /// A fresh To or From tag (RFC 3261 §19.3), 64 random bits in hex.
    public func newTag() -> String {
        String(random.next(), radix: 16)
    }

    /// A fresh branch with the magic cookie (RFC 3261 §8.1.1.7), e.g. for the ACK of a 2xx,
    /// which is a transaction of its own (§13.2.2.4).
    public func newBranch() -> String {
        "z9hG4bK" + String(random.next(), radix: 16)
    }

    // MARK: Dispatch

    /// Runs one event through the transaction at `ref` and carries out its actions: sends,
    /// timers, outputs for the TU, and destruction on Terminated (RFC 3261 §17.1.1.2: "MUST
    /// be destroyed the instant it enters the Terminated state").
    @discardableResult
    func run<M: TransactionStateMachine>(_ pool: inout TransactionPool<M>, _ tag: PoolTag, _ ref: TransactionSlotRef,
                                         _ event: M.Event, subject: SIPMessage?, now: SIPInstant,
                                         into out: inout [TransactionOutput]) -> TransactionActions {
        var terminated = false
        var hidden = false
        // One in-place access to the record: no copy of the machine or its messages.
        let done: TransactionActions? = pool.modify(ref) { record in
            let actions = record.machine.handle(event)
            hidden = record.hidden
            for action in actions {
                switch action {
                case .sendRequest, .sendAck, .sendResponse:
                    if let message = record.machine.message(for: action) {
                        out.append(.send(message, to: record.flow))
                    }
                case .startTimer(let timer, let duration):
                    let deadline = (now + duration).nanoseconds
                    record.timers.arm(timer, at: deadline)
                    heap.push(deadline: deadline, owner: ref.raw, pool: tag, timer: timer)
                case .passToTU, .timeout, .transportError:
                    if !record.hidden, let output = Self.output(for: action, tag, ref, subject: subject, flow: record.flow) {
                        out.append(output)
                    }
                case .terminate:
                    terminated = true
                }
            }
            if !terminated { record.timers.keep(record.machine.liveTimers) }
            return actions
        }
        guard let actions = done else { return TransactionActions() }
        if terminated {
            if let record = pool.remove(ref) { unindex(record, raw: ref.raw) }
            if !hidden {
                switch tag {
                case .inviteClient, .nonInviteClient: out.append(.terminated(client: ClientTransactionID(raw: ref.raw), server: nil))
                case .inviteServer, .nonInviteServer: out.append(.terminated(client: nil, server: ServerTransactionID(raw: ref.raw)))
                }
            }
        }
        return actions
    }

    /// What the TU hears of an action.
    private static func output(for action: TransactionAction, _ tag: PoolTag, _ ref: TransactionSlotRef,
                               subject: SIPMessage?, flow: TransportFlow) -> TransactionOutput? {
        switch tag {
        case .inviteClient, .nonInviteClient:
            let id = ClientTransactionID(raw: ref.raw)
            switch action {
            case .passToTU: return subject.map { .response($0, id) }
            case .timeout: return .clientTimeout(id)
            case .transportError: return .transportError(id, nil)
            default: return nil
            }
        case .inviteServer, .nonInviteServer:
            let id = ServerTransactionID(raw: ref.raw)
            switch action {
            case .passToTU:
                guard let subject else { return nil }
                return subject.method == .ack ? .ackWithoutTransaction(subject, from: flow) : .request(subject, id, from: flow)
            case .timeout: return .serverTimeout(id)
            case .transportError: return .transportError(nil, id)
            default: return nil
            }
        }
    }

    /// Removes a finished transaction's keys, unless a newer transaction holds them.
    private func unindex<M>(_ record: TransactionRecord<M>, raw: UInt64) {
        if let key = record.clientKey, let index = clientIndex.index(forKey: key), clientIndex.values[index].raw == raw {
            clientIndex.remove(at: index)
        }
        if let key = record.serverKey, let index = serverIndex.index(forKey: key), serverIndex.values[index].raw == raw {
            serverIndex.remove(at: index)
        }
    }

    /// Starts a timer the layer itself sets on a transaction (the CANCEL guard).
    func arm<M>(_ pool: inout TransactionPool<M>, _ tag: PoolTag, _ ref: TransactionSlotRef, _ timer: TransactionTimer,
                after duration: Duration, now: SIPInstant) {
        guard pool.contains(ref) else { return }
        let deadline = (now + duration).nanoseconds
        pool.modify(ref) { $0.timers.arm(timer, at: deadline) }
        heap.push(deadline: deadline, owner: ref.raw, pool: tag, timer: timer)
    }

    /// Disarms a due heap entry if it still stands for an armed timer.
    private static func take<M>(_ pool: inout TransactionPool<M>, _ ref: TransactionSlotRef, _ entry: TimerHeap.Entry) -> Bool {
        pool.modify(ref) { $0.timers.take(entry.timer, at: entry.deadline) } ?? false
    }

    private func isArmed(_ entry: TimerHeap.Entry) -> Bool {
        let ref = TransactionSlotRef(raw: entry.owner)
        switch entry.pool {
        case .inviteClient: return Self.isArmed(inviteClients, ref, entry)
        case .nonInviteClient: return Self.isArmed(nonInviteClients, ref, entry)
        case .inviteServer: return Self.isArmed(inviteServers, ref, entry)
        case .nonInviteServer: return Self.isArmed(nonInviteServers, ref, entry)
        }
    }

    private static func isArmed<M>(_ pool: TransactionPool<M>, _ ref: TransactionSlotRef, _ entry: TimerHeap.Entry) -> Bool {
        pool.contains(ref) && pool.records[ref.slot]?.timers.isArmed(entry.timer, at: entry.deadline) == true
    }

    private static func refs<M>(in pool: TransactionPool<M>, using flow: TransportFlow, invite: Bool) -> [TransactionSlotRef] {
        var result: [TransactionSlotRef] = []
        for slot in pool.records.indices where pool.records[slot]?.flow.sameFlow(flow) == true {
            result.append(TransactionSlotRef(raw: TransactionSlotRef.pack(slot: slot, generation: pool.generations[slot], invite: invite)))
        }
        return result
    }

    func discard() {
        discardedCount += 1
    }

    /// An identifier for a request that started no transaction (generation 0 matches nothing).
    func statelessClientID() -> ClientTransactionID {
        statelessCounter &+= 1
        return ClientTransactionID(slot: Int(statelessCounter & 0x7FFF_FFFF), generation: 0, invite: false)
    }
}

/// SplitMix64 for tags and branches: unpredictable enough once seeded from the system
/// generator (tags need uniqueness, RFC 3261 §19.3, not secrecy), reproducible when seeded.
struct LayerRandom {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

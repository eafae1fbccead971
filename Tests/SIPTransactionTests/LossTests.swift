import Testing
import SIPMessage
import TestSupport
@testable import SIPTransaction

/// A binary heap of simulation events ordered by time, then by insertion.
private struct EventQueue<Payload> {
    private var items: [(time: SIPInstant, sequence: Int, payload: Payload)] = []
    private var sequence = 0

    var nextTime: SIPInstant? { items.first?.time }
    var isEmpty: Bool { items.isEmpty }

    mutating func push(_ time: SIPInstant, _ payload: Payload) {
        items.append((time, sequence, payload))
        sequence += 1
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard before(child, parent) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (SIPInstant, Payload)? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count && before(left, smallest) { smallest = left }
            if right < items.count && before(right, smallest) { smallest = right }
            guard smallest != parent else { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return (top.time, top.payload)
    }

    private func before(_ a: Int, _ b: Int) -> Bool {
        items[a].time < items[b].time || (items[a].time == items[b].time && items[a].sequence < items[b].sequence)
    }
}

/// Two transaction layers, a UAC and a UAS, whose TUs behave as RFC 3261 asks of a UA core
/// (§13.3.1.4 2xx retransmission, §13.2.2.4 ACK for every 2xx), over a network that loses
/// a share of the datagrams each way and delays the rest by 10–30 ms (so it also reorders).
/// Every datagram is serialized and parsed again on delivery.
private final class LossyNetworkSimulation {
    enum Side { case uac, uas }

    enum Event {
        case deliver(to: Side, bytes: [UInt8])
        case startInvite(Int)
        case startOptions(Int)
        case uasAnswer(callID: String)
        case uasRetransmit2xx(callID: String)
        case uasGiveUp(callID: String)
        case uacCancel(ClientTransactionID)
    }

    /// How a call or request is meant to go.
    enum Plan { case answer200, reject486, ringThenCancel, options200, options404 }

    /// What the UAC side saw of one client transaction.
    struct ClientRecord {
        let callID: String
        let plan: Plan
        var alive = true
        var terminated = 0
        var timeouts = 0
        var finalsToTU: [Int] = []
        var provisionalAfterFinal = false
        /// Final responses the network delivered to the UAC layer while the transaction lived.
        var finalsArrived: [Int] = []
        var finalsArrivedBeforeTimeout = 0
    }

    /// What the UAS side saw of one request.
    struct ServerRecord {
        let callID: String
        var id: ServerTransactionID
        var request: SIPMessage
        var plan: Plan
        var deliveries = 0
        var terminated = 0
        var cancelled = 0
        var acked = false
        var answered = false
        var okResponse: SIPMessage?
        var retransmitInterval: Duration = .milliseconds(500)
        var firstOK: SIPInstant = .zero
        var serverTimeouts = 0
    }

    let uac = TransactionLayer(randomSeed: 11)
    let uas = TransactionLayer(randomSeed: 22)
    let uacFlow = TransportFlow(transport: .udp, host: "192.0.2.1", port: 5060)   // the UAC, as the UAS sees it
    let uasFlow = TransportFlow(transport: .udp, host: "192.0.2.2", port: 5060)   // the UAS, as the UAC sees it
    var random: SplitMix64
    let lossRate: Double
    var now = SIPInstant.zero
    var queue = EventQueue<Event>()

    var clients: [ClientTransactionID: ClientRecord] = [:]
    var clientByCallID: [String: ClientTransactionID] = [:]
    var servers: [String: ServerRecord] = [:]           // by Call-ID
    /// Requests (Call-ID) whose copies reached the UAS layer at least once.
    var requestsArrived: Set<String> = []
    var datagramsSent = 0
    var datagramsLost = 0
    var strayResponses = 0
    var unexpected: [String] = []

    init(seed: UInt64, lossRate: Double) {
        random = SplitMix64(seed: seed)
        self.lossRate = lossRate
    }

    // MARK: The network

    func transmit(_ message: SIPMessage, to side: Side) {
        datagramsSent += 1
        if Double.random(in: 0..<1, using: &random) < lossRate {
            datagramsLost += 1
            return
        }
        let delay = Duration.milliseconds(Int64.random(in: 10...30, using: &random))
        queue.push(now + delay, .deliver(to: side, bytes: message.serialized()))
    }

    // MARK: Running

    /// Runs until nothing is left to do, or `limit`; whether it finished.
    func run(until limit: SIPInstant) -> Bool {
        while true {
            var next = queue.nextTime
            for deadline in [uac.nextDeadline, uas.nextDeadline].compactMap({ $0 }) where next == nil || deadline < next! {
                next = deadline
            }
            guard let instant = next else { return true }
            guard instant <= limit else { return false }
            now = instant
            var out: [TransactionOutput] = []
            uac.fireTimers(now: now, into: &out)
            handleUAC(out)
            out.removeAll()
            uas.fireTimers(now: now, into: &out)
            handleUAS(out)
            while let time = queue.nextTime, time <= now, let (_, event) = queue.pop() {
                handle(event)
            }
        }
    }

    private func handle(_ event: Event) {
        var out: [TransactionOutput] = []
        switch event {
        case .deliver(let side, let bytes):
            guard let message = try? SIPParser().parse(bytes) else {
                unexpected.append("a datagram did not parse")
                return
            }
            switch side {
            case .uac:
                noteArrivalAtUAC(message)
                uac.receive(message, from: uasFlow, now: now, into: &out)
                handleUAC(out)
            case .uas:
                if message.method == .invite || message.method == .options, let callID = try? message.callID() {
                    requestsArrived.insert(callID)
                }
                uas.receive(message, from: uacFlow, now: now, into: &out)
                handleUAS(out)
            }

        case .startInvite(let index):
            let plan: Plan = [.answer200, .answer200, .answer200, .answer200, .answer200,
                              .reject486, .reject486, .reject486, .ringThenCancel, .ringThenCancel][index % 10]
            let callID = "inv-\(index)"
            let request = makeRequest("INVITE", branch: "z9hG4bKinv\(index)", sentBy: "uac.example.com:5060",
                                      uri: "sip:ivr@uas.example.com", callID: callID, fromTag: "f\(index)",
                                      extra: ["X-Plan: \(plan)", "X-Delay: \(index * 53 % 2500)"])
            let id = uac.sendRequest(request, to: uasFlow, now: now, into: &out)
            clients[id] = ClientRecord(callID: callID, plan: plan)
            clientByCallID[callID] = id
            if plan == .ringThenCancel { queue.push(now + .seconds(2), .uacCancel(id)) }
            handleUAC(out)

        case .startOptions(let index):
            let plan: Plan = index % 2 == 0 ? .options200 : .options404
            let callID = "opt-\(index)"
            let request = makeRequest("OPTIONS", branch: "z9hG4bKopt\(index)", sentBy: "uac.example.com:5060",
                                      uri: "sip:ivr@uas.example.com", callID: callID, fromTag: "g\(index)",
                                      extra: ["X-Plan: \(plan)", "X-Delay: \(index * 37 % 2000)"])
            let id = uac.sendRequest(request, to: uasFlow, now: now, into: &out)
            clients[id] = ClientRecord(callID: callID, plan: plan)
            clientByCallID[callID] = id
            handleUAC(out)

        case .uacCancel(let id):
            uac.cancel(id, now: now, into: &out)
            handleUAC(out)

        case .uasAnswer(let callID):
            guard var record = servers[callID], !record.answered else { return }
            record.answered = true
            let status: Int
            switch record.plan {
            case .answer200, .options200: status = 200
            case .reject486: status = 486
            case .options404: status = 404
            case .ringThenCancel: return
            }
            let response = SIPMessage.response(to: record.request, status: status, toTag: "t-" + callID)
            if status == 200 && record.plan == .answer200 {
                record.okResponse = response
                record.firstOK = now
                queue.push(now + record.retransmitInterval, .uasRetransmit2xx(callID: callID))
            }
            servers[callID] = record
            uas.respond(response, to: record.id, now: now, into: &out)
            handleUAS(out)

        case .uasRetransmit2xx(let callID):
            // RFC 3261 §13.3.1.4: the UAS core retransmits the 2xx, T1 doubling up to T2,
            // until the ACK arrives or 64·T1 have passed.
            guard var record = servers[callID], !record.acked, let ok = record.okResponse,
                  now - record.firstOK < .seconds(32) else { return }
            uas.respond(ok, to: record.id, now: now, into: &out)
            record.retransmitInterval = min(record.retransmitInterval * 2, .seconds(4))
            queue.push(now + record.retransmitInterval, .uasRetransmit2xx(callID: callID))
            servers[callID] = record
            handleUAS(out)

        case .uasGiveUp(let callID):
            guard var record = servers[callID], !record.answered, record.cancelled == 0 else { return }
            record.answered = true
            servers[callID] = record
            uas.respond(SIPMessage.response(to: record.request, status: 480, toTag: "t-" + callID), to: record.id, now: now, into: &out)
            handleUAS(out)
        }
    }

    /// Records a final response reaching the UAC layer while its transaction lives.
    private func noteArrivalAtUAC(_ message: SIPMessage) {
        guard let status = message.statusCode, status >= 200, let cseq = try? message.cseq(), cseq.method != .cancel,
              let callID = try? message.callID(), let id = clientByCallID[callID], var record = clients[id], record.alive else { return }
        record.finalsArrived.append(status)
        if record.timeouts == 0 { record.finalsArrivedBeforeTimeout += 1 }
        clients[id] = record
    }

    // MARK: The TUs

    private func handleUAC(_ outputs: [TransactionOutput]) {
        for output in outputs {
            switch output {
            case .send(let message, let flow):
                if flow != uasFlow { unexpected.append("UAC sent to \(flow)") }
                transmit(message, to: .uas)
            case .response(let message, let id):
                guard var record = clients[id], let status = message.statusCode else {
                    unexpected.append("response for an unknown client transaction")
                    continue
                }
                if status < 200 {
                    if !record.finalsToTU.isEmpty { record.provisionalAfterFinal = true }
                } else {
                    record.finalsToTU.append(status)
                }
                clients[id] = record
                if status >= 200 && status < 300 && message.statusCode != nil, (try? message.cseq())?.method == .invite {
                    sendAck(for: message)   // §13.2.2.4: an ACK for every 2xx
                }
            case .strayResponse(let message, _):
                strayResponses += 1
                if let status = message.statusCode, (200..<300).contains(status), (try? message.cseq())?.method == .invite {
                    sendAck(for: message)
                }
            case .clientTimeout(let id):
                clients[id]?.timeouts += 1
            case .terminated(let client?, nil):
                clients[client]?.terminated += 1
                clients[client]?.alive = false
            default:
                unexpected.append("UAC got \(output.summary)")
            }
        }
    }

    private func sendAck(for ok: SIPMessage) {
        guard let callID = try? ok.callID(), let toTag = ok.toTag, let id = clientByCallID[callID],
              let index = Int(callID.dropFirst(4)) else { return }
        _ = id
        let ack = makeRequest("ACK", branch: uac.newBranch(), sentBy: "uac.example.com:5060", uri: "sip:ivr@uas.example.com",
                              callID: callID, cseq: 1, cseqMethod: "ACK", fromTag: "f\(index)", toTag: toTag)
        var out: [TransactionOutput] = []
        uac.sendRequest(ack, to: uasFlow, now: now, into: &out)
        handleUAC(out)
    }

    private func handleUAS(_ outputs: [TransactionOutput]) {
        for output in outputs {
            switch output {
            case .send(let message, let flow):
                if flow != uacFlow { unexpected.append("UAS sent to \(flow)") }
                transmit(message, to: .uac)
            case .request(let message, let id, _):
                guard let callID = try? message.callID() else { continue }
                if var record = servers[callID] {
                    record.deliveries += 1         // a duplicate: the assertion below catches it
                    servers[callID] = record
                    continue
                }
                let planText = message.headers["X-Plan"] ?? ""
                let plan: Plan = switch planText {
                case "answer200": .answer200
                case "reject486": .reject486
                case "ringThenCancel": .ringThenCancel
                case "options404": .options404
                default: .options200
                }
                servers[callID] = ServerRecord(callID: callID, id: id, request: message, plan: plan, deliveries: 1)
                let delay = Duration.milliseconds(Int64(message.headers["X-Delay"] ?? "0") ?? 0)
                if message.method == .invite, plan != .reject486 || callID.hasSuffix("0") {
                    var ringing: [TransactionOutput] = []
                    uas.respond(SIPMessage.response(to: message, status: 180, toTag: "t-" + callID), to: id, now: now, into: &ringing)
                    handleUAS(ringing)
                }
                if plan == .ringThenCancel {
                    queue.push(now + .seconds(60), .uasGiveUp(callID: callID))
                } else {
                    queue.push(now + delay, .uasAnswer(callID: callID))
                }
            case .ackWithoutTransaction(let message, _):
                if let callID = try? message.callID() { servers[callID]?.acked = true }
            case .cancelled(let id):
                if let callID = servers.first(where: { $0.value.id == id })?.key { servers[callID]?.cancelled += 1 }
            case .serverTimeout(let id):
                if let callID = servers.first(where: { $0.value.id == id })?.key { servers[callID]?.serverTimeouts += 1 }
            case .terminated(nil, let server?):
                if let callID = servers.first(where: { $0.value.id == server })?.key { servers[callID]?.terminated += 1 }
            default:
                unexpected.append("UAS got \(output.summary)")
            }
        }
    }
}

@Suite("Loss: 1,000 INVITE and 1,000 non-INVITE transactions over a network losing 30 % each way")
struct LossTests {
    @Test("every transaction ends; every final response that arrives reaches the TU exactly once (2xx: each copy, RFC 6026); no request reaches a TU twice")
    func lossyNetwork() throws {
        let simulation = LossyNetworkSimulation(seed: 0x5EED_2026, lossRate: 0.30)
        for index in 0..<1000 {
            simulation.queue.push(ms(Int64(index) * 20), .startInvite(index))
            simulation.queue.push(ms(Int64(index) * 20 + 10), .startOptions(index))
        }
        #expect(simulation.run(until: at(.seconds(600))), "the simulation did not settle within 600 s")
        #expect(simulation.unexpected.isEmpty, "\(simulation.unexpected.prefix(5))")
        #expect(simulation.clients.count == 2000)
        let lossShare = Double(simulation.datagramsLost) / Double(simulation.datagramsSent)
        #expect(lossShare > 0.27 && lossShare < 0.33)

        var completed = 0, timedOut = 0, cancelledCalls = 0
        // The retransmission paths were exercised: some final responses arrived more than once.
        let repeatedFinals = simulation.clients.values.filter { $0.plan != .answer200 && $0.finalsArrived.count > 1 }.count
        #expect(repeatedFinals >= 20, "only \(repeatedFinals) transactions saw a final response twice")
        for (_, record) in simulation.clients {
            // Every client transaction terminates, once.
            #expect(record.terminated == 1, "\(record.callID): terminated \(record.terminated) times")
            #expect(!record.provisionalAfterFinal, "\(record.callID): a provisional after the final response")
            #expect(record.timeouts <= 1)
            // A final response or a timeout, never both, never neither.
            #expect((record.finalsToTU.isEmpty) == (record.timeouts == 1), "\(record.callID): \(record.finalsToTU), \(record.timeouts) timeouts")
            if record.timeouts == 1 {
                // A timeout only where the loss pattern made it inevitable: no final response
                // ever reached the UAC layer before it.
                #expect(record.finalsArrivedBeforeTimeout == 0, "\(record.callID): timed out although a final response arrived")
                timedOut += 1
                continue
            }
            completed += 1
            let arrived2xx = record.finalsArrived.filter { (200..<300).contains($0) }.count
            switch record.plan {
            case .answer200:
                // RFC 6026 §8.4: each 2xx copy that reaches the transaction goes to the TU, once.
                #expect(record.finalsToTU.allSatisfy { $0 == 200 } && record.finalsToTU.count == arrived2xx,
                        "\(record.callID): \(record.finalsToTU) for \(record.finalsArrived)")
            case .reject486, .options200, .options404:
                let expected = record.plan == .reject486 ? 486 : record.plan == .options200 ? 200 : 404
                #expect(record.finalsToTU == [expected], "\(record.callID): \(record.finalsToTU)")
            case .ringThenCancel:
                #expect(record.finalsToTU == [487] || record.finalsToTU == [480], "\(record.callID): \(record.finalsToTU)")
                if record.finalsToTU == [487] { cancelledCalls += 1 }
            }
        }
        // Honest bound: a non-INVITE transaction fails when all eleven request/response rounds
        // fail (about 0.51^11 ≈ 6·10⁻⁴), an INVITE when all seven INVITEs are lost (0.3^7);
        // more than ten failures out of 2,000 would mean retransmission is broken.
        #expect(completed + timedOut == 2000)
        #expect(timedOut <= 10, "\(timedOut) transactions timed out")
        #expect(cancelledCalls >= 190, "\(cancelledCalls) of 200 calls ended with 487")

        for (callID, record) in simulation.servers {
            // Each request reached the UAS TU once, and each server transaction ended once.
            #expect(record.deliveries == 1, "\(callID) delivered \(record.deliveries) times")
            #expect(record.terminated == 1, "\(callID): server transaction terminated \(record.terminated) times")
            #expect(record.cancelled <= 1)
            if record.plan == .ringThenCancel, let client = simulation.clientByCallID[callID],
               simulation.clients[client]?.finalsToTU == [487] {
                #expect(record.cancelled == 1, "\(callID): the UAC got 487 but the UAS TU heard of no CANCEL")
            }
        }
        // Every request that reached the UAS layer reached its TU.
        #expect(Set(simulation.servers.keys) == simulation.requestsArrived)
        #expect(simulation.uac.activeCount == 0 && simulation.uas.activeCount == 0)
        #expect(simulation.uac.nextDeadline == nil && simulation.uas.nextDeadline == nil)
        #expect(simulation.uac.discardedCount == 0 && simulation.uas.discardedCount == 0)
        print("loss simulation: \(simulation.datagramsSent) datagrams, \(simulation.datagramsLost) lost, "
              + "\(completed) completed, \(timedOut) timed out, \(cancelledCalls) cancelled, \(simulation.strayResponses) stray, "
              + "\(repeatedFinals) with repeated finals")
    }
}

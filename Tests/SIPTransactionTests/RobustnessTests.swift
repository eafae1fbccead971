import Testing
import SIPMessage
import TestSupport
@testable import SIPTransaction

/// Random traffic, much of it malformed or out of order, from a seeded generator: the layer
/// must never crash, every transaction must still end once the TU answers what it was
/// given, and nothing may be left behind.
@Suite("Robustness: random and malformed traffic")
struct RobustnessTests {
    @Test("10,000 random messages and TU actions, then every transaction ends")
    func randomTraffic() {
        var random = SplitMix64(seed: 0xC0FFEE)
        let rig = Rig(seed: 3)
        let methods = ["INVITE", "ACK", "CANCEL", "OPTIONS", "BYE", "INFO"]
        let branches = ["z9hG4bK1", "z9hG4bK2", "z9hG4bK3", "z9hG4bK", "old-1", nil]
        let sentBys = ["a.example.com", "a.example.com:5070", "b.example.com"]
        let flows = [udpPeer, otherUDPPeer, tcpPeer]
        var serverIDs: [ServerTransactionID] = []
        var requests: [ServerTransactionID: SIPMessage] = [:]
        var clientIDs: [ClientTransactionID] = []
        var sentRequests: [SIPMessage] = []
        var terminated = Set<String>()
        var terminatedTwice = 0

        func note(_ outputs: [TransactionOutput]) {
            for output in outputs {
                switch output {
                case .request(let message, let id, _):
                    serverIDs.append(id)
                    requests[id] = message
                case .terminated(let client, let server):
                    let name = client.map(\.description) ?? server.map(\.description) ?? "?"
                    if !terminated.insert(name).inserted { terminatedTwice += 1 }
                default: break
                }
            }
        }

        for _ in 0..<10_000 {
            let method = methods[Int.random(in: 0..<methods.count, using: &random)]
            let branch = branches[Int.random(in: 0..<branches.count, using: &random)]
            let sentBy = sentBys[Int.random(in: 0..<sentBys.count, using: &random)]
            let flow = flows[Int.random(in: 0..<flows.count, using: &random)]
            let cseq = UInt32.random(in: 1...3, using: &random)
            switch Int.random(in: 0..<10, using: &random) {
            case 0...3:
                // A request from the network, sometimes mangled byte by byte.
                var bytes = makeRequest(method, branch: branch, sentBy: sentBy, cseq: cseq,
                                        toTag: Bool.random(using: &random) ? "tt1" : nil).serialized()
                if Int.random(in: 0..<3, using: &random) == 0 {
                    for _ in 0..<Int.random(in: 1...4, using: &random) {
                        bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                    }
                }
                if let message = try? SIPParser().parse(bytes) { note(rig.receive(message, from: flow)) }
            case 4:
                // A response from the network to something we sent (or to nothing).
                if let request = sentRequests.randomElement(using: &random) {
                    let status = [100, 180, 200, 302, 486, 503][Int.random(in: 0..<6, using: &random)]
                    note(rig.receive(response(status, to: request), from: flow))
                } else {
                    note(rig.receive(response(200, to: makeRequest(method, branch: branch, sentBy: sentBy)), from: flow))
                }
            case 5:
                // The TU answers something, possibly twice, possibly too late.
                if let id = serverIDs.randomElement(using: &random), let request = requests[id] {
                    let status = [100, 180, 200, 404, 487][Int.random(in: 0..<5, using: &random)]
                    note(rig.respond(response(status, to: request), to: id))
                }
            case 6:
                // The TU sends a request (sometimes one it already sent).
                let request = makeRequest(["INVITE", "OPTIONS", "ACK", "CANCEL"][Int.random(in: 0..<4, using: &random)],
                                          branch: branch.map { $0 + "c" }, sentBy: "me.example.com", cseq: cseq)
                let (id, outputs) = rig.send(request, to: flow)
                note(outputs)
                clientIDs.append(id)
                if let sent = outputs.first?.sent { sentRequests.append(sent) }
            case 7:
                if let id = clientIDs.randomElement(using: &random) { note(rig.cancel(id)) }
            case 8:
                note(rig.transportFailed(flow))
            default:
                note(rig.advance(by: .milliseconds(Int64.random(in: 0...3000, using: &random))).map(\.1))
            }
        }

        // The TU answers everything still open and cancels every call still ringing.
        for id in serverIDs {
            if let request = requests[id] { note(rig.respond(response(500, to: request), to: id)) }
        }
        for id in clientIDs { note(rig.cancel(id)) }
        note(rig.advance(by: .seconds(1000)).map(\.1))
        #expect(rig.layer.activeCount == 0)
        #expect(rig.layer.nextDeadline == nil)
        #expect(terminatedTwice == 0)
        #expect(rig.layer.clientIndex.isEmpty && rig.layer.serverIndex.isEmpty)
        #expect(serverIDs.count > 500 && clientIDs.count > 500)
    }
}

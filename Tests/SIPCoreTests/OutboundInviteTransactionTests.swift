import Testing
import SIPMessage
import SIPTransaction
@testable import SIPCore

/// An `OutboundInvite` driven through real transaction layers — ours as UAC, a callee's as
/// UAS — with every message serialized and parsed on the way: the CANCEL matches the
/// callee's INVITE server transaction (§9.2), the ACK for the 487 comes from our layer
/// (§17.1.1.3), the ACK for a 2xx reaches the callee outside any transaction (§13.2.2.4).
@Suite struct OutboundInviteTransactionTests {
    typealias F = UACFixture

    /// Two transaction layers joined by a loss-free wire, and what reached each TU.
    final class Wire {
        let uac = TransactionLayer(randomSeed: 1)
        let uas = TransactionLayer(randomSeed: 2)
        let toUAS = TransportFlow(transport: .udp, host: "192.0.2.20", port: 5060)
        let toUAC = TransportFlow(transport: .udp, host: "192.0.2.1", port: 5060)
        /// Responses our layer passed up, in order, not yet taken.
        var responses: [SIPMessage] = []
        /// What the callee's layer passed up.
        var requests: [(SIPMessage, ServerTransactionID)] = []
        var acksWithoutTransaction: [SIPMessage] = []
        var cancelled: [ServerTransactionID] = []
        /// Every message that crossed the wire, as parsed by the receiver.
        var carried: [SIPMessage] = []

        func send(_ request: SIPMessage, now: SIPInstant) {
            var out: [TransactionOutput] = []
            uac.sendRequest(request, to: toUAS, now: now, into: &out)
            pump(out, fromUAC: true, now: now)
        }

        func respond(_ response: SIPMessage, to id: ServerTransactionID, now: SIPInstant) {
            var out: [TransactionOutput] = []
            uas.respond(response, to: id, now: now, into: &out)
            pump(out, fromUAC: false, now: now)
        }

        private func pump(_ outputs: [TransactionOutput], fromUAC: Bool, now: SIPInstant) {
            for output in outputs {
                switch output {
                case .send(let message, _):
                    guard let parsed = try? SIPMessage(parsing: message.serialized()) else {
                        Issue.record("unparsable on the wire: \(message.text)")
                        continue
                    }
                    carried.append(parsed)
                    var next: [TransactionOutput] = []
                    if fromUAC {
                        uas.receive(parsed, from: toUAC, now: now, into: &next)
                    } else {
                        uac.receive(parsed, from: toUAS, now: now, into: &next)
                    }
                    pump(next, fromUAC: !fromUAC, now: now)
                case .response(let response, _):
                    responses.append(response)
                case .request(let request, let id, _):
                    requests.append((request, id))
                case .ackWithoutTransaction(let ack, _):
                    acksWithoutTransaction.append(ack)
                case .cancelled(let id):
                    cancelled.append(id)
                default:
                    break
                }
            }
        }
    }

    /// Carries out the leg's actions over the wire and feeds it the responses, until quiet;
    /// returns every action the leg produced.
    @discardableResult
    static func run(_ actions: [OutboundInvite.Action], _ leg: inout OutboundInvite, _ wire: Wire, now: SIPInstant) -> [OutboundInvite.Action] {
        var log: [OutboundInvite.Action] = []
        var pending = actions
        while !pending.isEmpty || !wire.responses.isEmpty {
            if pending.isEmpty {
                let response = wire.responses.removeFirst()
                pending = leg.receive(response, now: now)
                continue
            }
            let action = pending.removeFirst()
            log.append(action)
            switch action {
            case .sendRequest(let request), .sendACK(let request):
                wire.send(request.message, now: now)
            case .ringing, .answered, .failed:
                break
            }
        }
        return log
    }

    @Test func anAnsweredCallIsAckedEndToEnd() throws {
        let wire = Wire()
        var leg = F.leg("sip:alice@192.0.2.20:5060")
        Self.run(leg.start(now: .zero), &leg, wire, now: .zero)
        let (invite, server) = try #require(wire.requests.first)
        #expect(invite.method == .invite)

        wire.respond(F.response(to: invite, 180, tag: "callee", contact: "<sip:alice@192.0.2.20:5060>"), to: server, now: F.seconds(1))
        let ringing = Self.run([], &leg, wire, now: F.seconds(1))
        #expect(ringing == [.ringing(status: 180, earlyMedia: nil)])

        wire.respond(F.response(to: invite, 200, tag: "callee", contact: "<sip:alice@192.0.2.20:5060>", sdp: F.sdpAnswer),
                     to: server, now: F.seconds(2))
        let answered = Self.run([], &leg, wire, now: F.seconds(2))
        #expect(F.answered(answered)?.0.id.remoteTag == "callee")
        let ack = try #require(wire.acksWithoutTransaction.first, "the callee's layer passes the 2xx ACK to its TU")
        #expect(ack.headers.first(.cseq) == "1 ACK")
        #expect(F.toTag(ack) == "callee")
        #expect(wire.acksWithoutTransaction.count == 1)
        #expect(leg.phase == .answered)
    }

    @Test func aCancelMatchesTheCalleesTransactionAndTheLayerAcksThe487() throws {
        let wire = Wire()
        var leg = F.leg("sip:alice@192.0.2.20:5060")
        Self.run(leg.start(now: .zero), &leg, wire, now: .zero)
        let (invite, server) = try #require(wire.requests.first)
        wire.respond(F.response(to: invite, 180, tag: "callee", contact: "<sip:alice@192.0.2.20:5060>"), to: server, now: F.seconds(1))
        Self.run([], &leg, wire, now: F.seconds(1))

        let before = wire.carried.count
        let actions = Self.run(leg.cancel(reason: RingGroup.completedElsewhere, now: F.seconds(2)), &leg, wire, now: F.seconds(2))
        // §9.2: the callee's layer matched the CANCEL to the INVITE, answered 200 and 487.
        #expect(wire.cancelled == [server])
        #expect(F.failure(actions) == OutboundInviteFailure(status: 487, reason: .cancelled,
                                                            response: wire.carried.first { $0.statusCode == 487 }))
        let crossed = Array(wire.carried[before...])
        #expect(crossed.map { $0.method?.name ?? String($0.statusCode ?? 0) } == ["CANCEL", "200", "487", "ACK"])
        let ack = try #require(crossed.last)
        #expect(ack.headers.first(.cseq) == "1 ACK")
        #expect(F.branch(ack) == F.branch(invite), "the ACK for a non-2xx is the INVITE transaction's: same branch (§17.1.1.3)")
        #expect(F.acks(actions).isEmpty, "the leg built no ACK for the 487")
        #expect(wire.acksWithoutTransaction.isEmpty, "the callee's layer absorbed it")
        #expect(leg.phase == .failed)
    }
}

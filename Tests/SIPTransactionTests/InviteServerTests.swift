import Testing
import SIPMessage
@testable import SIPTransaction

/// RFC 3261 §17.2.1, Figure 7, with RFC 6026 §7.1/§8.7: every arrow, on a virtual clock.
@Suite("INVITE server transaction (RFC 3261 Figure 7, RFC 6026)")
struct InviteServerTests {
    @Test("INVITE: to the TU; 100 Trying sent by the layer after 200 ms of silence (no To tag)")
    func tryingAfterDelay() throws {
        let rig = Rig()
        let invite = makeRequest("INVITE", extra: ["Timestamp: 54"])
        let outputs = rig.receive(invite)
        #expect(summaries(outputs) == ["request INVITE"])
        #expect(rig.layer.nextDeadline == ms(200))
        let log = rig.advance(to: ms(1000))
        #expect(timed(log) == ["200 send 100"])
        let trying = try #require(log.first?.1.sent)
        #expect(log.first?.1.sentTo == udpPeer)
        #expect(try trying.to().tag == nil)
        #expect(trying.headers.first(.timestamp) == "54")
        #expect(try trying.cseq() == CSeq(1, .invite))
        #expect(rig.layer.nextDeadline == nil)  // Proceeding runs no timer
    }

    @Test("no 100 Trying when the TU answers within 200 ms")
    func noTryingWhenTUAnswers() {
        let rig = Rig()
        let invite = makeRequest("INVITE")
        let id = rig.serverTransaction(for: invite)
        rig.advance(to: ms(150))
        #expect(summaries(rig.respond(response(180, to: invite), to: id)) == ["send 180"])
        #expect(rig.layer.nextDeadline == nil)
        #expect(rig.advance(to: ms(5000)).isEmpty)
    }

    @Test("Proceeding: a retransmitted INVITE gets the last provisional response; before any, a 100 at once")
    func proceedingRetransmission() {
        let rig = Rig()
        let invite = makeRequest("INVITE")
        let id = rig.serverTransaction(for: invite)
        rig.advance(to: ms(100))
        #expect(summaries(rig.receive(invite)) == ["send 100"])   // not passed to the TU again
        rig.advance(to: ms(1000))
        #expect(rig.log.filter { $0.1.sent?.statusCode == 100 }.count == 1)  // the timer did not send another
        rig.respond(response(180, to: invite), to: id)
        #expect(summaries(rig.receive(invite)) == ["send 180"])
        #expect(summaries(rig.respond(response(183, to: invite), to: id)) == ["send 183"])
        #expect(summaries(rig.receive(invite)) == ["send 183"])
    }

    @Test("Proceeding -2xx from TU-> Accepted: INVITE absorbed, TU's 2xx sent, ACK to the TU, Timer L 64·T1")
    func proceedingToAccepted() {
        let rig = Rig()
        let invite = makeRequest("INVITE")
        let id = rig.serverTransaction(for: invite)
        rig.advance(to: ms(1000))
        let ok = response(200, to: invite)
        #expect(summaries(rig.respond(ok, to: id)) == ["send 200"])
        #expect(rig.layer.nextDeadline == ms(1000 + 32000))
        #expect(rig.receive(invite).isEmpty)                               // RFC 6026 §8.7: absorbed
        #expect(summaries(rig.respond(ok, to: id)) == ["send 200"])        // the TU's retransmission
        #expect(rig.respond(response(500, to: invite), to: id).isEmpty)    // only 2xx in Accepted
        // An ACK with the INVITE's branch (a UA that reuses it) matches: to the TU.
        #expect(summaries(rig.receive(makeRequest("ACK", cseqMethod: "ACK", toTag: "tt1"))) == ["ack"])
        // The usual ACK for a 2xx has a branch of its own: to the TU as well.
        #expect(summaries(rig.receive(makeRequest("ACK", branch: "z9hG4bKack", toTag: "tt1"))) == ["ack"])
        #expect(timed(rig.advance(to: at(.seconds(60)))) == ["33000 terminated"])
        #expect(rig.respond(ok, to: id).isEmpty)                           // gone: nothing sent
        #expect(rig.layer.activeCount == 0)
    }

    @Test("Proceeding -300-699 from TU-> Completed: Timer G 0.5, 1.5, 3.5, 7.5, 11.5 … (capped at T2); Timer H at 32 s informs the TU")
    func proceedingToCompletedTimeout() {
        let rig = Rig()
        let invite = makeRequest("INVITE")
        let id = rig.serverTransaction(for: invite)
        #expect(summaries(rig.respond(response(486, to: invite), to: id)) == ["send 486"])
        let log = rig.advance(to: at(.seconds(40)))
        #expect(sendTimes(log, "486") == [500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500])
        #expect(timed(log.filter { $0.1.sent == nil }) == ["32000 server timeout", "32000 terminated"])
        #expect(log.contains { if case .serverTimeout(id) = $0.1 { return true } else { return false } })
    }

    @Test("Completed: INVITE gets the final response; -ACK-> Confirmed: absorbs ACK and INVITE, Timer I (T4)")
    func completedToConfirmed() {
        let rig = Rig()
        let invite = makeRequest("INVITE")
        let id = rig.serverTransaction(for: invite)
        rig.respond(response(404, to: invite, toTag: "nf"), to: id)
        rig.advance(to: ms(700))
        #expect(summaries(rig.receive(invite)) == ["send 404"])
        let ack = makeRequest("ACK", cseqMethod: "ACK", toTag: "nf")    // §17.1.1.3: same branch
        #expect(rig.receive(ack).isEmpty)                                // absorbed, not the TU's
        #expect(rig.layer.nextDeadline == ms(5700))
        #expect(rig.receive(ack).isEmpty)
        #expect(rig.receive(invite).isEmpty)
        let log = rig.advance(to: at(.seconds(40)))
        #expect(timed(log) == ["5700 terminated"])
        #expect(sendTimes(rig.log, "404") == [0, 500, 700])
    }

    @Test("over TCP: no Timer G, Timer H 32 s, Timer I zero")
    func reliable() {
        let rig = Rig()
        let invite = makeRequest("INVITE", transport: "TCP")
        let id = rig.serverTransaction(for: invite, from: tcpPeer)
        rig.respond(response(480, to: invite), to: id)
        #expect(rig.layer.nextDeadline == ms(32000))
        #expect(summaries(rig.receive(makeRequest("ACK", transport: "TCP", cseqMethod: "ACK", toTag: "tt1"), from: tcpPeer)) == ["terminated"])
        #expect(rig.layer.activeCount == 0)

        let second = makeRequest("INVITE", branch: "z9hG4bKb2", transport: "TCP")
        let id2 = rig.serverTransaction(for: second, from: tcpPeer)
        rig.respond(response(480, to: second), to: id2)
        #expect(timed(rig.advance(to: at(.seconds(40))).filter { $0.1.sent == nil }) == ["32000 server timeout", "32000 terminated"])
        #expect(sendTimes(rig.log, "480").count == 2)   // one each, no retransmission
    }

    @Test("transport error: Proceeding and Accepted inform the TU and stay; Completed informs and ends")
    func transportErrors() {
        let rig = Rig()
        let invite = makeRequest("INVITE")
        let id = rig.serverTransaction(for: invite)
        #expect(summaries(rig.transportFailed(udpPeer)) == ["transport error"])
        #expect(rig.layer.activeCount == 1)
        rig.respond(response(200, to: invite), to: id)
        #expect(summaries(rig.transportFailed(udpPeer)) == ["transport error"])
        #expect(rig.layer.activeCount == 1)

        let second = makeRequest("INVITE", branch: "z9hG4bKb2")
        let id2 = rig.serverTransaction(for: second)
        rig.respond(response(503, to: second), to: id2)
        let outputs = rig.transportFailed(udpPeer)
        #expect(summaries(outputs) == ["transport error", "transport error", "terminated"])
        #expect(outputs.contains(.transportError(nil, id2)))
        #expect(outputs.contains(.terminated(client: nil, server: id2)))
        #expect(rig.layer.activeCount == 1)
    }

    @Test("the state machine alone: G doubles up to T2, a 2xx leads to Accepted")
    func machineActions() {
        let invite = makeRequest("INVITE")
        var machine = InviteServerTransaction(request: invite, reliable: false, timers: TransactionTimerValues())
        #expect(machine.handle(.start).array == [.passToTU, .startTimer(.trying, .milliseconds(200))])
        #expect(machine.handle(.tuResponse(response(486, to: invite))).array
            == [.sendResponse, .startTimer(.g, .milliseconds(500)), .startTimer(.h, .seconds(32))])
        var intervals: [Duration] = []
        for _ in 0..<5 {
            for case .startTimer(.g, let interval) in machine.handle(.timer(.g)) { intervals.append(interval) }
        }
        #expect(intervals == [.seconds(1), .seconds(2), .seconds(4), .seconds(4), .seconds(4)])
        #expect(machine.handle(.ack).array == [.startTimer(.i, .seconds(5))])
        #expect(machine.state == .confirmed)

        var accepted = InviteServerTransaction(request: invite, reliable: true, timers: TransactionTimerValues())
        _ = accepted.handle(.start)
        #expect(accepted.handle(.tuResponse(response(200, to: invite))).array == [.sendResponse, .startTimer(.l, .seconds(32))])
        #expect(accepted.state == .accepted)
        #expect(accepted.handle(.retransmission).isEmpty)
        #expect(accepted.handle(.ack).array == [.passToTU])
    }
}

import Testing
import SIPMessage
@testable import SIPTransaction

/// RFC 3261 §17.1.1, Figure 5, with RFC 6026 §7.2/§8.4: every arrow, on a virtual clock.
@Suite("INVITE client transaction (RFC 3261 Figure 5, RFC 6026)")
struct InviteClientTests {
    @Test("Calling: Timer A retransmits at 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s; Timer B at 32 s informs the TU")
    func timerAAndB() {
        let rig = Rig()
        let invite = makeRequest("INVITE")
        let (id, first) = rig.send(invite)
        #expect(summaries(first) == ["send INVITE"])
        #expect(first.first?.sentTo == udpPeer)
        #expect(rig.layer.nextDeadline == ms(500))
        let log = rig.advance(to: at(.seconds(40)))
        #expect(sendTimes(log, "INVITE") == [500, 1500, 3500, 7500, 15500, 31500])
        #expect(timed(log.filter { $0.1.sent == nil }) == ["32000 client timeout", "32000 terminated"])
        #expect(log.contains { if case .clientTimeout(id) = $0.1 { return true } else { return false } })
        #expect(!log.contains { $0.1.sent?.method == .ack })  // §17.1.1.2: no ACK on timeout
        #expect(rig.layer.activeCount == 0)
        #expect(rig.layer.nextDeadline == nil)
    }

    @Test("Timer A scales with T1 and is not capped at T2")
    func timerAWithOtherT1() {
        let rig = Rig(timers: TransactionTimerValues(t1: .milliseconds(100), t2: .milliseconds(400)))
        rig.send(makeRequest("INVITE"))
        let log = rig.advance(to: at(.seconds(10)))
        #expect(sendTimes(log, "INVITE") == [100, 300, 700, 1500, 3100, 6300])
        #expect(timed(log.filter { $0.1.sent == nil }) == ["6400 client timeout", "6400 terminated"])
    }

    @Test("Calling over TCP: no retransmission, Timer B still 64·T1")
    func reliableCalling() {
        let rig = Rig()
        let (_, first) = rig.send(makeRequest("INVITE", transport: "TCP"), to: tcpPeer)
        #expect(summaries(first) == ["send INVITE"])
        #expect(rig.layer.nextDeadline == ms(32000))
        let log = rig.advance(to: at(.seconds(40)))
        #expect(timed(log) == ["32000 client timeout", "32000 terminated"])
    }

    @Test("Calling -1xx-> Proceeding: to the TU, retransmissions stop, no timer runs; 1xx again to the TU")
    func callingToProceeding() {
        let rig = Rig()
        let invite = makeRequest("INVITE")
        let (id, _) = rig.send(invite)
        rig.advance(to: ms(700))  // one retransmission at 500 ms
        let outputs = rig.receive(response(180, to: invite))
        #expect(summaries(outputs) == ["response 180"])
        if case .response(_, let got) = outputs.first { #expect(got == id) }
        #expect(rig.layer.nextDeadline == nil)
        #expect(rig.advance(to: at(.seconds(120))).isEmpty)
        #expect(summaries(rig.receive(response(183, to: invite))) == ["response 183"])
        #expect(rig.layer.activeCount == 1)
    }

    @Test("Calling -2xx-> Accepted: to the TU, no ACK; 2xx retransmissions to the TU; Timer M (64·T1) ends it")
    func callingToAccepted() {
        let rig = Rig()
        let invite = makeRequest("INVITE")
        rig.send(invite)
        rig.advance(to: ms(100))
        let ok = response(200, to: invite)
        #expect(summaries(rig.receive(ok)) == ["response 200"])
        #expect(rig.layer.nextDeadline == ms(100 + 32000))
        rig.advance(to: ms(600))
        #expect(summaries(rig.receive(ok)) == ["response 200"])            // RFC 6026 §8.4
        let fork = response(200, to: invite, toTag: "other-fork")
        #expect(summaries(rig.receive(fork)) == ["response 200"])          // forked 2xx too
        #expect(rig.receive(response(486, to: invite)).isEmpty)            // non-2xx absorbed
        #expect(rig.receive(response(180, to: invite)).isEmpty)
        let log = rig.advance(to: at(.seconds(40)))
        #expect(timed(log) == ["32100 terminated"])
        #expect(!rig.log.contains { $0.1.sent?.method == .ack })
        // After Timer M a 2xx matches nothing (§17.1.3): stray, for the TU core to see.
        #expect(summaries(rig.receive(ok)) == ["stray 200"])
    }

    @Test("Proceeding -2xx-> Accepted")
    func proceedingToAccepted() {
        let rig = Rig()
        let invite = makeRequest("INVITE")
        rig.send(invite)
        rig.receive(response(180, to: invite))
        rig.advance(to: ms(5000))
        #expect(summaries(rig.receive(response(200, to: invite))) == ["response 200"])
        #expect(rig.layer.nextDeadline == ms(5000 + 32000))
        #expect(summaries(rig.receive(response(200, to: invite))) == ["response 200"])
        #expect(timed(rig.advance(to: at(.seconds(60)))) == ["37000 terminated"])
    }

    @Test("Calling -300-699-> Completed: ACK built per §17.1.1.3 and sent, response to the TU, Timer D 32 s")
    func callingToCompleted() throws {
        let rig = Rig()
        let invite = makeRequest("INVITE", uri: "sip:bob@biloxi.example.com;transport=udp",
                                 extra: ["Route: <sip:p1.example.com;lr>", "Route: <sip:p2.example.com;lr>",
                                         "Contact: <sip:alice@192.0.2.1>", "Require: 100rel"])
        rig.send(invite)
        rig.advance(to: ms(600))
        let busy = response(486, to: invite, toTag: "busy-tag")
        let outputs = rig.receive(busy)
        #expect(summaries(outputs) == ["send ACK", "response 486"])
        let ack = try #require(outputs.first?.sent)
        #expect(outputs.first?.sentTo == udpPeer)
        #expect(ack.requestURI == invite.requestURI)
        #expect(try ack.callID() == invite.callID())
        #expect(ack.headers.first(.from) == invite.headers.first(.from))
        #expect(try ack.to().tag == "busy-tag")
        #expect(try ack.vias() == [try invite.topVia()])
        #expect(try ack.cseq() == CSeq(1, .ack))
        #expect(ack.headers.lines(.route) == ["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"])
        #expect(!ack.headers.contains(.require))
        #expect(ack.body.isEmpty)
        try ack.validate()
        #expect(rig.layer.nextDeadline == ms(600 + 32000))
        // A retransmitted final response: the same ACK again, nothing to the TU.
        rig.advance(to: ms(2000))
        let again = rig.receive(busy)
        #expect(summaries(again) == ["send ACK"])
        #expect(again.first?.sent == ack)
        #expect(timed(rig.advance(to: at(.seconds(40)))) == ["32600 terminated"])
        #expect(sendTimes(rig.log, "INVITE") == [0, 500])
    }

    @Test("Proceeding -300-699-> Completed")
    func proceedingToCompleted() {
        let rig = Rig()
        let invite = makeRequest("INVITE")
        rig.send(invite)
        rig.receive(response(183, to: invite))
        #expect(summaries(rig.receive(response(603, to: invite))) == ["send ACK", "response 603"])
        #expect(rig.layer.nextDeadline == ms(32000))
    }

    @Test("Completed over TCP: Timer D is zero, the transaction ends at once")
    func reliableCompleted() {
        let rig = Rig()
        let invite = makeRequest("INVITE", transport: "TCP")
        rig.send(invite, to: tcpPeer)
        #expect(summaries(rig.receive(response(404, to: invite), from: tcpPeer)) == ["send ACK", "response 404", "terminated"])
        #expect(rig.layer.activeCount == 0)
        #expect(rig.layer.nextDeadline == nil)
    }

    @Test("Transport error in Calling and in Completed: inform the TU, Terminated")
    func transportErrors() {
        let rig = Rig()
        let (id, _) = rig.send(makeRequest("INVITE"))
        #expect(summaries(rig.transportFailed(udpPeer)) == ["transport error", "terminated"])
        #expect(rig.log.contains { if case .transportError(id, nil) = $0.1 { return true } else { return false } })

        let invite2 = makeRequest("INVITE", branch: "z9hG4bKa2")
        rig.send(invite2)
        rig.receive(response(500, to: invite2))
        #expect(summaries(rig.transportFailed(udpPeer)) == ["transport error", "terminated"])
        #expect(rig.layer.activeCount == 0)
    }

    @Test("Transport error in Proceeding and in Accepted: nothing is sent there, nothing happens")
    func transportErrorIgnored() {
        let rig = Rig()
        let invite = makeRequest("INVITE")
        rig.send(invite)
        rig.receive(response(180, to: invite))
        #expect(rig.transportFailed(udpPeer).isEmpty)
        rig.receive(response(200, to: invite))
        #expect(rig.transportFailed(udpPeer).isEmpty)
        #expect(rig.layer.activeCount == 1)
    }

    @Test("the state machine alone: actions of each arrow")
    func machineActions() {
        let timers = TransactionTimerValues()
        let invite = makeRequest("INVITE")
        var machine = InviteClientTransaction(request: invite, reliable: false, timers: timers)
        #expect(machine.handle(.start).array == [.sendRequest, .startTimer(.a, .milliseconds(500)), .startTimer(.b, .seconds(32))])
        #expect(machine.handle(.timer(.a)).array == [.sendRequest, .startTimer(.a, .seconds(1))])
        #expect(machine.handle(.timer(.a)).array == [.sendRequest, .startTimer(.a, .seconds(2))])
        #expect(machine.handle(.response(response(100, to: invite))).array == [.passToTU])
        #expect(machine.state == .proceeding)
        #expect(machine.handle(.timer(.a)).isEmpty)  // a timer of a state left behind
        #expect(machine.handle(.response(response(480, to: invite))).array == [.sendAck, .passToTU, .startTimer(.d, .seconds(32))])
        #expect(machine.state == .completed)
        #expect(machine.handle(.timer(.d)).array == [.terminate])
        #expect(machine.state == .terminated)
    }
}

import Testing
import SIPMessage
@testable import SIPTransaction

/// RFC 3261 §17.1.2, Figure 6: every arrow, on a virtual clock.
@Suite("Non-INVITE client transaction (RFC 3261 Figure 6)")
struct NonInviteClientTests {
    @Test("Trying: Timer E doubles up to T2 (0.5, 1.5, 3.5, 7.5, 11.5 … 31.5 s); Timer F at 32 s informs the TU")
    func timerEAndF() {
        let rig = Rig()
        let (id, first) = rig.send(makeRequest("OPTIONS"))
        #expect(summaries(first) == ["send OPTIONS"])
        let log = rig.advance(to: at(.seconds(40)))
        #expect(sendTimes(log, "OPTIONS") == [500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500])
        #expect(timed(log.filter { $0.1.sent == nil }) == ["32000 client timeout", "32000 terminated"])
        #expect(log.contains { if case .clientTimeout(id) = $0.1 { return true } else { return false } })
        #expect(rig.layer.activeCount == 0)
    }

    @Test("Trying over TCP: no retransmission, Timer F 32 s")
    func reliableTrying() {
        let rig = Rig()
        rig.send(makeRequest("REGISTER", transport: "TCP"), to: tcpPeer)
        #expect(timed(rig.advance(to: at(.seconds(40)))) == ["32000 client timeout", "32000 terminated"])
    }

    @Test("Trying -1xx-> Proceeding: to the TU; Timer E then fires every T2; 1xx again to the TU; F still ends it")
    func tryingToProceeding() {
        let rig = Rig()
        let request = makeRequest("BYE")
        rig.send(request)
        rig.advance(to: ms(700))   // retransmission at 500 ms; E next at 1500 ms (interval 1 s)
        #expect(summaries(rig.receive(response(100, to: request))) == ["response 100"])
        #expect(summaries(rig.receive(response(180, to: request))) == ["response 180"])
        let log = rig.advance(to: at(.seconds(40)))
        // §17.1.2.2: in Proceeding, Timer E is reset to T2 each time it fires.
        #expect(sendTimes(log, "BYE") == [1500, 5500, 9500, 13500, 17500, 21500, 25500, 29500])
        #expect(timed(log.filter { $0.1.sent == nil }) == ["32000 client timeout", "32000 terminated"])
    }

    @Test("Trying -200-699-> Completed: to the TU, retransmissions absorbed, Timer K (T4) ends it")
    func tryingToCompleted() {
        let rig = Rig()
        let request = makeRequest("OPTIONS")
        let (id, _) = rig.send(request)
        rig.advance(to: ms(600))
        let ok = response(200, to: request)
        let outputs = rig.receive(ok)
        #expect(summaries(outputs) == ["response 200"])
        if case .response(_, let got) = outputs.first { #expect(got == id) }
        #expect(rig.layer.nextDeadline == ms(5600))
        #expect(rig.receive(ok).isEmpty)                         // absorbed in Completed
        #expect(rig.receive(response(404, to: request)).isEmpty)
        #expect(timed(rig.advance(to: at(.seconds(40)))) == ["5600 terminated"])
        #expect(sendTimes(rig.log, "OPTIONS") == [0, 500])
    }

    @Test("Proceeding -200-699-> Completed")
    func proceedingToCompleted() {
        let rig = Rig()
        let request = makeRequest("INFO")
        rig.send(request)
        rig.receive(response(183, to: request))
        rig.advance(to: ms(2000))
        #expect(summaries(rig.receive(response(481, to: request))) == ["response 481"])
        #expect(rig.layer.nextDeadline == ms(7000))
        #expect(timed(rig.advance(to: at(.seconds(40)))) == ["7000 terminated"])
    }

    @Test("Completed over TCP: Timer K is zero, the transaction ends at once")
    func reliableCompleted() {
        let rig = Rig()
        let request = makeRequest("OPTIONS", transport: "TCP")
        rig.send(request, to: tcpPeer)
        #expect(summaries(rig.receive(response(200, to: request), from: tcpPeer)) == ["response 200", "terminated"])
        #expect(rig.layer.activeCount == 0)
    }

    @Test("Transport error in Trying and Proceeding: inform the TU, Terminated; in Completed: nothing")
    func transportErrors() {
        let rig = Rig()
        rig.send(makeRequest("OPTIONS", branch: "z9hG4bKt1"))
        #expect(summaries(rig.transportFailed(udpPeer)) == ["transport error", "terminated"])
        let second = makeRequest("OPTIONS", branch: "z9hG4bKt2")
        rig.send(second)
        rig.receive(response(100, to: second))
        #expect(summaries(rig.transportFailed(udpPeer)) == ["transport error", "terminated"])
        let third = makeRequest("OPTIONS", branch: "z9hG4bKt3")
        rig.send(third)
        rig.receive(response(200, to: third))
        #expect(rig.transportFailed(udpPeer).isEmpty)
        #expect(rig.layer.activeCount == 1)
    }

    @Test("the state machine alone: E capped at T2")
    func machineActions() {
        var machine = NonInviteClientTransaction(request: makeRequest("OPTIONS"), reliable: false, timers: TransactionTimerValues())
        #expect(machine.handle(.start).array == [.sendRequest, .startTimer(.e, .milliseconds(500)), .startTimer(.f, .seconds(32))])
        var intervals: [Duration] = []
        for _ in 0..<5 {
            for case .startTimer(.e, let interval) in machine.handle(.timer(.e)) { intervals.append(interval) }
        }
        #expect(intervals == [.seconds(1), .seconds(2), .seconds(4), .seconds(4), .seconds(4)])
        var reliable = NonInviteClientTransaction(request: makeRequest("OPTIONS"), reliable: true, timers: TransactionTimerValues())
        #expect(reliable.handle(.start).array == [.sendRequest, .startTimer(.f, .seconds(32))])
    }
}

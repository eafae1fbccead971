import Testing
import SIPMessage
import SIPTransaction
@testable import SIPCore

@Suite("Dialog 2xx retransmission and forks (RFC 3261 §13.3.1.4, §13.2.2.4)")
struct DialogRetransmissionTests: DialogFixture {
    /// Runs the retransmitter to `end`, waking at each deadline; returns (ms, action) pairs.
    func run(_ retransmitter: inout TwoHundredRetransmitter, until end: SIPInstant) -> [(Int64, TwoHundredRetransmitter.Action)] {
        var log: [(Int64, TwoHundredRetransmitter.Action)] = []
        while let deadline = retransmitter.deadline, deadline <= end {
            if let action = retransmitter.fire(now: deadline) { log.append((deadline.nanoseconds / 1_000_000, action)) }
        }
        return log
    }

    @Test("2xx resent at intervals 500 ms, 1 s, 2 s, 4 s, 4 s …; BYE after 64·T1 = 32 s without ACK")
    func scheduleAndGiveUp() {
        var r = TwoHundredRetransmitter()
        r.start(now: .zero)
        #expect(r.deadline == ms(500))
        let log = run(&r, until: at(.seconds(60)))
        let sends = log.filter { $0.1 == .retransmit }.map(\.0)
        #expect(sends == [500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500])
        let gaps = zip(sends.dropFirst(), sends).map { $0 - $1 }
        #expect(Array(gaps.prefix(4)) == [1000, 2000, 4000, 4000])
        #expect(log.last?.0 == 32000)
        #expect(log.last?.1 == .giveUpAndSendBye)
        #expect(r.state == .timedOut)
        #expect(r.deadline == nil)
    }

    @Test("The ACK stops retransmissions")
    func ackStops() {
        var r = TwoHundredRetransmitter()
        r.start(now: .zero)
        #expect(r.fire(now: ms(500)) == .retransmit)
        #expect(r.fire(now: ms(1000)) == nil)  // woken early: nothing due
        let stopped = r.ackReceived()
        #expect(stopped)
        #expect(r.deadline == nil)
        #expect(r.fire(now: at(.seconds(40))) == nil)
        let again = r.ackReceived()
        #expect(!again)
    }

    @Test("UAS flow: 2xx sent, retransmitted until the ACK arrives through the dialog table")
    func uasFlowWithTable() throws {
        let invite = aliceInvite()
        let ok = answer(invite, 200)
        var table = DialogTable()
        let dialog = try Dialog.uas(request: invite, response: ok)
        table.insert(dialog)
        var r = TwoHundredRetransmitter()
        r.start(now: .zero)
        #expect(r.fire(now: ms(500)) == .retransmit)
        #expect(r.fire(now: ms(1500)) == .retransmit)
        let ack = peerRequest("ACK", in: dialog, cseq: 314159)
        guard case .ack(let id, let sequence) = table.route(ack) else { Issue.record("ACK not matched"); return }
        #expect(id == dialog.id && sequence == 314159)
        let stopped = r.ackReceived()
        #expect(stopped)
        #expect(r.state == .acknowledged)
    }

    @Test("UAC in a dialog: ACK the 2xx to a re-INVITE, resend that ACK for each retransmission; nothing for other 2xx")
    func reInviteACKs() throws {
        let invite = ourInvite(cseq: 41)
        var dialog = try Dialog.uac(request: invite, response: forkResponse(to: invite, 200, tag: "b1"))
        #expect(dialog.receiveResponse(forkResponse(to: invite, 200, tag: "b1")) == .resendACK(inviteSequence: 41))
        let reinvite = try dialog.makeRequest(.invite, via: testVia).message
        var ok = SIPMessage.response(to: reinvite, status: 200)
        ok.headers.append(.contact, "<sip:bob@192.0.2.20:5060>")
        #expect(dialog.receiveResponse(ok) == .sendACK(inviteSequence: 42))
        #expect(dialog.receiveResponse(ok) == .resendACK(inviteSequence: 42))
        let bye = try dialog.makeRequest(.bye, via: testVia).message
        #expect(dialog.receiveResponse(SIPMessage.response(to: bye, status: 200)) == .none)
        // An early dialog confirmed by its 2xx: ACK it once, then resend.
        var early = try Dialog.uac(request: invite, response: forkResponse(to: invite, 180, tag: "b2"))
        #expect(early.receiveResponse(forkResponse(to: invite, 200, tag: "b2")) == .sendACK(inviteSequence: 41))
        #expect(early.receiveResponse(forkResponse(to: invite, 200, tag: "b2")) == .resendACK(inviteSequence: 41))
    }

    @Test("Timer values follow the transaction layer's T1/T2")
    func otherTimers() {
        var r = TwoHundredRetransmitter(timers: TransactionTimerValues(t1: .milliseconds(100), t2: .milliseconds(400)))
        r.start(now: .zero)
        let log = run(&r, until: at(.seconds(10)))
        #expect(log.filter { $0.1 == .retransmit }.prefix(5).map(\.0) == [100, 300, 700, 1100, 1500])
        #expect(log.last?.0 == 6400)
        #expect(log.last?.1 == .giveUpAndSendBye)
    }

    @Test("Forks: one early dialog per To tag; the first 2xx confirms its dialog")
    func forkedEarlyDialogs() throws {
        let invite = ourInvite()
        var forks = InviteForks(invite: invite)
        #expect(forks.receive(forkResponse(to: invite, 100, tag: nil)) == .provisional)
        #expect(forks.receive(forkResponse(to: invite, 180, tag: nil)) == .provisional)
        guard case .earlyDialogCreated(let a) = forks.receive(forkResponse(to: invite, 180, tag: "a")) else { Issue.record("no dialog a"); return }
        guard case .earlyDialogCreated(let b) = forks.receive(forkResponse(to: invite, 183, tag: "b", contact: "<sip:b@192.0.2.40>")) else { Issue.record("no dialog b"); return }
        #expect(a.remoteTag == "a" && b.remoteTag == "b")
        #expect(forks.receive(forkResponse(to: invite, 183, tag: "a")) == .earlyDialogUpdated(a))
        #expect(forks.earlyDialogs.count == 2)
        #expect(forks.receive(forkResponse(to: invite, 200, tag: "b", contact: "<sip:b@192.0.2.41>")) == .confirmed(b))
        #expect(forks.confirmedDialog?.state == .confirmed)
        #expect(forks.confirmedDialog?.remoteTarget.description == "sip:b@192.0.2.41")
        #expect(forks[remoteTag: "a"]?.state == .early)
        // §13.2.2.4: 64·T1 after the 2xx the transaction ends, and so do other early dialogs.
        #expect(forks.transactionEnded() == [a])
        #expect(forks[remoteTag: "a"]?.state == .terminated)
    }

    @Test("UAC: every retransmission of the accepted 2xx gets the ACK again")
    func resendACK() {
        let invite = ourInvite()
        var forks = InviteForks(invite: invite)
        guard case .confirmed(let id) = forks.receive(forkResponse(to: invite, 200, tag: "a")) else { Issue.record("not confirmed"); return }
        #expect(forks.receive(forkResponse(to: invite, 200, tag: "a")) == .resendACK(id))
        #expect(forks.receive(forkResponse(to: invite, 200, tag: "a")) == .resendACK(id))
        #expect(forks.receive(forkResponse(to: invite, 180, tag: "c")) == .ignore)
    }

    @Test("UAC: a 2xx from another fork → ACK then BYE, built in that fork's dialog")
    func extraForkAckThenBye() throws {
        let invite = ourInvite(cseq: 9)
        var forks = InviteForks(invite: invite)
        _ = forks.receive(forkResponse(to: invite, 180, tag: "b"))
        _ = forks.receive(forkResponse(to: invite, 200, tag: "a"))
        guard case .ackThenBye(var other) = forks.receive(forkResponse(to: invite, 200, tag: "b", contact: "<sip:b@192.0.2.50>")) else {
            Issue.record("expected ackThenBye"); return
        }
        #expect(other.state == .confirmed)
        #expect(other.id.remoteTag == "b")
        let ack = try other.makeACK(inviteSequence: 9, via: testVia)
        #expect(try ack.message.cseq() == CSeq(9, .ack))
        #expect(try ack.message.to().tag == "b")
        #expect(ack.message.requestURI?.description == "sip:b@192.0.2.50")
        let bye = try other.makeRequest(.bye, via: Via(host: "192.0.2.1", port: 5060, branch: "z9hG4bKbye"))
        #expect(try bye.message.cseq() == CSeq(10, .bye))
        #expect(try bye.message.to().tag == "b")
        // An extra 2xx from a fork never seen before is handled the same way.
        guard case .ackThenBye(let third) = forks.receive(forkResponse(to: invite, 200, tag: "c")) else { Issue.record("expected ackThenBye"); return }
        #expect(third.id.remoteTag == "c")
        #expect(forks.confirmedDialog?.id.remoteTag == "a")
    }

    @Test("UAC: a final failure ends every early dialog (§12.3)")
    func failure() {
        let invite = ourInvite()
        var forks = InviteForks(invite: invite)
        _ = forks.receive(forkResponse(to: invite, 180, tag: "a"))
        #expect(forks.receive(forkResponse(to: invite, 486, tag: "a")) == .failed(status: 486))
        #expect(forks.earlyDialogs.isEmpty)
        #expect(forks.receive(forkResponse(to: invite, 180, tag: "b")) == .ignore)
    }
}

import Testing
import SIPMessage
import SIPTransaction
@testable import SIPCore

/// One outbound INVITE leg: the requests it builds, forks (§13.2.2.4), CANCEL (§9.1), the
/// ring timeout and transaction failures (§8.1.3.1), on a virtual clock.
@Suite struct OutboundInviteTests {
    typealias F = UACFixture

    @Test func initialInviteCarriesEveryHeaderOfSection8() throws {
        var leg = F.leg()
        let actions = leg.start(now: .zero)
        #expect(actions.count == 1)
        guard case .sendRequest(let request)? = actions.first else { Issue.record("no INVITE: \(actions)"); return }
        let invite = request.message
        #expect(invite.method == .invite)
        #expect(invite.requestURI?.description == "sip:alice@192.0.2.20:5060")
        #expect(request.nextHop.description == "sip:alice@192.0.2.20:5060")
        #expect(invite.headers.lines(.via) == ["SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKleg1.1;rport"])
        #expect(invite.headers.first(.maxForwards) == "70")
        #expect(invite.headers.first(.from) == "Caller <sip:+15550100@switchboard.example>;tag=ft-leg1")
        #expect(invite.headers.first(.to) == "<sip:alice@192.0.2.20:5060>")
        #expect(invite.headers.first(.callID) == "leg1@switchboard.example")
        #expect(invite.headers.first(.cseq) == "1 INVITE")
        #expect(invite.headers.first(.contact) == "<sip:switchboard@192.0.2.1:5060>")
        #expect(invite.headers.first(.route) == nil)
        #expect(invite.headers["Allow"] == "INVITE, ACK, CANCEL, BYE")
        #expect(invite.headers.first(.contentType) == "application/sdp")
        #expect(invite.body == F.sdpOffer)
        #expect(leg.phase == .calling)
        // It parses back as what it claims to be.
        let parsed = F.wire(invite)
        #expect(try parsed.cseq() == CSeq(1, .invite))
        #expect(leg.start(now: .zero).isEmpty, "a second start does nothing")
    }

    @Test func trunkTargetPreloadsALooseRouteAndSendsThere() {
        let target = OutboundTarget.trunk(F.uri("sip:+15551234567@carrier.example"), proxy: F.uri("sip:proxy.carrier.example:5070"),
                                          credentials: [.password("pw", username: "trunk42")])
        var leg = OutboundInvite(target: target, configuration: F.configuration(), identity: F.identity())
        guard case .sendRequest(let request)? = leg.start(now: .zero).first else { Issue.record("no INVITE"); return }
        #expect(request.message.headers.lines(.route) == ["<sip:proxy.carrier.example:5070;lr>"])
        #expect(request.message.requestURI?.description == "sip:+15551234567@carrier.example")
        #expect(request.nextHop.description == "sip:proxy.carrier.example:5070;lr")
    }

    @Test func registeredContactGoesToTheContactWithTheAORInTo() {
        let binding = LocationBinding(aor: AddressOfRecord(user: "alice", domain: "switchboard.example"),
                                      contact: F.uri("sip:alice@198.51.100.7:6123;transport=tcp"), expiresAt: F.seconds(3600),
                                      callID: "reg", cseq: 1, updatedAt: .zero,
                                      source: TransportFlow(transport: .tcp, host: "198.51.100.7", port: 6123, connection: 9))
        let target = OutboundTarget.registered(binding)
        #expect(target.requestURI.description == "sip:alice@198.51.100.7:6123;transport=tcp")
        #expect(target.to.description == "<sip:alice@switchboard.example>")
        #expect(target.flow?.connection == 9)
    }

    // MARK: Forks (§13.2.2.4)

    @Test func twoForksRingAndAnswerBothAreAckedTheLoserIsByed() throws {
        var leg = F.leg()
        let invite = F.single(leg.start(now: .zero))

        let ringA = leg.receive(F.response(to: invite, 180, tag: "a", contact: "<sip:alice@192.0.2.20:5060>"), now: F.seconds(1))
        #expect(ringA == [.ringing(status: 180, earlyMedia: nil)])
        let ringB = leg.receive(F.response(to: invite, 180, tag: "b", contact: "<sip:alice@192.0.2.21:5060>"), now: F.seconds(1))
        #expect(ringB.isEmpty, "a second 180 without new early media is not reported again")
        #expect(leg.phase == .proceeding)

        let okA = F.response(to: invite, 200, tag: "a", contact: "<sip:alice@192.0.2.20:5060>", sdp: F.sdpAnswer)
        let answer = leg.receive(okA, now: F.seconds(2))
        #expect(answer.count == 2)
        let ackA = try #require(F.acks(answer).first)
        #expect(ackA.requestURI?.description == "sip:alice@192.0.2.20:5060")
        #expect(F.cseq(ackA) == "1 ACK")
        #expect(F.toTag(ackA) == "a")
        #expect(ackA.headers.first(.callID) == "leg1@switchboard.example")
        #expect(F.branch(ackA) != F.branch(invite), "the ACK for a 2xx is a new transaction (§17.1.1.3)")
        #expect(ackA.headers.lines(.via).count == 1)
        #expect(ackA.headers.first(.from) == invite.headers.first(.from))
        #expect(ackA.headers.first(.maxForwards) == "70")
        #expect(ackA.headers.first(.contact) == nil)
        #expect(ackA.body.isEmpty)
        let (dialog, sdp) = try #require(F.answered(answer))
        #expect(dialog.id == DialogID(callID: "leg1@switchboard.example", localTag: "ft-leg1", remoteTag: "a"))
        #expect(dialog.state == .confirmed)
        #expect(sdp == Array(F.sdpAnswer.utf8))
        #expect(leg.phase == .answered)
        #expect(leg.answeredDialog?.id.remoteTag == "a")
        #expect(leg.nextDeadline == nil, "no ring timeout after the answer")

        let okB = F.response(to: invite, 200, tag: "b", contact: "<sip:alice@192.0.2.21:5060>", sdp: F.sdpAnswer)
        let loser = leg.receive(okB, now: F.seconds(2))
        #expect(loser.count == 2)
        let ackB = try #require(F.acks(loser).first)
        #expect(F.toTag(ackB) == "b")
        #expect(F.cseq(ackB) == "1 ACK")
        #expect(ackB.requestURI?.description == "sip:alice@192.0.2.21:5060")
        let bye = F.single(loser)
        #expect(bye.method == .bye)
        #expect(F.toTag(bye) == "b")
        #expect(F.cseq(bye) == "2 BYE")
        #expect(bye.requestURI?.description == "sip:alice@192.0.2.21:5060")
        #expect(bye.headers.first(.from) == invite.headers.first(.from))
        #expect(bye.headers.first(.callID) == invite.headers.first(.callID))
        #expect(F.answered(loser) == nil)

        let branches = [invite, ackA, ackB, bye].compactMap(F.branch)
        #expect(Set(branches).count == 4, "every request has its own branch: \(branches)")

        // Retransmissions of either 2xx get the same ACK again, and no second BYE.
        #expect(leg.receive(okA, now: F.seconds(3)) == [.sendACK(DialogRequest(message: ackA, nextHop: F.uri("sip:alice@192.0.2.20:5060")))])
        let againB = leg.receive(okB, now: F.seconds(3))
        #expect(F.acks(againB) == [ackB])
        #expect(F.requests(againB).isEmpty)
    }

    @Test func earlyMediaIsReportedWithItsSDP() {
        var leg = F.leg()
        let invite = F.single(leg.start(now: .zero))
        #expect(leg.receive(F.response(to: invite, 100), now: .zero).isEmpty, "100 Trying is not ringing")
        let progress = leg.receive(F.response(to: invite, 183, tag: "a", contact: "<sip:a@192.0.2.20>", sdp: F.sdpAnswer), now: .zero)
        #expect(progress == [.ringing(status: 183, earlyMedia: Array(F.sdpAnswer.utf8))])
    }

    @Test func changedEarlyMediaIsReportedAgain() {
        var leg = F.leg()
        let invite = F.single(leg.start(now: .zero))
        let other = F.sdpAnswer + "a=sendrecv\r\n"
        #expect(leg.receive(F.response(to: invite, 180, tag: "a", contact: "<sip:a@192.0.2.20>"), now: .zero).count == 1)
        #expect(leg.receive(F.response(to: invite, 183, tag: "a", contact: "<sip:a@192.0.2.20>", sdp: F.sdpAnswer), now: .zero)
                == [.ringing(status: 183, earlyMedia: Array(F.sdpAnswer.utf8))])
        #expect(leg.receive(F.response(to: invite, 183, tag: "a", contact: "<sip:a@192.0.2.20>", sdp: F.sdpAnswer), now: .zero).isEmpty)
        #expect(leg.receive(F.response(to: invite, 183, tag: "b", contact: "<sip:a@192.0.2.21>", sdp: other), now: .zero)
                == [.ringing(status: 183, earlyMedia: Array(other.utf8))])
    }

    @Test func identitiesAddTheMagicCookie() {
        #expect(OutboundInviteIdentity(callID: "c", fromTag: "t", branchPrefix: "abc").branchPrefix == "z9hG4bKabc")
        #expect(OutboundInviteIdentity(callID: "c", fromTag: "t", branchPrefix: "z9hG4bKabc").branchPrefix == "z9hG4bKabc")
    }

    @Test func responsesOfOtherRequestsAndLegsAreIgnored() {
        var leg = F.leg()
        let invite = F.single(leg.start(now: .zero))
        var foreign = F.response(to: invite, 180, tag: "x", contact: "<sip:x@192.0.2.9>")
        foreign.headers.set(.callID, "someone-else")
        #expect(leg.receive(foreign, now: .zero).isEmpty)
        var stale = F.response(to: invite, 486, tag: "x")
        stale.headers.set(.cseq, "7 INVITE")
        #expect(leg.receive(stale, now: .zero).isEmpty)
        #expect(leg.phase == .calling)
    }

    // MARK: CANCEL (§9.1)

    @Test func cancelAfterProvisionalSendsAMatchingCancelThen487Fails() throws {
        var leg = F.leg()
        let invite = F.single(leg.start(now: .zero))
        _ = leg.receive(F.response(to: invite, 180, tag: "a", contact: "<sip:a@192.0.2.20>"), now: F.seconds(1))
        let actions = leg.cancel(now: F.seconds(2))
        let cancel = F.single(actions)
        #expect(cancel.method == .cancel)
        #expect(cancel.requestURI == invite.requestURI)
        #expect(cancel.headers.lines(.via) == invite.headers.lines(.via), "one Via, the INVITE's top Via with its branch")
        #expect(cancel.headers.first(.to) == invite.headers.first(.to))
        #expect(F.toTag(cancel) == nil, "the CANCEL's To is the INVITE's, without the 180's tag")
        #expect(cancel.headers.first(.from) == invite.headers.first(.from))
        #expect(cancel.headers.first(.callID) == invite.headers.first(.callID))
        #expect(F.cseq(cancel) == "1 CANCEL")
        #expect(cancel.headers.first(.reason) == nil)
        #expect(cancel.body.isEmpty)
        #expect(leg.phase == .cancelling)
        #expect(leg.cancel(now: F.seconds(2)).isEmpty, "one CANCEL only")

        // The 200 to the CANCEL changes nothing; the 487 ends the leg.
        #expect(leg.receive(F.response(to: cancel, 200), now: F.seconds(2)).isEmpty)
        let ended = leg.receive(F.response(to: invite, 487, tag: "a"), now: F.seconds(2))
        #expect(ended == [.failed(OutboundInviteFailure(status: 487, reason: .cancelled, response: F.response(to: invite, 487, tag: "a")))])
        #expect(leg.phase == .failed)
        #expect(F.acks(ended).isEmpty, "the ACK for a 487 is the transaction layer's (§17.1.1.3)")
    }

    @Test func cancelBeforeProvisionalWaitsForTheFirst1xx() {
        var leg = F.leg()
        let invite = F.single(leg.start(now: .zero))
        #expect(leg.cancel(reason: "SIP;cause=200;text=\"Call completed elsewhere\"", now: F.seconds(1)).isEmpty,
                "no CANCEL before a provisional response (§9.1)")
        #expect(leg.phase == .cancelling)
        let onTrying = leg.receive(F.response(to: invite, 100), now: F.seconds(2))
        let cancel = F.single(onTrying)
        #expect(cancel.method == .cancel)
        #expect(cancel.headers.first(.reason) == "SIP;cause=200;text=\"Call completed elsewhere\"")
        #expect(F.branch(cancel) == F.branch(invite))
        #expect(leg.receive(F.response(to: invite, 180, tag: "a", contact: "<sip:a@192.0.2.20>"), now: F.seconds(2)).isEmpty,
                "no second CANCEL, no ringing report while cancelling")
    }

    @Test func cancelBeforeProvisionalThenFinalResponseEndsWithoutCancel() {
        var leg = F.leg()
        let invite = F.single(leg.start(now: .zero))
        _ = leg.cancel(now: F.seconds(1))
        let ended = leg.receive(F.response(to: invite, 486, tag: "a"), now: F.seconds(2))
        #expect(F.requests(ended).isEmpty)
        #expect(F.failure(ended)?.status == 486)
        #expect(F.failure(ended)?.reason == .cancelled)
    }

    @Test func twoHundredRacingTheCancelIsAckedAndByed() throws {
        var leg = F.leg()
        let invite = F.single(leg.start(now: .zero))
        _ = leg.receive(F.response(to: invite, 180, tag: "a", contact: "<sip:a@192.0.2.20>"), now: F.seconds(1))
        let cancel = F.single(leg.cancel(now: F.seconds(2)))
        let ok = F.response(to: invite, 200, tag: "a", contact: "<sip:a@192.0.2.20>", sdp: F.sdpAnswer)
        let actions = leg.receive(ok, now: F.seconds(2))
        let ack = try #require(F.acks(actions).first)
        #expect(F.cseq(ack) == "1 ACK")
        #expect(F.toTag(ack) == "a")
        let bye = F.single(actions)
        #expect(bye.method == .bye)
        #expect(F.cseq(bye) == "2 BYE")
        #expect(F.toTag(bye) == "a")
        #expect(F.answered(actions) == nil)
        #expect(F.failure(actions)?.status == 200)
        #expect(F.failure(actions)?.reason == .cancelled)
        #expect(Set([invite, cancel, ack, bye].compactMap(F.branch)).count == 3, "CANCEL shares the INVITE's branch; ACK and BYE have their own")
        // The same 2xx again: the ACK again, nothing else.
        #expect(F.acks(leg.receive(ok, now: F.seconds(3))) == [ack])
    }

    @Test func twoHundredAfterCancelBeforeAnyProvisionalIsAckedAndByed() {
        var leg = F.leg()
        let invite = F.single(leg.start(now: .zero))
        _ = leg.cancel(now: F.seconds(1))
        let actions = leg.receive(F.response(to: invite, 200, tag: "a", contact: "<sip:a@192.0.2.20>", sdp: F.sdpAnswer), now: F.seconds(1))
        #expect(F.acks(actions).count == 1)
        #expect(F.requests(actions).map(\.method) == [.bye], "no CANCEL was ever sent")
        #expect(F.failure(actions)?.reason == .cancelled)
    }

    @Test func cancellingANotStartedLegFailsAtOnce() {
        var leg = F.leg()
        #expect(leg.cancel(now: .zero) == [.failed(OutboundInviteFailure(status: 487, reason: .cancelled))])
        #expect(leg.start(now: .zero).isEmpty)
    }

    // MARK: Time

    @Test func ringTimeoutCancelsAndEndsAsNoAnswer() {
        var leg = F.leg(ringTimeout: .seconds(20))
        let invite = F.single(leg.start(now: F.seconds(100)))
        #expect(leg.nextDeadline == F.seconds(120))
        _ = leg.receive(F.response(to: invite, 180, tag: "a", contact: "<sip:a@192.0.2.20>"), now: F.seconds(101))
        #expect(leg.timerFired(now: F.seconds(119)).isEmpty, "woken early: nothing")
        let cancel = F.single(leg.timerFired(now: F.seconds(120)))
        #expect(cancel.method == .cancel)
        #expect(leg.cancelCause == .noAnswer)
        #expect(leg.nextDeadline == F.seconds(152), "64·T1 guard after the CANCEL (§9.1)")
        let ended = leg.receive(F.response(to: invite, 487, tag: "a"), now: F.seconds(121))
        #expect(F.failure(ended)?.status == 487)
        #expect(F.failure(ended)?.reason == .noAnswer)
        #expect(leg.nextDeadline == nil)
    }

    @Test func cancelGuardEndsALegWhoseInviteNeverCompletes() {
        var leg = F.leg(ringTimeout: .seconds(20))
        let invite = F.single(leg.start(now: .zero))
        _ = leg.receive(F.response(to: invite, 180, tag: "a", contact: "<sip:a@192.0.2.20>"), now: .zero)
        _ = leg.timerFired(now: F.seconds(20))
        #expect(leg.timerFired(now: F.seconds(51)).isEmpty)
        #expect(leg.timerFired(now: F.seconds(52)) == [.failed(OutboundInviteFailure(status: 487, reason: .noAnswer))])
    }

    @Test func ringTimeoutBeforeAnyProvisionalDefersTheCancel() {
        var leg = F.leg(ringTimeout: .seconds(5))
        let invite = F.single(leg.start(now: .zero))
        #expect(leg.timerFired(now: F.seconds(5)).isEmpty)
        #expect(leg.phase == .cancelling)
        #expect(F.single(leg.receive(F.response(to: invite, 180, tag: "a", contact: "<sip:a@192.0.2.20>"), now: F.seconds(6))).method == .cancel)
    }

    @Test func timerBAndTransportErrorsFailTheLeg() {
        var timedOut = F.leg()
        _ = timedOut.start(now: .zero)
        #expect(timedOut.transactionFailed(method: .cancel, timedOut: true, now: F.seconds(32)).isEmpty, "only the INVITE's counts")
        #expect(timedOut.transactionFailed(timedOut: true, now: F.seconds(32)) == [.failed(OutboundInviteFailure(status: 408, reason: .unreachable))])

        var unreachable = F.leg()
        _ = unreachable.start(now: .zero)
        #expect(unreachable.transactionFailed(timedOut: false, now: .zero) == [.failed(OutboundInviteFailure(status: 503, reason: .unreachable))])
        #expect(unreachable.transactionFailed(timedOut: false, now: .zero).isEmpty, "reported once")
    }

    @Test func finalStatusesMapToReasons() {
        #expect(OutboundInviteFailure.reason(forStatus: 486) == .busy)
        #expect(OutboundInviteFailure.reason(forStatus: 600) == .busy)
        #expect(OutboundInviteFailure.reason(forStatus: 480) == .noAnswer)
        #expect(OutboundInviteFailure.reason(forStatus: 603) == .declined)
        #expect(OutboundInviteFailure.reason(forStatus: 404) == .rejected)
        var leg = F.leg()
        let invite = F.single(leg.start(now: .zero))
        let ended = leg.receive(F.response(to: invite, 486, tag: "a"), now: .zero)
        #expect(F.failure(ended)?.reason == .busy)
        #expect(F.failure(ended)?.status == 486)
    }
}

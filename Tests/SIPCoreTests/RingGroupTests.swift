import Testing
import TestSupport
import SIPMessage
import SIPTransaction
@testable import SIPCore

/// Simultaneous ring and sequential hunt over `OutboundInvite` legs, and the aggregated
/// verdict (modelled on RFC 3261 §16.7), on a virtual clock.
@Suite struct RingGroupTests {
    typealias F = UACFixture

    static func group(_ count: Int, strategy: RingGroup.Strategy, ringTimeout: Duration? = .seconds(20),
                      overall: Duration? = .seconds(60), stopOnGlobalFailure: Bool = true) -> RingGroup {
        let legs = (0..<count).map { F.leg("sip:phone\($0)@192.0.2.\(20 + $0)", name: "leg\($0)", ringTimeout: ringTimeout) }
        return RingGroup(legs: legs, strategy: strategy, overallTimeout: overall, stopOnGlobalFailure: stopOnGlobalFailure)
    }

    /// The INVITE each leg sent in `actions`, by leg index.
    static func invites(_ actions: [RingGroup.Action], legs: Int) -> [Int: SIPMessage] {
        var result: [Int: SIPMessage] = [:]
        for index in 0..<legs {
            if let invite = F.requests(F.legActions(actions, index)).first(where: { $0.method == .invite }) { result[index] = invite }
        }
        return result
    }

    @Test func simultaneousRingFirstAnswerWinsOthersAreCancelledAsCompletedElsewhere() throws {
        var group = Self.group(3, strategy: .simultaneous)
        let invites = Self.invites(group.start(now: .zero), legs: 3)
        #expect(invites.count == 3)
        let callIDs = Set(invites.values.compactMap { $0.headers.first(.callID) })
        #expect(callIDs.count == 3, "each leg is its own call")
        let (i0, i1, i2) = (try #require(invites[0]), try #require(invites[1]), try #require(invites[2]))
        _ = group.receive(F.response(to: i0, 180, tag: "p0", contact: "<sip:phone0@192.0.2.20>"), now: F.seconds(1))
        _ = group.receive(F.response(to: i1, 180, tag: "p1", contact: "<sip:phone1@192.0.2.21>"), now: F.seconds(1))
        // Leg 2 has sent nothing back yet.

        let answer = group.receive(F.response(to: i1, 200, tag: "p1", contact: "<sip:phone1@192.0.2.21>", sdp: F.sdpAnswer), now: F.seconds(5))
        #expect(F.acks(F.legActions(answer, 1)).count == 1)
        let outcome = try #require(F.finished(answer).first)
        guard case .answered(let leg, let target, let dialog, let sdp) = outcome else { Issue.record("not answered: \(outcome)"); return }
        #expect(leg == 1)
        #expect(target.requestURI.description == "sip:phone1@192.0.2.21")
        #expect(dialog.id.remoteTag == "p1")
        #expect(sdp == Array(F.sdpAnswer.utf8))
        #expect(F.finished(answer).count == 1)

        let cancel0 = F.single(F.legActions(answer, 0))
        #expect(cancel0.method == .cancel)
        #expect(cancel0.headers.first(.reason) == "SIP;cause=200;text=\"Call completed elsewhere\"")
        #expect(F.branch(cancel0) == F.branch(i0))
        #expect(F.legActions(answer, 2).isEmpty, "leg 2 has no provisional yet: its CANCEL waits (§9.1)")
        #expect(group.legs[2].phase == .cancelling)

        // Leg 2 rings now: its CANCEL goes, with the same Reason.
        let late = group.receive(F.response(to: i2, 180, tag: "p2", contact: "<sip:phone2@192.0.2.22>"), now: F.seconds(6))
        let cancel2 = F.single(F.legActions(late, 2))
        #expect(cancel2.headers.first(.reason) == RingGroup.completedElsewhere)
        #expect(F.finished(late).isEmpty)

        // Leg 0 answered anyway (raced its CANCEL): ACK, then BYE.
        let race = group.receive(F.response(to: i0, 200, tag: "p0", contact: "<sip:phone0@192.0.2.20>", sdp: F.sdpAnswer), now: F.seconds(6))
        let raced = F.legActions(race, 0)
        #expect(F.acks(raced).count == 1)
        #expect(F.requests(raced).map(\.method) == [.bye])
        #expect(F.finished(race).isEmpty, "the verdict is given once")
        #expect(!group.isSettled, "leg 2 still waits for its final response")
        _ = group.receive(F.response(to: i2, 487, tag: "p2"), now: F.seconds(6))
        #expect(group.isSettled)
        #expect(group.cancel(now: F.seconds(7)).isEmpty, "an answered group is not cancelled")
    }

    @Test func sequentialHuntMovesOnFromBusyToTheNextAndAnswers() throws {
        var group = Self.group(3, strategy: .sequential)
        let start = group.start(now: .zero)
        #expect(Self.invites(start, legs: 3).keys.sorted() == [0], "one leg at a time")
        let i0 = try #require(Self.invites(start, legs: 3)[0])

        let busy = group.receive(F.response(to: i0, 486, tag: "p0"), now: F.seconds(1))
        #expect(F.failure(F.legActions(busy, 0))?.reason == .busy)
        #expect(Self.invites(busy, legs: 3).keys.sorted() == [1])
        #expect(F.finished(busy).isEmpty)
        let i1 = try #require(Self.invites(busy, legs: 3)[1])

        _ = group.receive(F.response(to: i1, 180, tag: "p1", contact: "<sip:phone1@192.0.2.21>"), now: F.seconds(2))
        let answer = group.receive(F.response(to: i1, 200, tag: "p1", contact: "<sip:phone1@192.0.2.21>", sdp: F.sdpAnswer), now: F.seconds(3))
        guard case .answered(1, _, _, _)? = F.finished(answer).first else { Issue.record("not answered by leg 1: \(answer)"); return }
        #expect(group.legs[2].phase == .idle, "the third phone never rang")
        #expect(group.isSettled)
    }

    @Test func sequentialHuntRingsTheNextWhenOneRingsOut() throws {
        var group = Self.group(2, strategy: .sequential, ringTimeout: .seconds(15), overall: .seconds(60))
        let i0 = try #require(Self.invites(group.start(now: .zero), legs: 2)[0])
        _ = group.receive(F.response(to: i0, 180, tag: "p0", contact: "<sip:phone0@192.0.2.20>"), now: F.seconds(1))
        #expect(group.nextDeadline == F.seconds(15))
        let timeout = group.timerFired(now: F.seconds(15))
        #expect(F.single(F.legActions(timeout, 0)).method == .cancel)
        let i1 = try #require(Self.invites(timeout, legs: 2)[1], "the next phone rings at once")
        #expect(group.legs[1].nextDeadline == F.seconds(30))
        _ = group.receive(F.response(to: i0, 487, tag: "p0"), now: F.seconds(16))
        _ = group.receive(F.response(to: i1, 180, tag: "p1", contact: "<sip:phone1@192.0.2.21>"), now: F.seconds(16))
        // The last phone rings out: the verdict comes with its CANCEL, not after its 487.
        let last = group.timerFired(now: F.seconds(30))
        #expect(F.single(F.legActions(last, 1)).method == .cancel)
        #expect(F.finished(last) == [.noAnswer])
        #expect(!group.isSettled)
        let end = group.receive(F.response(to: i1, 487, tag: "p1"), now: F.seconds(31))
        #expect(F.finished(end).isEmpty)
        #expect(group.isSettled)
    }

    @Test func allBusyIsBusy() throws {
        var group = Self.group(2, strategy: .simultaneous)
        let invites = Self.invites(group.start(now: .zero), legs: 2)
        let first = group.receive(F.response(to: try #require(invites[0]), 486, tag: "p0"), now: F.seconds(1))
        #expect(F.finished(first).isEmpty, "the other phone still rings")
        let second = group.receive(F.response(to: try #require(invites[1]), 486, tag: "p1"), now: F.seconds(2))
        #expect(F.finished(second) == [.busy])
        #expect(group.isSettled)
    }

    @Test func sequentialAllFailingGivesTheBestStatus() throws {
        var group = Self.group(2, strategy: .sequential)
        let i0 = try #require(Self.invites(group.start(now: .zero), legs: 2)[0])
        let next = group.receive(F.response(to: i0, 404, tag: "p0"), now: .zero)
        let i1 = try #require(Self.invites(next, legs: 2)[1])
        let end = group.receive(F.response(to: i1, 503, tag: "p1"), now: .zero)
        #expect(F.finished(end) == [.failed(status: 404)])
    }

    @Test func overallTimeoutCancelsEveryLegAsNoAnswer() throws {
        var group = Self.group(2, strategy: .simultaneous, ringTimeout: .seconds(60), overall: .seconds(25))
        let invites = Self.invites(group.start(now: .zero), legs: 2)
        for (index, invite) in invites {
            _ = group.receive(F.response(to: invite, 180, tag: "p\(index)", contact: "<sip:p\(index)@192.0.2.20>"), now: F.seconds(1))
        }
        #expect(group.nextDeadline == F.seconds(25))
        let timeout = group.timerFired(now: F.seconds(25))
        #expect(F.requests(F.legActions(timeout, 0)).map(\.method) == [.cancel])
        #expect(F.requests(F.legActions(timeout, 1)).map(\.method) == [.cancel])
        #expect(F.legActions(timeout, 0).allSatisfy { if case .sendRequest(let r) = $0 { return r.message.headers.first(.reason) == nil } else { return true } })
        #expect(F.finished(timeout) == [.noAnswer])
        #expect(group.overallTimedOut)
    }

    @Test func aGlobalFailureEndsTheGroup() throws {
        var group = Self.group(2, strategy: .simultaneous)
        let invites = Self.invites(group.start(now: .zero), legs: 2)
        _ = group.receive(F.response(to: try #require(invites[1]), 180, tag: "p1", contact: "<sip:p1@192.0.2.21>"), now: .zero)
        let declined = group.receive(F.response(to: try #require(invites[0]), 603, tag: "p0"), now: F.seconds(1))
        #expect(F.single(F.legActions(declined, 1)).method == .cancel, "§16.7: a 6xx cancels the other branches")
        #expect(F.finished(declined) == [.failed(status: 603)])
    }

    @Test func aGlobalFailureDoesNotEndTheGroupWhenToldNotTo() throws {
        var group = Self.group(2, strategy: .simultaneous, stopOnGlobalFailure: false)
        let invites = Self.invites(group.start(now: .zero), legs: 2)
        let declined = group.receive(F.response(to: try #require(invites[0]), 603, tag: "p0"), now: F.seconds(1))
        #expect(F.finished(declined).isEmpty)
        #expect(group.legs[1].phase == .calling)
    }

    @Test func ownerCancelEndsTheGroupAsCancelled() throws {
        var group = Self.group(2, strategy: .simultaneous)
        let invites = Self.invites(group.start(now: .zero), legs: 2)
        _ = group.receive(F.response(to: try #require(invites[0]), 180, tag: "p0", contact: "<sip:p0@192.0.2.20>"), now: .zero)
        let cancelled = group.cancel(now: F.seconds(2))
        #expect(F.requests(F.legActions(cancelled, 0)).map(\.method) == [.cancel])
        #expect(F.legActions(cancelled, 1).isEmpty)
        #expect(F.finished(cancelled) == [.cancelled])
    }

    @Test func legsBuiltFromTargetsHaveTheirOwnIdentities() throws {
        var random = SplitMix64(seed: 42)
        let targets = [OutboundTarget.uri(F.uri("sip:p0@192.0.2.20")), .uri(F.uri("sip:p1@192.0.2.21"))]
        var group = RingGroup(targets: targets, configuration: F.configuration(), strategy: .simultaneous,
                              overallTimeout: .seconds(30), random: &random)
        let invites = Self.invites(group.start(now: .zero), legs: 2).sorted { $0.key < $1.key }.map(\.value)
        #expect(invites.count == 2)
        #expect(Set(invites.compactMap { $0.headers.first(.callID) }).count == 2)
        #expect(invites.allSatisfy { $0.headers.first(.callID)?.hasSuffix("@192.0.2.1") == true })
        #expect(Set(invites.compactMap(F.branch)).count == 2)
        #expect(invites.allSatisfy { F.branch($0)?.hasPrefix("z9hG4bK") == true })
        #expect(Set(invites.compactMap { (try? $0.from())?.tag }).count == 2)
        #expect(invites.first?.requestURI?.description == "sip:p0@192.0.2.20")
    }

    @Test func aLegTimingOutCountsAsAFailureOfTheGroup() throws {
        var group = Self.group(2, strategy: .simultaneous)
        let invites = Self.invites(group.start(now: .zero), legs: 2)
        let timedOut = group.transactionFailed(leg: 0, timedOut: true, now: F.seconds(32))
        #expect(F.failure(F.legActions(timedOut, 0)) == OutboundInviteFailure(status: 408, reason: .unreachable))
        #expect(F.finished(timedOut).isEmpty)
        let end = group.receive(F.response(to: try #require(invites[1]), 404, tag: "p1"), now: F.seconds(33))
        #expect(F.finished(end) == [.failed(status: 404)])
    }

    @Test func anEmptyGroupFailsAtOnce() {
        var group = RingGroup(legs: [], strategy: .simultaneous, overallTimeout: .seconds(30))
        #expect(group.start(now: .zero) == [.finished(.failed(status: 480))])
    }

    @Test func theAggregationRule() {
        func f(_ status: Int, _ reason: OutboundInviteFailure.Reason) -> OutboundInviteFailure {
            OutboundInviteFailure(status: status, reason: reason)
        }
        #expect(RingGroupOutcome.aggregate([f(404, .rejected), f(486, .busy), f(487, .noAnswer)], overallTimedOut: false) == .busy)
        #expect(RingGroupOutcome.aggregate([f(600, .busy)], overallTimedOut: true) == .busy)
        #expect(RingGroupOutcome.aggregate([f(404, .rejected), f(487, .noAnswer)], overallTimedOut: false) == .noAnswer)
        #expect(RingGroupOutcome.aggregate([f(404, .rejected)], overallTimedOut: true) == .noAnswer)
        #expect(RingGroupOutcome.aggregate([f(503, .rejected), f(404, .rejected), f(415, .rejected)], overallTimedOut: false) == .failed(status: 404))
        #expect(RingGroupOutcome.aggregate([f(404, .rejected), f(603, .declined)], overallTimedOut: false) == .failed(status: 603))
        #expect(RingGroupOutcome.aggregate([f(408, .unreachable), f(487, .cancelled)], overallTimedOut: false) == .failed(status: 408))
        #expect(RingGroupOutcome.aggregate([], overallTimedOut: false) == .failed(status: 480))
        #expect(RingGroupOutcome.bestStatus([200, 180]) == nil)
    }
}

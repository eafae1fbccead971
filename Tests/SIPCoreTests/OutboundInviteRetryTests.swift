import Testing
import SIPMessage
import SIPTransaction
@testable import SIPCore

/// A leg's new INVITEs: following 3xx (RFC 3261 §8.1.3.4) and answering 401/407 once
/// (§22.2, §8.1.3.5) — each a new transaction with its own CSeq and branch, in one Call-ID.
@Suite struct OutboundInviteRetryTests {
    typealias F = UACFixture

    // MARK: 3xx

    @Test func followsARedirectChainInQOrderThenAnswers() throws {
        var leg = F.leg("sip:alice@switchboard.example")
        let first = F.single(leg.start(now: .zero))

        let moved = leg.receive(F.response(to: first, 302, tag: "r1", contact: "<sip:alice@192.0.2.30>"), now: F.seconds(1))
        let second = F.single(moved)
        #expect(second.requestURI?.description == "sip:alice@192.0.2.30")
        #expect(F.cseq(second) == "2 INVITE")
        #expect(second.headers.first(.callID) == first.headers.first(.callID))
        #expect(second.headers.first(.from) == first.headers.first(.from))
        #expect(second.headers.first(.to) == "<sip:alice@switchboard.example>", "To stays the original target")
        #expect(F.branch(second) != F.branch(first))
        #expect(second.body == F.sdpOffer)

        // 300 with two contacts: q=1.0 first, then q=0.5.
        let choices = leg.receive(F.response(to: second, 300, tag: "r2", contact: "<sip:low@192.0.2.41>;q=0.5, <sip:high@192.0.2.42>;q=1.0"),
                                  now: F.seconds(2))
        let third = F.single(choices)
        #expect(third.requestURI?.description == "sip:high@192.0.2.42")
        #expect(F.cseq(third) == "3 INVITE")
        // The best one is busy: the next address of the target set is tried (§8.1.3.4).
        let fourth = F.single(leg.receive(F.response(to: third, 486, tag: "h"), now: F.seconds(3)))
        #expect(fourth.requestURI?.description == "sip:low@192.0.2.41")
        #expect(F.cseq(fourth) == "4 INVITE")
        #expect(leg.redirectCount == 2)

        let answer = leg.receive(F.response(to: fourth, 200, tag: "low", contact: "<sip:low@192.0.2.41>", sdp: F.sdpAnswer), now: F.seconds(4))
        let ack = try #require(F.acks(answer).first)
        #expect(F.cseq(ack) == "4 ACK")
        let (dialog, _) = try #require(F.answered(answer))
        #expect(dialog.localSequence == 4)
        #expect(dialog.remoteTarget.description == "sip:low@192.0.2.41")
        #expect(Set([first, second, third, fourth, ack].compactMap(F.branch)).count == 5)
    }

    @Test func aRedirectBackToAKnownURIIsALoop() {
        var leg = F.leg("sip:alice@192.0.2.20")
        let first = F.single(leg.start(now: .zero))
        let second = F.single(leg.receive(F.response(to: first, 302, tag: "r1", contact: "<sip:bob@192.0.2.30>"), now: .zero))
        // Bob's side redirects back to where we started (an equivalent URI, §19.1.4).
        let loop = F.response(to: second, 302, tag: "r2", contact: "<sip:alice@192.0.2.20;lr>, <sip:bob@192.0.2.30>")
        let ended = leg.receive(loop, now: .zero)
        #expect(F.requests(ended).isEmpty)
        #expect(F.failure(ended)?.reason == .redirectLoop)
        #expect(F.failure(ended)?.status == 302)
    }

    @Test func redirectsAreBounded() {
        var leg = F.leg("sip:a@192.0.2.20", maxRedirects: 1)
        let first = F.single(leg.start(now: .zero))
        let second = F.single(leg.receive(F.response(to: first, 302, tag: "r1", contact: "<sip:b@192.0.2.21>"), now: .zero))
        let ended = leg.receive(F.response(to: second, 302, tag: "r2", contact: "<sip:c@192.0.2.22>"), now: .zero)
        #expect(F.requests(ended).isEmpty)
        #expect(F.failure(ended)?.reason == .tooManyRedirects)
    }

    @Test func aRedirectWithoutUsableContactsFails() {
        var leg = F.leg("sip:a@192.0.2.20")
        let first = F.single(leg.start(now: .zero))
        let ended = leg.receive(F.response(to: first, 302, tag: "r1", contact: "<tel:+15550199>"), now: .zero)
        #expect(F.failure(ended)?.reason == .redirectLoop)
    }

    @Test func aTransactionFailureMovesToTheNextRedirectTarget() {
        var leg = F.leg("sip:a@192.0.2.20")
        let first = F.single(leg.start(now: .zero))
        let second = F.single(leg.receive(F.response(to: first, 300, tag: "r", contact: "<sip:b@192.0.2.21>, <sip:c@192.0.2.22>"), now: .zero))
        #expect(second.requestURI?.description == "sip:b@192.0.2.21")
        // Timer B on b's INVITE: c is next (§8.1.3.4: network errors are failures too).
        let third = F.single(leg.transactionFailed(timedOut: true, now: F.seconds(32)))
        #expect(third.requestURI?.description == "sip:c@192.0.2.22")
        #expect(F.cseq(third) == "3 INVITE")
        #expect(leg.transactionFailed(timedOut: false, now: F.seconds(33)) == [.failed(OutboundInviteFailure(status: 503, reason: .unreachable))])
    }

    // MARK: 401 / 407

    @Test func answersA401OnceAndTheServerAcceptsTheCredentials() throws {
        var server = AuthFixture.challenger()
        var leg = F.leg(credentials: [.password(AuthFixture.password, username: AuthFixture.user)])
        let first = F.single(leg.start(now: .zero))
        let challenge = F.wire(server.challengeResponse(to: first, now: .zero))
        #expect(challenge.statusCode == 401)

        let second = F.single(leg.receive(challenge, now: .zero))
        #expect(F.cseq(second) == "2 INVITE")
        #expect(second.headers.first(.callID) == first.headers.first(.callID))
        #expect(second.headers.first(.from) == first.headers.first(.from))
        #expect(second.headers.first(.to) == first.headers.first(.to))
        #expect(F.branch(second) != F.branch(first))
        #expect(second.requestURI == first.requestURI)
        #expect(second.body == F.sdpOffer)
        // The credentials verify at the challenger (RFC 7616 §3.4.1), as sent on the wire.
        guard case .authorized(let identity) = server.verify(F.wire(second), store: AuthFixture.store(), now: .zero) else {
            Issue.record("credentials refused: \(second.headers.lines(.authorization))")
            return
        }
        #expect(identity.username == AuthFixture.user)

        let answer = leg.receive(F.response(to: second, 200, tag: "a", contact: "<sip:alice@192.0.2.20:5060>", sdp: F.sdpAnswer), now: .zero)
        let ack = try #require(F.acks(answer).first)
        #expect(F.cseq(ack) == "2 ACK")
        #expect(ack.headers.lines(.authorization) == second.headers.lines(.authorization),
                "the ACK carries the INVITE's credentials (§13.2.2.4)")
        #expect(ack.headers.lines(.authorization).count == 1)
        #expect(try #require(F.answered(answer)).0.localSequence == 2)
    }

    @Test func aSecondChallengeOfTheSameRealmFailsTheLeg() {
        var server = AuthFixture.challenger()
        var leg = F.leg(credentials: [.password("wrong password", username: AuthFixture.user)])
        let first = F.single(leg.start(now: .zero))
        let second = F.single(leg.receive(F.wire(server.challengeResponse(to: first, now: .zero)), now: .zero))
        // The server challenges again (new nonce, not stale): the credentials were refused.
        let again = F.wire(server.challengeResponse(to: second, now: .zero))
        let ended = leg.receive(again, now: .zero)
        #expect(F.requests(ended).isEmpty, "no third INVITE")
        #expect(F.failure(ended)?.status == 401)
        #expect(F.failure(ended)?.reason == .authenticationFailed)
    }

    @Test func aProxyChallengeIsAnsweredWithProxyAuthorization() {
        var proxy = AuthFixture.challenger(role: .proxy)
        var leg = F.leg(credentials: [.password(AuthFixture.password, username: AuthFixture.user)])
        let first = F.single(leg.start(now: .zero))
        let challenge = F.wire(proxy.challengeResponse(to: first, now: .zero))
        #expect(challenge.statusCode == 407)
        let second = F.single(leg.receive(challenge, now: .zero))
        #expect(second.headers.lines(.proxyAuthorization).count == 1)
        #expect(second.headers.lines(.authorization).isEmpty)
        guard case .authorized = proxy.verify(F.wire(second), store: AuthFixture.store(), now: .zero) else {
            Issue.record("proxy credentials refused")
            return
        }
    }

    @Test func aChallengeWithoutCredentialsFailsTheLeg() {
        var server = AuthFixture.challenger()
        var leg = F.leg()
        let first = F.single(leg.start(now: .zero))
        let ended = leg.receive(F.wire(server.challengeResponse(to: first, now: .zero)), now: .zero)
        #expect(F.requests(ended).isEmpty)
        #expect(F.failure(ended)?.reason == .authenticationFailed)
    }
}

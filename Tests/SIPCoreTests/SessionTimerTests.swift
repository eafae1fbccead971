import Testing
import SIPMessage
import SIPTransaction
@testable import SIPCore

@Suite("Session timer (RFC 4028)")
struct SessionTimerTests: DialogFixture {
    @Test("Session-Expires and Min-SE parse and print; malformed ones are errors, not crashes")
    func headers() throws {
        #expect(SessionExpires("1800;refresher=uac") == SessionExpires(interval: 1800, refresher: .uac))
        #expect(SessionExpires(" 90 ; Refresher = UAS ;x=1") == SessionExpires(interval: 90, refresher: .uas))
        #expect(SessionExpires("600") == SessionExpires(interval: 600))
        #expect(SessionExpires("abc") == nil)
        #expect(SessionExpires("") == nil)
        #expect(SessionExpires("99999999999999")?.interval == UInt32.max)
        #expect(SessionExpires(interval: 1800, refresher: .uas).description == "1800;refresher=uas")
        let invite = aliceInvite(extra: ["x: 300;refresher=uac", "Min-SE: 120;foo"])
        #expect(try SessionExpires.of(invite) == SessionExpires(interval: 300, refresher: .uac))
        #expect(try MinSE.of(invite) == 120)
        let bad = aliceInvite(extra: ["Session-Expires: soon", "Min-SE: -1"])
        #expect(throws: DialogError.badHeader("Session-Expires")) { try SessionExpires.of(bad) }
        #expect(throws: DialogError.badHeader("Min-SE")) { try MinSE.of(bad) }
    }

    @Test("UAS: Session-Expires below our Min-SE → 422 with Min-SE")
    func tooSmall() throws {
        let invite = aliceInvite(extra: ["Supported: timer", "Session-Expires: 60"])
        let policy = SessionTimerPolicy(minimumInterval: 30)  // raised to the 90 s floor
        #expect(policy.minimumInterval == 90)
        #expect(try SessionTimerNegotiation.uas(request: invite, policy: policy) == .reject(minSE: 90))
        let strict = SessionTimerPolicy(minimumInterval: 600)
        let invite2 = aliceInvite(extra: ["Session-Expires: 300"])
        #expect(try SessionTimerNegotiation.uas(request: invite2, policy: strict) == .reject(minSE: 600))
        let response = SessionTimerNegotiation.intervalTooSmall(to: invite2, minSE: 600, toTag: "t")
        #expect(response.statusCode == 422)
        #expect(response.reasonPhrase == "Session Interval Too Small")
        #expect(response.headers.first(.minSE) == "600")
    }

    @Test("UAS: UAC supports timer and names the refresher → kept; Require: timer in the 2xx")
    func uasKeepsRefresher() throws {
        let invite = aliceInvite(extra: ["Supported: timer", "Session-Expires: 1200;refresher=uas", "Min-SE: 90"])
        let outcome = try SessionTimerNegotiation.uas(request: invite, policy: SessionTimerPolicy())
        #expect(outcome == .accept(SessionTimerAgreement(interval: 1200, refresher: .uas), responseHeaders: [
            SIPHeader(name: "Session-Expires", value: "1200;refresher=uas"), SIPHeader(name: "Require", value: "timer"),
        ]))
    }

    @Test("UAS: refresher left open → our choice; a too-large interval is lowered, never below the request's Min-SE")
    func uasChooses() throws {
        let invite = aliceInvite(extra: ["Supported: timer", "Session-Expires: 7200", "Min-SE: 2000"])
        let policy = SessionTimerPolicy(preferredInterval: 1800, uasChoiceWhenUnspecified: .uas)
        guard case .accept(let agreement, _) = try SessionTimerNegotiation.uas(request: invite, policy: policy) else {
            Issue.record("expected accept"); return
        }
        #expect(agreement == SessionTimerAgreement(interval: 2000, refresher: .uas))
    }

    @Test("UAS: UAC without timer support → refresher=uas, no Require; no Session-Expires → ours inserted or none")
    func uacWithoutSupport() throws {
        let invite = aliceInvite(extra: ["Session-Expires: 900;refresher=uac"])
        #expect(try SessionTimerNegotiation.uas(request: invite, policy: SessionTimerPolicy()) == .accept(
            SessionTimerAgreement(interval: 900, refresher: .uas),
            responseHeaders: [SIPHeader(name: "Session-Expires", value: "900;refresher=uas")]))
        let plain = aliceInvite()
        guard case .accept(let agreement, _) = try SessionTimerNegotiation.uas(request: plain, policy: SessionTimerPolicy()) else {
            Issue.record("expected accept"); return
        }
        #expect(agreement == SessionTimerAgreement(interval: 1800, refresher: .uas))
        #expect(try SessionTimerNegotiation.uas(request: plain, policy: SessionTimerPolicy(), insertWhenAbsent: false) == .none)
    }

    @Test("UAC: request headers; 2xx agreement (refresher defaults to uac); 422 retry with the larger Min-SE")
    func uacSide() throws {
        #expect(SessionTimerNegotiation.uacRequestHeaders(interval: 1800, minSE: 60).map(\.value) == ["timer", "1800", "90"])
        let invite = ourInvite()
        var ok = forkResponse(to: invite, 200, tag: "a")
        ok.headers.append(.sessionExpires, "1800;refresher=uas")
        #expect(try SessionTimerNegotiation.uac(response: ok) == SessionTimerAgreement(interval: 1800, refresher: .uas))
        var bare = forkResponse(to: invite, 200, tag: "a")
        #expect(try SessionTimerNegotiation.uac(response: bare) == nil)
        bare.headers.append(.sessionExpires, "600")
        #expect(try SessionTimerNegotiation.uac(response: bare) == SessionTimerAgreement(interval: 600, refresher: .uac))
        var too = SIPMessage.response(to: invite, status: 422, toTag: "a")
        too.headers.append(.minSE, "3600")
        let retry = SessionTimerNegotiation.uacRetry(after: too, previousInterval: 1800)
        #expect(retry?.interval == 3600)
        #expect(retry?.minSE == 3600)
        #expect(SessionTimerNegotiation.uacRetry(after: too, previousInterval: 7200)?.interval == 7200)
        #expect(SessionTimerNegotiation.uacRetry(after: SIPMessage.response(to: invite, status: 422), previousInterval: 1800) == nil)
    }

    @Test("Refresher: refresh due at half the interval, then again after each successful refresh")
    func refresherDeadlines() {
        var timer = SessionTimer(SessionTimerAgreement(interval: 1800, refresher: .uac), weWereUAC: true, now: .zero)
        #expect(timer.isLocalRefresher)
        #expect(timer.deadline == at(.seconds(900)))
        #expect(timer.fire(now: at(.seconds(899))) == nil)
        #expect(timer.fire(now: at(.seconds(900))) == .refresh)
        // While the refresh is in flight, the expiry is the safety net: 1800 − 32 s.
        #expect(timer.deadline == at(.seconds(1768)))
        timer.refreshed(SessionTimerAgreement(interval: 1800, refresher: .uac), weWereUAC: true, now: at(.seconds(901)))
        #expect(timer.deadline == at(.seconds(1801)))
    }

    @Test("Non-refresher: BYE at interval − min(32 s, interval/3) without a refresh")
    func nonRefresherExpiry() {
        var timer = SessionTimer(SessionTimerAgreement(interval: 1800, refresher: .uac), weWereUAC: false, now: .zero)
        #expect(!timer.isLocalRefresher)
        #expect(timer.deadline == at(.seconds(1768)))
        timer.refreshed(SessionTimerAgreement(interval: 1800, refresher: .uac), weWereUAC: false, now: at(.seconds(900)))
        #expect(timer.fire(now: at(.seconds(1768))) == nil)
        #expect(timer.fire(now: at(.seconds(2668))) == .sendBye)
        #expect(timer.deadline == nil)
        // A short interval: a third of it is less than 32 s.
        let short = SessionTimer(SessionTimerAgreement(interval: 90, refresher: .uas), weWereUAC: true, now: .zero)
        #expect(short.deadline == at(.seconds(60)))
    }

    @Test("Refresher role follows the refreshing transaction; a failed refresh leads to BYE at expiry")
    func roleSwapAndFailure() {
        var timer = SessionTimer(SessionTimerAgreement(interval: 600, refresher: .uas), weWereUAC: false, now: .zero)
        #expect(timer.isLocalRefresher)  // we were the UAS and refresher=uas
        #expect(timer.fire(now: at(.seconds(300))) == .refresh)
        timer.refreshFailed()
        #expect(timer.deadline == at(.seconds(568)))
        #expect(timer.fire(now: at(.seconds(568))) == .sendBye)
        // They refresh with a re-INVITE in which they are the UAC and choose refresher=uac.
        timer.refreshed(SessionTimerAgreement(interval: 600, refresher: .uac), weWereUAC: false, now: at(.seconds(400)))
        #expect(!timer.isLocalRefresher)
        #expect(timer.deadline == at(.seconds(968)))
        timer.stop()
        #expect(timer.deadline == nil)
    }
}

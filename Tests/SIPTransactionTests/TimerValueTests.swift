import Testing
import SIPMessage
@testable import SIPTransaction

@Suite("Timer values (RFC 3261 Table 4, RFC 6026) and virtual time")
struct TimerValueTests {
    @Test("defaults and derived values")
    func defaults() {
        let values = TransactionTimerValues()
        #expect(values.t1 == .milliseconds(500) && values.t2 == .seconds(4) && values.t4 == .seconds(5))
        #expect(values.tryingDelay == .milliseconds(200))
        #expect(values.timerA == .milliseconds(500) && values.timerE == .milliseconds(500) && values.timerG == .milliseconds(500))
        for timer in [values.timerB, values.timerF, values.timerH, values.timerL, values.timerM] {
            #expect(timer == .seconds(32))
        }
        #expect(values.timerD(reliable: false) == .seconds(32) && values.timerD(reliable: true) == .zero)
        #expect(values.timerI(reliable: false) == .seconds(5) && values.timerI(reliable: true) == .zero)
        #expect(values.timerJ(reliable: false) == .seconds(32) && values.timerJ(reliable: true) == .zero)
        #expect(values.timerK(reliable: false) == .seconds(5) && values.timerK(reliable: true) == .zero)
        let scaled = TransactionTimerValues(t1: .milliseconds(250))
        #expect(scaled.timerB == .seconds(16) && scaled.timerJ(reliable: false) == .seconds(16))
        #expect(scaled.timerD(reliable: false) == .seconds(32))   // "at least 32 s", not from T1
    }

    @Test("SIPInstant arithmetic saturates instead of trapping")
    func instants() {
        #expect(SIPInstant(nanoseconds: 5) + .nanoseconds(7) == SIPInstant(nanoseconds: 12))
        #expect(SIPInstant(nanoseconds: .max - 1) + .seconds(10) == SIPInstant(nanoseconds: .max))
        #expect(SIPInstant(nanoseconds: .min + 1) + .seconds(-10) == SIPInstant(nanoseconds: .min))
        #expect(SIPInstant.zero + .seconds(Int64.max) == SIPInstant(nanoseconds: .max))
        #expect(ms(1500) - ms(500) == .seconds(1))
    }

    @Test("a zero T1 and T2 cannot make a timer fire forever at one instant")
    func zeroTimers() {
        let rig = Rig(timers: TransactionTimerValues(t1: .zero, t2: .zero, t4: .zero, tryingDelay: .zero))
        rig.send(makeRequest("INVITE"))
        rig.send(makeRequest("OPTIONS"))
        let invite = makeRequest("INVITE", branch: "z9hG4bKsrv")
        let id = rig.serverTransaction(for: invite)
        rig.respond(response(486, to: invite), to: id)
        rig.advance(to: at(.seconds(1)))
        #expect(rig.layer.activeCount == 0)
        #expect(rig.log.count < 100)
    }
}

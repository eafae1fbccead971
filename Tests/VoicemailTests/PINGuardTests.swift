import Testing
import Voicemail

/// An instant on a virtual clock: the guard is tested without waiting.
struct VirtualInstant: InstantProtocol, Sendable {
    var offset: Duration
    func advanced(by duration: Duration) -> VirtualInstant { VirtualInstant(offset: offset + duration) }
    func duration(to other: VirtualInstant) -> Duration { other.offset - offset }
    static func < (lhs: VirtualInstant, rhs: VirtualInstant) -> Bool { lhs.offset < rhs.offset }
    static func seconds(_ seconds: Int) -> VirtualInstant { VirtualInstant(offset: .seconds(seconds)) }
}

/// Lock-out with exponential back-off per mailbox and per source, on a virtual clock.
@Suite("PIN guard: tries, lock-out, back-off")
struct PINGuardTests {
    typealias Guard = PINGuard<VirtualInstant>
    let t0 = VirtualInstant.seconds(1000)

    @Test("Three wrong PINs lock the mailbox for 30 s; tries left count down")
    func lockout() {
        var guardian = Guard()
        #expect(guardian.check(mailbox: "201", source: "a", at: t0) == .allowed(attemptsLeft: 3))
        #expect(guardian.recordFailure(mailbox: "201", source: "a", at: t0) == .allowed(attemptsLeft: 2))
        #expect(guardian.recordFailure(mailbox: "201", source: "a", at: t0) == .allowed(attemptsLeft: 1))
        #expect(guardian.recordFailure(mailbox: "201", source: "a", at: t0) == .lockedOut(retryAfter: .seconds(30)))
        // Locked for everyone, from any source, until the 30 s are up.
        #expect(guardian.check(mailbox: "201", source: "b", at: t0.advanced(by: .seconds(10))) == .lockedOut(retryAfter: .seconds(20)))
        #expect(guardian.check(mailbox: "201", source: nil, at: t0.advanced(by: .milliseconds(29_999))).isAllowed == false)
        #expect(guardian.check(mailbox: "201", source: "b", at: t0.advanced(by: .seconds(30))) == .allowed(attemptsLeft: 3))
        // Other mailboxes are untouched from another source.
        #expect(guardian.check(mailbox: "202", source: "b", at: t0) == .allowed(attemptsLeft: 3))
    }

    @Test("Each further lock-out in a streak doubles, up to the cap")
    func backoff() {
        var guardian = Guard(policy: PINGuardPolicy(maxFailures: 2, baseLockout: .seconds(30), maxLockout: .seconds(200)))
        var now = t0
        var lengths: [Duration] = []
        for _ in 0..<5 {
            guardian.recordFailure(mailbox: "201", source: nil, at: now)
            guard case .lockedOut(let length) = guardian.recordFailure(mailbox: "201", source: nil, at: now) else {
                Issue.record("no lock-out")
                return
            }
            lengths.append(length)
            now = now.advanced(by: length)
        }
        #expect(lengths == [.seconds(30), .seconds(60), .seconds(120), .seconds(200), .seconds(200)])
    }

    @Test("A failure during a lock-out does not extend it")
    func failureWhileLocked() {
        var guardian = Guard()
        for _ in 0..<3 { guardian.recordFailure(mailbox: "201", source: nil, at: t0) }
        #expect(guardian.recordFailure(mailbox: "201", source: nil, at: t0.advanced(by: .seconds(20))) == .lockedOut(retryAfter: .seconds(10)))
        #expect(guardian.check(mailbox: "201", source: nil, at: t0.advanced(by: .seconds(30))).isAllowed)
    }

    @Test("A right PIN clears the mailbox's streak but not the source's")
    func success() {
        var guardian = Guard()
        guardian.recordFailure(mailbox: "201", source: "a", at: t0)
        guardian.recordFailure(mailbox: "201", source: "a", at: t0)
        guardian.recordSuccess(mailbox: "201", source: "a", at: t0)
        // The mailbox is clear for another source; the source still has one try left.
        #expect(guardian.check(mailbox: "201", source: "b", at: t0) == .allowed(attemptsLeft: 3))
        #expect(guardian.check(mailbox: "201", source: "a", at: t0) == .allowed(attemptsLeft: 1))
    }

    @Test("One source guessing across many mailboxes is locked out by the source key")
    func sprayFromOneSource() {
        var guardian = Guard()
        guardian.recordFailure(mailbox: "201", source: "attacker", at: t0)
        guardian.recordFailure(mailbox: "202", source: "attacker", at: t0)
        #expect(guardian.recordFailure(mailbox: "203", source: "attacker", at: t0) == .lockedOut(retryAfter: .seconds(30)))
        #expect(guardian.check(mailbox: "204", source: "attacker", at: t0).isAllowed == false)
        #expect(guardian.check(mailbox: "204", source: "someone-else", at: t0) == .allowed(attemptsLeft: 3))
    }

    @Test("After forgetAfter of quiet, failures and the streak are forgotten")
    func forgetting() {
        var guardian = Guard(policy: PINGuardPolicy(forgetAfter: .seconds(3600)))
        for _ in 0..<3 { guardian.recordFailure(mailbox: "201", source: nil, at: t0) }  // locked 30 s
        guardian.recordFailure(mailbox: "201", source: nil, at: t0.advanced(by: .seconds(40)))
        #expect(guardian.check(mailbox: "201", source: nil, at: t0.advanced(by: .seconds(41))) == .allowed(attemptsLeft: 2))
        let later = t0.advanced(by: .seconds(40 + 3600))
        #expect(guardian.check(mailbox: "201", source: nil, at: later) == .allowed(attemptsLeft: 3))
        // The streak is gone too: the next lock-out is the base length again.
        for _ in 0..<2 { guardian.recordFailure(mailbox: "201", source: nil, at: later) }
        #expect(guardian.recordFailure(mailbox: "201", source: nil, at: later) == .lockedOut(retryAfter: .seconds(30)))
        guardian.prune(at: later.advanced(by: .seconds(30 + 3600)))
        #expect(guardian.trackedKeys == 0)
    }

    @Test("Tracked keys are bounded; locked-out keys are kept")
    func bounded() {
        var guardian = Guard(policy: PINGuardPolicy(maxFailures: 2, maxTrackedKeys: 4))
        guardian.recordFailure(mailbox: "victim", source: nil, at: t0)
        guardian.recordFailure(mailbox: "victim", source: nil, at: t0)  // locked for 30 s
        for index in 0..<10 {
            guardian.recordFailure(mailbox: "m\(index)", source: nil, at: t0.advanced(by: .seconds(1 + index)))
        }
        #expect(guardian.trackedKeys == 4)
        #expect(guardian.check(mailbox: "victim", source: nil, at: t0.advanced(by: .seconds(15))).isAllowed == false)
        // The newest made-up keys are the ones kept.
        #expect(guardian.check(mailbox: "m9", source: nil, at: t0.advanced(by: .seconds(15))) == .allowed(attemptsLeft: 1))
        #expect(guardian.check(mailbox: "m0", source: nil, at: t0.advanced(by: .seconds(15))) == .allowed(attemptsLeft: 2))
    }
}

import Testing
import SIPMessage
import SIPTransaction
@testable import SIPCore

/// Stateless nonces and the bounded nonce-count table.
@Suite struct AuthNonceTests {
    typealias F = AuthFixture

    @Test func nonceCarriesItsIssueTimeAndIsAuthenticated() {
        let codec = DigestNonceCodec(secret: F.secret, realm: F.realm)
        let issued = SIPInstant(nanoseconds: 1_234_567_890_123)
        let nonce = codec.make(issuedAt: issued, random: 42)
        #expect(nonce.count == 64)
        #expect(codec.issuedAt(nonce) == issued)
        // Negative instants (a clock with a late origin) survive too.
        #expect(codec.issuedAt(codec.make(issuedAt: SIPInstant(nanoseconds: -5), random: 1)) == SIPInstant(nanoseconds: -5))
        // Another realm or secret does not accept it; nor does any altered character.
        #expect(DigestNonceCodec(secret: F.secret, realm: "other").issuedAt(nonce) == nil)
        #expect(DigestNonceCodec(secret: Array(repeating: 1, count: 32), realm: F.realm).issuedAt(nonce) == nil)
        for index in [0, 7, 20, 40, 63] {
            var characters = Array(nonce)
            characters[index] = characters[index] == "a" ? "b" : "a"
            #expect(codec.issuedAt(String(characters)) == nil)
        }
        #expect(codec.issuedAt("") == nil)
        #expect(codec.issuedAt(String(nonce.dropLast())) == nil)
        #expect(codec.issuedAt(String(repeating: "z", count: 64)) == nil)
        #expect(codec.issuedAt(nonce.uppercased()) == nil)  // One spelling only.
    }

    @Test func opaqueIsStablePerSecretAndRealm() {
        let a = DigestNonceCodec(secret: F.secret, realm: F.realm)
        #expect(a.opaque == DigestNonceCodec(secret: F.secret, realm: F.realm).opaque)
        #expect(a.opaque != DigestNonceCodec(secret: F.secret, realm: "other").opaque)
    }

    @Test func countsMustStrictlyIncrease() {
        var table = DigestNonceCountTable(capacity: 10, start: .zero)
        #expect(table.record(nonce: "a", issuedAt: .zero, count: 1, expiredBefore: .zero) == .accepted)
        #expect(table.record(nonce: "a", issuedAt: .zero, count: 1, expiredBefore: .zero) == .replayed)
        #expect(table.record(nonce: "a", issuedAt: .zero, count: 5, expiredBefore: .zero) == .accepted)  // Gaps are fine.
        #expect(table.record(nonce: "a", issuedAt: .zero, count: 4, expiredBefore: .zero) == .replayed)
        #expect(table.record(nonce: "b", issuedAt: .zero, count: 1, expiredBefore: .zero) == .accepted)  // Per nonce.
        #expect(table.highest(for: "a") == 5)
    }

    @Test func tableStaysWithinItsCapacityAndEvictsExpiredFirst() {
        var table = DigestNonceCountTable(capacity: 100, start: .zero)
        // 100 nonces issued at 0…99 s, all in use.
        for index in 0..<100 {
            #expect(table.record(nonce: "n\(index)", issuedAt: F.seconds(Int64(index)), count: 1, expiredBefore: .zero) == .accepted)
        }
        #expect(table.count == 100)
        // At 130 s with a 60 s lifetime, nonces issued before 70 s have expired: they go first.
        #expect(table.record(nonce: "new", issuedAt: F.seconds(130), count: 1, expiredBefore: F.seconds(70)) == .accepted)
        #expect(table.count == 31)
        #expect(table.highest(for: "n69") == nil)
        #expect(table.highest(for: "n70") == 1)
    }

    @Test func evictingLiveCountsNeverLetsAReplayThrough() {
        var table = DigestNonceCountTable(capacity: 8, start: .zero)
        for index in 0..<8 {
            #expect(table.record(nonce: "n\(index)", issuedAt: F.seconds(Int64(index)), count: 3, expiredBefore: .zero) == .accepted)
        }
        // Full of live nonces: the oldest quarter (n0, n1) is evicted and the floor rises.
        #expect(table.record(nonce: "n8", issuedAt: F.seconds(8), count: 1, expiredBefore: .zero) == .accepted)
        #expect(table.count == 7)
        // n0's count is forgotten, so replaying nc=3 (or anything) under n0 is not accepted:
        // the client must take a new nonce.
        #expect(table.record(nonce: "n0", issuedAt: .zero, count: 3, expiredBefore: .zero) == .forgotten)
        #expect(table.record(nonce: "n1", issuedAt: F.seconds(1), count: 9, expiredBefore: .zero) == .forgotten)
        // Nonces still held keep their counts.
        #expect(table.record(nonce: "n2", issuedAt: F.seconds(2), count: 3, expiredBefore: .zero) == .replayed)
    }

    @Test func challengerMemoryIsBounded() throws {
        // A flood of distinct, valid nonces (one per REGISTER) never holds more than the
        // configured number of counts, and every replay is still refused or re-challenged.
        var uas = F.challenger(lifetime: .seconds(3_600), capacity: 64)
        let store = F.store()
        var accepted: [SIPMessage] = []
        for index in 0..<500 {
            let now = SIPInstant(nanoseconds: Int64(index) * 1_000_000)
            var uac = F.responder(seed: UInt64(100 + index))
            let challenge = uas.challengeResponse(to: F.register(), now: now)
            let request = try uac.authorize(F.register(), challengedBy: challenge)
            #expect(uas.verify(request, store: store, now: now) == .authorized(DigestIdentity(username: F.user, realm: F.realm, algorithm: .sha256)))
            #expect(uas.trackedNonces <= 64)
            accepted.append(request)
        }
        for request in accepted {
            let verdict = uas.verify(request, store: store, now: SIPInstant(nanoseconds: 600_000_000))
            #expect(verdict == .forbidden(.replayedNonceCount(username: F.user, count: 1)) || verdict == .challenge(stale: true))
        }
        #expect(uas.trackedNonces <= 64)
    }
}

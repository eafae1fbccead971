import Testing
import SIPMessage
import SIPTransaction
@testable import SIPCore

/// REGISTER from a UAC (`DigestResponder`) to a UAS (`DigestChallenger`) and back, every
/// message serialized and parsed again as it would travel.
@Suite struct AuthRegisterRoundTripTests {
    typealias F = AuthFixture

    @Test("REGISTER round trip", arguments: [DigestAlgorithm.sha256, .md5, .sha256Session, .md5Session])
    func roundTrip(algorithm: DigestAlgorithm) throws {
        var uas = F.challenger(algorithms: [algorithm])
        var uac = F.responder()
        let store = F.store()
        let first = F.wire(F.register())

        // No credentials: challenge.
        let verdict = uas.verify(first, store: store, now: F.seconds(1))
        #expect(verdict == .challenge(stale: false))
        let answer = uas.response(for: verdict, to: first, now: F.seconds(1), toTag: "uas1")
        let challenge = F.wire(try #require(answer))
        #expect(challenge.statusCode == 401)
        #expect(try challenge.to().tag == "uas1")

        // Answer once, the UAS accepts.
        let second = F.wire(F.nextAttempt(try uac.authorize(first, challengedBy: challenge)))
        let credentials = try #require(F.credentials(second))
        #expect(credentials.algorithm == algorithm)
        #expect(credentials.nonceCount == 1)
        #expect(credentials.qop == "auth")
        #expect(credentials.uri == "sip:switchboard.example")
        #expect(uas.verify(second, store: store, now: F.seconds(2))
            == .authorized(DigestIdentity(username: F.user, realm: F.realm, algorithm: algorithm)))

        // A refresh reuses the nonce with nc=2 and is accepted without a new challenge.
        let third = F.wire(uac.authorizeAgain(F.nextAttempt(second)))
        let reused = try #require(F.credentials(third))
        #expect(reused.nonce == credentials.nonce)
        #expect(reused.nonceCount == 2)
        if !algorithm.isSession { #expect(reused.cnonce != credentials.cnonce) }
        #expect(uas.verify(third, store: store, now: F.seconds(3)) == .authorized(DigestIdentity(username: F.user, realm: F.realm, algorithm: algorithm)))
    }

    @Test func offersSHA256FirstThenMD5() throws {
        var uas = F.challenger()
        let response = F.wire(uas.challengeResponse(to: F.register(), now: .zero))
        let challenges = try response.wwwAuthenticate().compactMap(DigestChallenge.init)
        // RFC 8760 §2.4: SHA-256 before MD5; both with qop="auth", opaque and the same realm.
        #expect(challenges.map(\.algorithm) == [.sha256, .md5])
        #expect(challenges.allSatisfy { $0.qopOptions == ["auth"] && $0.opaque != nil && $0.realm == F.realm && !$0.stale })
        #expect(response.text.contains("WWW-Authenticate: Digest realm=\"switchboard.example\", nonce=\""))
    }

    @Test func uacPicksStrongestOffered() throws {
        var uas = F.challenger(algorithms: [.md5, .sha256])  // Offered in the weaker order on purpose.
        var uac = F.responder()
        let challenge = F.wire(uas.challengeResponse(to: F.register(), now: .zero))
        let retried = try uac.authorize(F.register(), challengedBy: challenge)
        #expect(F.credentials(retried)?.algorithm == .sha256)
        #expect(uas.verify(F.nextAttempt(retried), store: F.store(), now: .zero)
            == .authorized(DigestIdentity(username: F.user, realm: F.realm, algorithm: .sha256)))
    }

    @Test func oldPhoneAnsweringMD5IsAccepted() throws {
        // A UAC that knows only MD5 skips the SHA-256 challenge (RFC 8760 §2.4).
        var uas = F.challenger()
        let challenge = F.wire(uas.challengeResponse(to: F.register(), now: .zero))
        let md5Only = challenge.headers.lines(.wwwAuthenticate).filter { $0.contains("algorithm=MD5") }
        var trimmed = challenge
        trimmed.headers.remove(.wwwAuthenticate)
        for line in md5Only { trimmed.headers.append(.wwwAuthenticate, line) }
        var uac = F.responder()
        let retried = try uac.authorize(F.register(), challengedBy: trimmed)
        #expect(F.credentials(retried)?.algorithm == .md5)
        #expect(uas.verify(retried, store: F.store(), now: .zero)
            == .authorized(DigestIdentity(username: F.user, realm: F.realm, algorithm: .md5)))
    }

    @Test func proxyRoleUses407AndProxyHeaders() throws {
        var proxy = F.challenger(role: .proxy)
        var uac = F.responder()
        let invite = F.register(method: "INVITE")
        #expect(proxy.verify(invite, store: F.store(), now: .zero) == .challenge(stale: false))
        let challenge = F.wire(proxy.challengeResponse(to: invite, now: .zero))
        #expect(challenge.statusCode == 407)
        #expect(try challenge.proxyAuthenticate().count == 2)
        #expect(try challenge.wwwAuthenticate().isEmpty)
        let retried = F.wire(try uac.authorize(invite, challengedBy: challenge))
        #expect(try retried.authorization().isEmpty)
        #expect(F.credentials(retried, proxy: true)?.algorithm == .sha256)
        #expect(proxy.verify(retried, store: F.store(), now: .zero)
            == .authorized(DigestIdentity(username: F.user, realm: F.realm, algorithm: .sha256)))
    }

    @Test func storedHA1CredentialsWork() throws {
        // A trunk configured with HA1 values rather than a password.
        var uas = F.challenger()
        let ha1 = DigestCredential.ha1(user: F.user, realm: F.realm, password: F.password, algorithm: .md5)
        var uac = DigestResponder(credentials: [DigestCredential(username: F.user, realm: F.realm, secret: .ha1([.md5: ha1]))],
                                  random: F.Random(seed: 9))
        let challenge = uas.challengeResponse(to: F.register(), now: .zero)
        // Only an MD5 HA1 is stored, so the SHA-256 challenge is passed over.
        let retried = try uac.authorize(F.register(), challengedBy: challenge)
        #expect(F.credentials(retried)?.algorithm == .md5)
        #expect(uas.verify(retried, store: F.store(), now: .zero)
            == .authorized(DigestIdentity(username: F.user, realm: F.realm, algorithm: .md5)))
    }
}

import Testing
import SIPMessage
import SIPTransaction
@testable import SIPCore

/// The UAS side refusing what it must refuse (RFC 7616 §3.3, §3.4, §5.3; RFC 3261 §22).
@Suite struct AuthChallengerTests {
    typealias F = AuthFixture

    /// A challenger, and a request answered by a UAC with `password` to its challenge
    /// issued at `issued`.
    static func answered(password: String = F.password, issued: SIPInstant = .zero, lifetime: Duration = .seconds(300),
                         capacity: Int = 10_000) throws -> (DigestChallenger, SIPMessage) {
        var uas = F.challenger(lifetime: lifetime, capacity: capacity)
        var uac = F.responder(password: password)
        let challenge = F.wire(uas.challengeResponse(to: F.register(), now: issued))
        let retried = F.wire(F.nextAttempt(try uac.authorize(F.register(), challengedBy: challenge)))
        return (uas, retried)
    }

    @Test func wrongPasswordIsForbidden() throws {
        var (uas, request) = try Self.answered(password: "wrong")
        let verdict = uas.verify(request, store: F.store(), now: F.seconds(1))
        #expect(verdict == .forbidden(.wrongResponse(username: F.user)))
        #expect(verdict.statusCode == 403)
        #expect(uas.response(for: verdict, to: request, now: F.seconds(1))?.statusCode == 403)
        // A failed attempt leaves no nonce-count entry behind.
        #expect(uas.trackedNonces == 0)
    }

    @Test func unknownUserIsForbidden() throws {
        var (uas, request) = try Self.answered()
        #expect(uas.verify(request, store: InMemoryDigestCredentialStore(), now: .zero) == .forbidden(.unknownUser(F.user)))
    }

    @Test func expiredNonceGetsStaleChallengeAndRetrySucceeds() throws {
        var (uas, request) = try Self.answered(lifetime: .seconds(30))
        // 31 s after issue the nonce has expired, but the digest is right: stale=true.
        let verdict = uas.verify(request, store: F.store(), now: F.seconds(31))
        #expect(verdict == .challenge(stale: true))
        let answer = uas.response(for: verdict, to: request, now: F.seconds(31))
        let stale = F.wire(try #require(answer))
        let challenges = try stale.wwwAuthenticate().compactMap(DigestChallenge.init)
        #expect(challenges.count == 2 && challenges.allSatisfy(\.stale))
        #expect(stale.text.contains("stale=true"))

        // The UAC answers the stale challenge with the new nonce (its credentials were not
        // refused), and that is accepted.
        var uac = F.responder()
        let retried = F.wire(F.nextAttempt(try uac.authorize(request, challengedBy: stale)))
        let credentials = try #require(F.credentials(retried))
        #expect(credentials.nonce == challenges[0].nonce)
        #expect(credentials.nonceCount == 1)
        #expect(uas.verify(retried, store: F.store(), now: F.seconds(32))
            == .authorized(DigestIdentity(username: F.user, realm: F.realm, algorithm: .sha256)))
    }

    @Test func expiredNonceWithWrongPasswordIsForbiddenNotStale() throws {
        // RFC 7616 §3.3: stale only when the digest is valid for the nonce.
        var (uas, request) = try Self.answered(password: "wrong", lifetime: .seconds(30))
        #expect(uas.verify(request, store: F.store(), now: F.seconds(60)) == .forbidden(.wrongResponse(username: F.user)))
    }

    @Test func nonceFromTheFutureIsStale() throws {
        var (uas, request) = try Self.answered(issued: F.seconds(100))
        #expect(uas.verify(request, store: F.store(), now: F.seconds(50)) == .challenge(stale: true))
    }

    @Test func replayedNonceCountIsForbidden() throws {
        var (uas, request) = try Self.answered()
        let store = F.store()
        #expect(uas.verify(request, store: store, now: F.seconds(1)) == .authorized(DigestIdentity(username: F.user, realm: F.realm, algorithm: .sha256)))
        // The very same request again (a captured copy replayed): refused.
        #expect(uas.verify(request, store: store, now: F.seconds(2)) == .forbidden(.replayedNonceCount(username: F.user, count: 1)))

        // nc 3 is accepted, then nc 2 (lower than the highest seen) is a replay.
        var uac = F.responder()
        let challenge = uas.challengeResponse(to: F.register(), now: F.seconds(3))
        let first = try uac.authorize(F.register(), challengedBy: challenge)
        let second = uac.authorizeAgain(first)
        let third = uac.authorizeAgain(second)
        #expect(F.credentials(third)?.nonceCount == 3)
        #expect(uas.verify(third, store: store, now: F.seconds(4)) == .authorized(DigestIdentity(username: F.user, realm: F.realm, algorithm: .sha256)))
        #expect(uas.verify(second, store: store, now: F.seconds(4)) == .forbidden(.replayedNonceCount(username: F.user, count: 2)))
        #expect(uas.verify(first, store: store, now: F.seconds(4)) == .forbidden(.replayedNonceCount(username: F.user, count: 1)))
    }

    @Test func tamperedNonceIsRejected() throws {
        var (uas, request) = try Self.answered()
        var credentials = try #require(F.credentials(request))
        // Move the nonce's issue time forward (to dodge expiry) without the password.
        var nonce = Array(credentials.nonce)
        nonce[15] = nonce[15] == "0" ? "1" : "0"
        credentials.nonce = String(nonce)
        let tampered = F.replacing(request, with: credentials)
        #expect(uas.verify(tampered, store: F.store(), now: .zero) == .forbidden(.wrongResponse(username: F.user)))

        // Even with the digest recomputed (by someone holding the password) a nonce this
        // server did not make is not accepted: it only earns a fresh, stale challenge.
        let ha1 = DigestCredential.ha1(user: F.user, realm: F.realm, password: F.password, algorithm: .sha256)
        credentials.response = DigestComputation.response(
            storedHA1: ha1, algorithm: .sha256, method: "REGISTER", uri: credentials.uri, nonce: credentials.nonce,
            protection: .auth(nonceCount: 1, cnonce: credentials.cnonce ?? ""))
        #expect(uas.verify(F.replacing(request, with: credentials), store: F.store(), now: .zero) == .challenge(stale: true))
        #expect(uas.trackedNonces == 0)
    }

    @Test func nonceFromAnotherSecretOrRealmIsNotAccepted() throws {
        let (_, request) = try Self.answered()
        var other = DigestChallenger(configuration: DigestChallengerConfiguration(realm: F.realm), secret: Array(repeating: 7, count: 32),
                                     now: .zero, random: F.Random(seed: 5))
        #expect(other.verify(request, store: F.store(), now: .zero) == .challenge(stale: true))
    }

    @Test func uriMismatchIsBadRequest() throws {
        var (uas, request) = try Self.answered()
        var moved = request
        moved.startLine = .request(method: .register, uri: try URI("sip:elsewhere.example"), version: "SIP/2.0")
        let verdict = uas.verify(moved, store: F.store(), now: .zero)
        #expect(verdict == .badRequest(.uriMismatch(uri: "sip:switchboard.example", requestURI: "sip:elsewhere.example")))
        #expect(uas.response(for: verdict, to: moved, now: .zero)?.statusCode == 400)
    }

    @Test func equivalentURIIsAccepted() throws {
        // A proxy may rewrite the host's case: still the same resource (RFC 3261 §19.1.4).
        var (uas, request) = try Self.answered()
        var rewritten = request
        rewritten.startLine = .request(method: .register, uri: try URI("sip:SWITCHBOARD.example"), version: "SIP/2.0")
        #expect(uas.verify(rewritten, store: F.store(), now: .zero) == .authorized(DigestIdentity(username: F.user, realm: F.realm, algorithm: .sha256)))
    }

    @Test func methodIsCovered() throws {
        // The digest covers the method (A2 = method ":" uri): a REGISTER's credentials do
        // not authorize an INVITE.
        var (uas, request) = try Self.answered()
        var invite = request
        invite.startLine = .request(method: .invite, uri: try URI("sip:switchboard.example"), version: "SIP/2.0")
        #expect(uas.verify(invite, store: F.store(), now: .zero) == .forbidden(.wrongResponse(username: F.user)))
    }

    @Test func algorithmNotOfferedIsBadRequest() throws {
        var (uas, request) = try Self.answered()
        var credentials = try #require(F.credentials(request))
        credentials.algorithmToken = "SHA-512-256"
        #expect(uas.verify(F.replacing(request, with: credentials), store: F.store(), now: .zero)
            == .badRequest(.unsupportedAlgorithm("SHA-512-256")))
        credentials.algorithmToken = "MD5-sess"  // Known, but not offered.
        #expect(uas.verify(F.replacing(request, with: credentials), store: F.store(), now: .zero)
            == .badRequest(.unsupportedAlgorithm("MD5-sess")))
    }

    @Test func missingQopIsBadRequest() throws {
        var (uas, request) = try Self.answered()
        var credentials = try #require(F.credentials(request))
        credentials.qop = nil
        credentials.nonceCount = nil
        credentials.cnonce = nil
        #expect(uas.verify(F.replacing(request, with: credentials), store: F.store(), now: .zero) == .badRequest(.unsupportedQop("")))
    }

    @Test func malformedCredentialsAreBadRequest() throws {
        var uas = F.challenger()
        var request = F.register()
        request.headers.set(.authorization, "Digest username=\"alice\", realm=\"\(F.realm)\", nonce=\"n\"")
        #expect(uas.verify(request, store: F.store(), now: .zero) == .badRequest(.malformed("missing(\"uri\")")))
        request.headers.set(.authorization, "Digest realm=")
        if case .badRequest(.malformed) = uas.verify(request, store: F.store(), now: .zero) {} else {
            Issue.record("unparseable Authorization should be a bad request")
        }
    }

    @Test func credentialsForAnotherRealmOrSchemeGetAChallenge() throws {
        var uas = F.challenger()
        var request = F.register()
        request.headers.append(.authorization, "Digest username=\"alice\", realm=\"other\", nonce=\"n\", uri=\"sip:x\", response=\"00\"")
        request.headers.append(.authorization, "Bearer token=\"abc\"")
        #expect(uas.verify(request, store: F.store(), now: .zero) == .challenge(stale: false))
    }

    @Test func opaqueMustBeOurs() throws {
        var (uas, request) = try Self.answered()
        var credentials = try #require(F.credentials(request))
        credentials.opaque = "someone-else"
        #expect(uas.verify(F.replacing(request, with: credentials), store: F.store(), now: .zero) == .challenge(stale: true))
    }

    @Test func nonceIssuedBeforeTheChallengerStartedIsStale() throws {
        // A restarted process (same secret, empty count table) does not accept a nonce an
        // earlier process issued: its count history is gone, so it could be a replay.
        let (_, request) = try Self.answered(issued: F.seconds(10))
        var restarted = F.challenger(now: F.seconds(20))
        #expect(restarted.verify(request, store: F.store(), now: F.seconds(21)) == .challenge(stale: true))
    }

    @Test func responseForVerdicts() throws {
        var uas = F.challenger()
        let request = F.register()
        #expect(uas.response(for: .authorized(DigestIdentity(username: "a", realm: "r", algorithm: .md5)), to: request, now: .zero) == nil)
        let answer = uas.response(for: .challenge(stale: false), to: request, now: .zero, toTag: "t")
        let challenge = try #require(answer)
        #expect(challenge.statusCode == 401)
        #expect(challenge.headers.count(.wwwAuthenticate) == 2)
        #expect(uas.response(for: .badRequest(.malformed("x")), to: request, now: .zero)?.statusCode == 400)
    }

    @Test func noncesAreUniqueAndSecretLooksRandom() {
        var uas = F.challenger()
        let nonces = (0..<100).map { _ in uas.challenges(now: .zero)[0].nonce }
        #expect(Set(nonces).count == 100)
        let secret = DigestChallenger.randomSecret()
        #expect(secret.count == 32 && Set(secret).count > 8)
    }
}

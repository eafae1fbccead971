import Testing
import SIPMessage
import SIPTransaction
@testable import SIPCore

/// The UAC side: answering once, choosing, reusing, and reporting what it cannot answer.
@Suite struct AuthResponderTests {
    typealias F = AuthFixture

    static func challenge(_ lines: [String], status: Int = 401) -> SIPMessage {
        let header = status == 407 ? "Proxy-Authenticate" : "WWW-Authenticate"
        return F.parse([
            "SIP/2.0 \(status) \(status == 407 ? "Proxy Authentication Required" : "Unauthorized")",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKreg1",
            "From: <sip:alice@switchboard.example>;tag=ft1",
            "To: <sip:alice@switchboard.example>;tag=srv",
            "Call-ID: reg-1@192.0.2.10",
            "CSeq: 1 REGISTER",
        ] + lines.map { header + ": " + $0 } + ["Content-Length: 0"])
    }

    @Test func answersOnceThenReportsRefusal() throws {
        // The UAS re-challenges instead of answering 403 (RFC 3261 §22.3 allows both).
        var uas = F.challenger()
        var uac = F.responder(password: "wrong")
        let first = F.register()
        let challenge = F.wire(uas.challengeResponse(to: first, now: .zero))
        let second = F.wire(F.nextAttempt(try uac.authorize(first, challengedBy: challenge)))
        #expect(uas.verify(second, store: F.store(), now: .zero) == .forbidden(.wrongResponse(username: F.user)))

        // A new challenge (new nonce, stale absent): the credentials were refused.
        let again = F.wire(uas.challengeResponse(to: second, now: .zero))
        #expect(throws: DigestResponderError.rejected(realm: F.realm)) { try uac.authorize(second, challengedBy: again) }
        // The same challenge (same nonce) again: refused too.
        #expect(throws: DigestResponderError.rejected(realm: F.realm)) { try uac.authorize(second, challengedBy: challenge) }
    }

    @Test func sameNonceEvenWithStaleIsRefused() throws {
        var uac = F.responder()
        let first = F.register()
        let challenge = Self.challenge(["Digest realm=\"r\", nonce=\"n1\", qop=\"auth\", algorithm=MD5"])
        let second = try uac.authorize(first, challengedBy: challenge)
        let loop = Self.challenge(["Digest realm=\"r\", nonce=\"n1\", qop=\"auth\", algorithm=MD5, stale=true"])
        #expect(throws: DigestResponderError.rejected(realm: "r")) { try uac.authorize(second, challengedBy: loop) }
        // A new nonce with stale=true is answered.
        let stale = Self.challenge(["Digest realm=\"r\", nonce=\"n2\", qop=\"auth\", algorithm=MD5, stale=true"])
        let third = try uac.authorize(second, challengedBy: stale)
        #expect(F.credentials(third)?.nonce == "n2")
        #expect(F.credentials(third)?.nonceCount == 1)
    }

    @Test func refusedReuseOfRememberedNonceIsAnsweredAfresh() throws {
        // A registrar that forgot the nonce and re-challenges without stale: the reuse (nc 2)
        // was not an answer to a challenge, so one fresh answer is still due.
        var uac = F.responder()
        let first = try uac.authorize(F.register(), challengedBy: Self.challenge(["Digest realm=\"r\", nonce=\"n1\", qop=\"auth\""]))
        let refresh = uac.authorizeAgain(F.nextAttempt(first))
        #expect(F.credentials(refresh)?.nonceCount == 2)
        let fresh = try uac.authorize(refresh, challengedBy: Self.challenge(["Digest realm=\"r\", nonce=\"n2\", qop=\"auth\""]))
        #expect(F.credentials(fresh)?.nonce == "n2")
        #expect(F.credentials(fresh)?.nonceCount == 1)
        // And if that answer is refused, it stops.
        #expect(throws: DigestResponderError.rejected(realm: "r")) {
            try uac.authorize(fresh, challengedBy: Self.challenge(["Digest realm=\"r\", nonce=\"n3\", qop=\"auth\""]))
        }
    }

    @Test func nonceReuseIncrementsCountWithNewCnonce() throws {
        var uac = F.responder()
        let first = try uac.authorize(F.register(), challengedBy: Self.challenge(["Digest realm=\"r\", nonce=\"n1\", qop=\"auth\", algorithm=SHA-256"]))
        #expect(uac.hasSession(realm: "r"))
        var previous = try #require(F.credentials(first))
        #expect(previous.nonceCount == 1)
        var request = first
        for expected in UInt32(2)...5 {
            request = uac.authorizeAgain(F.nextAttempt(request))
            let credentials = try #require(F.credentials(request))
            #expect(credentials.nonceCount == expected)
            #expect(credentials.nonce == "n1")
            #expect(credentials.cnonce != previous.cnonce)
            #expect(credentials.response != previous.response)
            previous = credentials
        }
        // authorizeAgain adds credentials to a request that carries none.
        #expect(F.credentials(uac.authorizeAgain(F.register()))?.nonceCount == 6)
        uac.forgetSessions()
        #expect(try uac.authorizeAgain(F.register()).authorization().isEmpty)
    }

    @Test func rfc2069ChallengeIsAnsweredWithoutQop() throws {
        var uac = F.responder()
        let retried = try uac.authorize(F.register(), challengedBy: Self.challenge(["Digest realm=\"old\", nonce=\"abc\""]))
        let credentials = try #require(F.credentials(retried))
        #expect(credentials.qop == nil && credentials.nonceCount == nil && credentials.cnonce == nil)
        #expect(credentials.algorithm == .md5)
        let ha1 = DigestCredential.ha1(user: F.user, realm: "old", password: F.password, algorithm: .md5)
        let h = DigestHashFunction.md5
        #expect(credentials.response == h.hex(ha1 + ":abc:" + h.hex("REGISTER:sip:switchboard.example")))
        #expect(!uac.hasSession(realm: "old"))  // Nothing to reuse without nc.
        #expect(!retried.text.contains("nc="))
    }

    @Test func unsupportedChallengesAreReported() throws {
        var uac = F.responder()
        #expect(throws: DigestResponderError.unsupportedChallenge(realm: "r")) {
            try uac.authorize(F.register(), challengedBy: Self.challenge(["Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256, qop=\"auth\""]))
        }
        #expect(throws: DigestResponderError.unsupportedChallenge(realm: "r")) {
            try uac.authorize(F.register(), challengedBy: Self.challenge(["Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\""]))
        }
        #expect(throws: DigestResponderError.unsupportedChallenge(realm: "r")) {
            try uac.authorize(F.register(), challengedBy: Self.challenge(["Digest realm=\"r\", nonce=\"n\", algorithm=MD5-sess"]))
        }
        #expect(throws: DigestResponderError.unsupportedChallenge(realm: nil)) {
            try uac.authorize(F.register(), challengedBy: Self.challenge(["Basic realm=\"r\""]))
        }
        #expect(throws: DigestResponderError.notAChallenge(status: 200)) {
            try uac.authorize(F.register(), challengedBy: SIPMessage.response(to: F.register(), status: 200))
        }
        #expect(throws: DigestResponderError.notARequest) {
            try uac.authorize(Self.challenge([]), challengedBy: Self.challenge(["Digest realm=\"r\", nonce=\"n\""]))
        }
        var bad = Self.challenge([])
        bad.headers.append(.wwwAuthenticate, "Digest realm=")
        if case .malformedChallenge? = (#expect(throws: DigestResponderError.self) { try uac.authorize(F.register(), challengedBy: bad) }) {} else {
            Issue.record("expected malformedChallenge")
        }
    }

    @Test func picksSupportedAlgorithmAmongUnknownOnes() throws {
        var uac = F.responder()
        let retried = try uac.authorize(F.register(), challengedBy: Self.challenge([
            "Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256, qop=\"auth\"",
            "Digest realm=\"r\", nonce=\"n\", algorithm=MD5, qop=\"auth\"",
            "Digest realm=\"r\", nonce=\"n\", algorithm=SHA-256, qop=\"auth,auth-int\"",
        ]))
        #expect(F.credentials(retried)?.algorithm == .sha256)
        #expect(F.credentials(retried)?.qop == "auth")
    }

    @Test func credentialsAreChosenByRealm() throws {
        var uac = DigestResponder(credentials: [
            .password("any-pass", username: "anyone"),
            .password("trunk-pass", username: "trunk", realm: "carrier"),
        ], random: F.Random(seed: 3))
        let forCarrier = try uac.authorize(F.register(), challengedBy: Self.challenge(["Digest realm=\"carrier\", nonce=\"n\", qop=\"auth\""]))
        #expect(F.credentials(forCarrier)?.username == "trunk")
        let forOther = try uac.authorize(F.register(), challengedBy: Self.challenge(["Digest realm=\"elsewhere\", nonce=\"n\", qop=\"auth\""]))
        #expect(F.credentials(forOther)?.username == "anyone")

        var strict = DigestResponder(credentials: [.password("p", username: "u", realm: "carrier")], random: F.Random(seed: 4))
        #expect(throws: DigestResponderError.noCredentials(realm: "elsewhere")) {
            try strict.authorize(F.register(), challengedBy: Self.challenge(["Digest realm=\"elsewhere\", nonce=\"n\", qop=\"auth\""]))
        }
    }

    @Test func twoProxiesAreAnsweredAndEarlierCredentialsKept() throws {
        // RFC 3261 §22.3: one Proxy-Authorization per Proxy-Authenticate; a second proxy's
        // challenge later does not drop the first proxy's credentials.
        var uac = F.responder()
        let invite = F.register(method: "INVITE")
        let both = try uac.authorize(invite, challengedBy: Self.challenge([
            "Digest realm=\"p1\", nonce=\"a\", qop=\"auth\"",
            "Digest realm=\"p2\", nonce=\"b\", qop=\"auth\", algorithm=SHA-256",
        ], status: 407))
        let values = try both.proxyAuthorization().compactMap { try DigestAuthorization.parse($0) }
        #expect(values.map(\.realm) == ["p1", "p2"])
        #expect(values.map(\.algorithm) == [.md5, .sha256])
        #expect(try both.authorization().isEmpty)

        // A third proxy challenges the retry: p1 and p2 are kept (with nc 2), p3 added.
        let three = try uac.authorize(both, challengedBy: Self.challenge(["Digest realm=\"p3\", nonce=\"c\", qop=\"auth\""], status: 407))
        let after = try three.proxyAuthorization().compactMap { try DigestAuthorization.parse($0) }
        #expect(after.map(\.realm) == ["p1", "p2", "p3"])
        #expect(after.map(\.nonceCount) == [2, 2, 1])
    }

    @Test func foreignCredentialLinesAreKept() throws {
        var uac = F.responder()
        var request = F.register()
        request.headers.append(.authorization, "Bearer token=\"abc\"")
        let retried = try uac.authorize(request, challengedBy: Self.challenge(["Digest realm=\"r\", nonce=\"n\", qop=\"auth\""]))
        #expect(retried.headers.lines(.authorization).count == 2)
        #expect(retried.headers.lines(.authorization)[0] == "Bearer token=\"abc\"")
    }

    @Test func opaqueIsEchoedAndSpecialCharactersQuoted() throws {
        var uac = DigestResponder(credentials: [.password("p", username: "a\"b\\c")], random: F.Random(seed: 8))
        let retried = F.wire(try uac.authorize(F.register(), challengedBy: Self.challenge([
            "Digest realm=\"r\", nonce=\"n\", opaque=\"xyz\", qop=\"auth\"",
        ])))
        let credentials = try #require(F.credentials(retried))
        #expect(credentials.opaque == "xyz")
        #expect(credentials.username == "a\"b\\c")
    }
}

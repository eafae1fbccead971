import Testing
import SIPMessage
@testable import SIPCore

/// The digest arithmetic against RFC 7616 §3.9.1 and the header values' syntax.
@Suite struct AuthDigestMathTests {
    // RFC 7616 §3.9.1: the example's inputs.
    static let user = "Mufasa"
    static let password = "Circle of Life"
    static let realm = "http-auth@example.org"
    static let nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
    static let cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
    static let opaque = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
    static let uri = "/dir/index.html"

    @Test("RFC 7616 §3.9.1 response values", arguments: [
        (DigestAlgorithm.md5, "8ca523f5e9506fed4657c9700eebdbec"),
        (DigestAlgorithm.sha256, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
    ])
    func rfc7616Example(algorithm: DigestAlgorithm, expected: String) {
        let ha1 = DigestCredential.ha1(user: Self.user, realm: Self.realm, password: Self.password, algorithm: algorithm)
        let response = DigestComputation.response(
            storedHA1: ha1, algorithm: algorithm, method: "GET", uri: Self.uri, nonce: Self.nonce,
            protection: .auth(nonceCount: 1, cnonce: Self.cnonce))
        #expect(response == expected)
    }

    @Test func ha1Values() {
        // H("Mufasa:http-auth@example.org:Circle of Life") for both hash functions.
        #expect(DigestCredential.ha1(user: Self.user, realm: Self.realm, password: Self.password, algorithm: .md5)
            == "3d78807defe7de2157e2b0b6573a855f")
        #expect(DigestCredential.ha1(user: Self.user, realm: Self.realm, password: Self.password, algorithm: .sha256)
            == "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232")
        // The -sess variants store the same HA1; only the session key differs.
        #expect(DigestCredential.ha1(user: "u", realm: "r", password: "p", algorithm: .sha256Session)
            == DigestCredential.ha1(user: "u", realm: "r", password: "p", algorithm: .sha256))
    }

    @Test func knownHashVectors() {
        // RFC 1321 §A.5 and FIPS 180-2 test vectors for the two hash functions.
        #expect(DigestHashFunction.md5.hex("abc") == "900150983cd24fb0d6963f7d28e17f72")
        #expect(DigestHashFunction.sha256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func sessionVariantDerivesFromNonceAndCnonce() {
        let ha1 = DigestCredential.ha1(user: Self.user, realm: Self.realm, password: Self.password, algorithm: .md5)
        let session = DigestComputation.sessionHA1(storedHA1: ha1, algorithm: .md5Session, nonce: Self.nonce, cnonce: Self.cnonce)
        #expect(session == DigestHashFunction.md5.hex(ha1 + ":" + Self.nonce + ":" + Self.cnonce))
        let plain = DigestComputation.response(storedHA1: ha1, algorithm: .md5, method: "GET", uri: Self.uri, nonce: Self.nonce,
                                               protection: .auth(nonceCount: 1, cnonce: Self.cnonce))
        let sess = DigestComputation.response(storedHA1: ha1, algorithm: .md5Session, method: "GET", uri: Self.uri, nonce: Self.nonce,
                                              protection: .auth(nonceCount: 1, cnonce: Self.cnonce))
        #expect(plain != sess)
    }

    @Test func rfc2069ResponseWithoutQop() {
        // RFC 2617 §3.2.2.1: request-digest = KD(H(A1), nonce ":" H(A2)) without qop.
        let ha1 = DigestHashFunction.md5.hex("Mufasa:testrealm@host.com:Circle Of Life")
        let expected = DigestHashFunction.md5.hex(ha1 + ":dcd98b7102dd2f0e8b11d0f600bfb0c093:" + DigestHashFunction.md5.hex("GET:/dir/index.html"))
        let response = DigestComputation.response(storedHA1: ha1, algorithm: .md5, method: "GET", uri: "/dir/index.html",
                                                  nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093", protection: .none)
        #expect(response == expected)
    }

    @Test func nonceCountText() {
        #expect(DigestComputation.nonceCountText(1) == "00000001")
        #expect(DigestComputation.nonceCountText(0xABCDEF12) == "abcdef12")
        #expect(DigestComputation.parseNonceCount("0000000a") == 10)
        #expect(DigestComputation.parseNonceCount("0000000A") == 10)
        #expect(DigestComputation.parseNonceCount("1") == nil)
        #expect(DigestComputation.parseNonceCount("+0000001") == nil)
        #expect(DigestComputation.parseNonceCount("0000000g") == nil)
    }

    @Test func algorithmTokens() {
        #expect(DigestAlgorithm(token: "md5") == .md5)
        #expect(DigestAlgorithm(token: "SHA-256") == .sha256)
        #expect(DigestAlgorithm(token: "sha-256-SESS") == .sha256Session)
        #expect(DigestAlgorithm(token: "MD5-sess") == .md5Session)
        #expect(DigestAlgorithm(token: "SHA-512-256") == nil)
        #expect(DigestAlgorithm.sha256Session.token == "SHA-256-sess")
        #expect(DigestChallenge(realm: "r", nonce: "n", algorithm: nil).algorithm == .md5)  // absent means MD5
    }

    @Test func rfc7616ExampleCredentialsParse() throws {
        // The SHA-256 Authorization of RFC 7616 §3.9.1, as a header value.
        let value = try AuthenticationValue("""
            Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, \
            nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, \
            cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, \
            response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", \
            opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
            """)
        let credentials = try #require(try DigestAuthorization.parse(value))
        #expect(credentials.username == Self.user)
        #expect(credentials.algorithm == .sha256)
        #expect(credentials.nonceCount == 1)
        #expect(credentials.cnonce == Self.cnonce)
        #expect(credentials.opaque == Self.opaque)
        // Writing it and reading it back gives the same credentials.
        let again = try #require(try DigestAuthorization.parse(AuthenticationValue(credentials.authenticationValue.description)))
        #expect(again == credentials)
    }

    @Test func challengeParsesAndWrites() throws {
        let value = try AuthenticationValue("""
            Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, \
            nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", stale=TRUE
            """)
        let challenge = try #require(DigestChallenge(value))
        #expect(challenge.qopOptions == ["auth", "auth-int"])
        #expect(challenge.offersAuth)
        #expect(challenge.stale)
        #expect(challenge.algorithm == .sha256)
        let written = challenge.authenticationValue.description
        #expect(written.contains("qop=\"auth,auth-int\""))
        #expect(written.contains("stale=true"))
        #expect(DigestChallenge(try AuthenticationValue(written)) == challenge)
        // Not Digest, or no nonce: not a Digest challenge.
        #expect(DigestChallenge(try AuthenticationValue("Basic realm=\"x\"")) == nil)
        #expect(DigestChallenge(try AuthenticationValue("Digest realm=\"x\"")) == nil)
    }

    @Test func malformedCredentials() throws {
        func parse(_ text: String) throws -> DigestAuthorization? { try DigestAuthorization.parse(AuthenticationValue(text)) }
        #expect(throws: DigestAuthorization.ParseError.missing("response")) {
            try parse("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:x\"")
        }
        #expect(throws: DigestAuthorization.ParseError.duplicate("nonce")) {
            try parse("Digest username=\"a\", realm=\"r\", nonce=\"n\", nonce=\"m\", uri=\"sip:x\", response=\"0\"")
        }
        #expect(throws: DigestAuthorization.ParseError.badNonceCount) {
            try parse("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", response=\"0\", qop=auth, nc=1, cnonce=\"c\"")
        }
        #expect(throws: DigestAuthorization.ParseError.missingCnonce) {
            try parse("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", response=\"0\", qop=auth, nc=00000001")
        }
        #expect(try parse("Basic realm=\"x\"") == nil)
    }
}

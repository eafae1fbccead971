import SIPMessage

/// The UAC side of digest authentication (RFC 3261 §22.2, §22.3; RFC 7616 §3.4; RFC 8760),
/// sans-IO: given a `401`/`407` and the request it answered, it returns that request with
/// `Authorization`/`Proxy-Authorization` credentials added, for the UAC to send again with
/// an incremented CSeq and a new branch (RFC 3261 §8.1.3.5, §22.2 — the caller's part).
///
/// - It picks, per realm, the strongest challenge it can compute (SHA-256 before MD5,
///   RFC 8760 §2.4) for which it has credentials.
/// - It answers **once**: when the request being challenged already carried its answer to
///   a challenge of that realm and the server challenges again without `stale=true`, or
///   repeats the nonce just answered, the credentials were refused and it throws
///   `DigestResponderError.rejected` instead of looping (RFC 7616 §3.3).
/// - It remembers each realm's nonce so later requests to the same server (a REGISTER
///   refresh) can carry credentials up front with the nonce count incremented
///   (`authorizeAgain`, RFC 7616 §3.4 nc), each with a new cnonce.
///
/// Use one responder per server it talks to (a trunk, a registration): the remembered
/// nonces are that server's. Credentials with a password never leave this value; HA1 is
/// all a remembered session keeps.
public struct DigestResponder: Sendable {
    /// The credentials to answer with; one for a specific realm is preferred over one for
    /// any realm.
    public var credentials: [DigestCredential]
    private var random: any RandomNumberGenerator & Sendable
    private var sessions: [SessionKey: Session] = [:]

    private struct SessionKey: Hashable, Sendable {
        let proxy: Bool
        let realm: String
    }

    /// What reusing a nonce needs (RFC 7616 §3.4: same nonce, nc incremented).
    private struct Session: Sendable {
        let username: String
        let storedHA1: String
        let algorithm: DigestAlgorithm
        let nonce: String
        let opaque: String?
        /// Kept for `-sess`, whose session key covers the first cnonce (RFC 7616 §3.4.2).
        let firstCnonce: String
        var lastCount: UInt32
    }

    public init(credentials: [DigestCredential], random: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()) {
        self.credentials = credentials
        self.random = random
    }

    /// Whether a nonce for `realm` is remembered for reuse.
    public func hasSession(realm: String, proxy: Bool = false) -> Bool {
        sessions[SessionKey(proxy: proxy, realm: realm)] != nil
    }

    /// Forgets every remembered nonce (e.g. when the registration ends).
    public mutating func forgetSessions() { sessions.removeAll() }

    // MARK: Answering a challenge

    /// `request` with credentials answering the challenges in `response` (a `401` with
    /// WWW-Authenticate → Authorization, a `407` with Proxy-Authenticate →
    /// Proxy-Authorization; RFC 3261 §22.2, §22.3). Credentials the request carried for
    /// realms not challenged now are kept, re-computed with the next nonce count when the
    /// nonce is remembered.
    public mutating func authorize(_ request: SIPMessage, challengedBy response: SIPMessage) throws(DigestResponderError) -> SIPMessage {
        guard let method = request.method, let requestURI = request.requestURI else { throw .notARequest }
        let proxy: Bool
        switch response.statusCode {
        case 401: proxy = false
        case 407: proxy = true
        default: throw .notAChallenge(status: response.statusCode)
        }
        let values: [AuthenticationValue]
        do {
            values = proxy ? try response.proxyAuthenticate() : try response.wwwAuthenticate()
        } catch {
            throw .malformedChallenge(String(describing: error))
        }
        let challenges = values.compactMap(DigestChallenge.init)
        guard !challenges.isEmpty else { throw .unsupportedChallenge(realm: nil) }

        let headerName: HeaderName = proxy ? .proxyAuthorization : .authorization
        let previous = Self.digestCredentials(in: request, headerName)
        var realms: [String] = []
        for challenge in challenges where !realms.contains(challenge.realm) { realms.append(challenge.realm) }

        var answers: [DigestAuthorization] = []
        for realm in realms {
            let offered = challenges.filter { $0.realm == realm }
            if let before = previous.first(where: { $0.realm == realm }) {
                try Self.checkNotRefused(before, offered: offered, realm: realm)
            }
            answers.append(try answer(offered, realm: realm, proxy: proxy, method: method.name, uri: requestURI.description))
        }

        var retried = request
        rewrite(&retried, headerName, proxy: proxy, answers: answers, addRemembered: false)
        return retried
    }

    /// Throws `.rejected` when the server refused the credentials `before` that the
    /// challenged request carried for `realm`: it repeats their nonce (stale or not — the
    /// same nonce again would loop), or it challenges a direct answer to a challenge
    /// (nonce count 1, or no qop) without `stale=true` (RFC 7616 §3.3: "If stale is false …
    /// the username and/or password are invalid"). A refused *reuse* of a remembered nonce
    /// (count above 1) is answered afresh: the server may simply have forgotten the nonce.
    private static func checkNotRefused(_ before: DigestAuthorization, offered: [DigestChallenge], realm: String) throws(DigestResponderError) {
        if offered.contains(where: { $0.nonce == before.nonce }) { throw .rejected(realm: realm) }
        let stale = offered.contains { $0.stale }
        if !stale, (before.nonceCount ?? 1) <= 1 { throw .rejected(realm: realm) }
    }

    /// Credentials for the strongest of `offered` that the configured credentials can
    /// answer (RFC 8760 §2.4), remembering the nonce when qop=auth allows reuse.
    private mutating func answer(_ offered: [DigestChallenge], realm: String, proxy: Bool, method: String, uri: String) throws(DigestResponderError) -> DigestAuthorization {
        // RFC 7616 §3.3: qop is "auth" here (auth-int needs the body digest; not done), or
        // absent for the RFC 2069 form, which has no cnonce and so no -sess.
        let usable = offered
            .filter { challenge in
                guard let algorithm = challenge.algorithm else { return false }
                return challenge.offersAuth || (challenge.qopOptions.isEmpty && !algorithm.isSession)
            }
            .enumerated()
            .sorted { ($0.element.algorithm?.preference ?? .max, $0.offset) < ($1.element.algorithm?.preference ?? .max, $1.offset) }
            .map(\.element)
        guard !usable.isEmpty else { throw .unsupportedChallenge(realm: realm) }
        let candidates = credentials.filter { $0.realm == realm } + credentials.filter { $0.realm == nil }

        for challenge in usable {
            guard let algorithm = challenge.algorithm else { continue }
            for credential in candidates {
                guard let ha1 = credential.storedHA1(realm: realm, hashFunction: algorithm.hashFunction) else { continue }
                let cnonce = newCnonce()
                let key = SessionKey(proxy: proxy, realm: realm)
                guard challenge.offersAuth else {
                    // RFC 2069 compatibility: no nc/cnonce, so nothing to reuse safely.
                    sessions[key] = nil
                    let digest = DigestComputation.response(storedHA1: ha1, algorithm: algorithm, method: method, uri: uri,
                                                            nonce: challenge.nonce, protection: .none)
                    return DigestAuthorization(username: credential.username, realm: realm, nonce: challenge.nonce, uri: uri,
                                               response: digest, algorithm: algorithm, opaque: challenge.opaque)
                }
                let session = Session(username: credential.username, storedHA1: ha1, algorithm: algorithm, nonce: challenge.nonce,
                                      opaque: challenge.opaque, firstCnonce: cnonce, lastCount: 1)
                sessions[key] = session
                return Self.credentials(session, count: 1, cnonce: cnonce, realm: realm, method: method, uri: uri)
            }
        }
        throw .noCredentials(realm: realm)
    }

    // MARK: Reusing a nonce

    /// `request` with credentials for every remembered nonce, each with the next nonce
    /// count (RFC 7616 §3.4: "nc … incremented for each request … with the same nonce") —
    /// for a REGISTER refresh or the next request to the same server, sparing a round trip.
    /// If the server has dropped the nonce it challenges, and `authorize` answers afresh.
    public mutating func authorizeAgain(_ request: SIPMessage) -> SIPMessage {
        guard request.isRequest else { return request }
        var result = request
        for proxy in [false, true] {
            guard sessions.keys.contains(where: { $0.proxy == proxy }) else { continue }
            rewrite(&result, proxy ? .proxyAuthorization : .authorization, proxy: proxy, answers: [], addRemembered: true)
        }
        return result
    }

    /// Rewrites the request's `headerName` lines: a line for a realm in `answers` is
    /// replaced by its answer; a line for a realm with a remembered nonce gets credentials
    /// with the next nonce count; other lines stay as written. With `addRemembered`, every
    /// remembered realm without a line gets one too.
    private mutating func rewrite(_ request: inout SIPMessage, _ headerName: HeaderName, proxy: Bool,
                                  answers: [DigestAuthorization], addRemembered: Bool) {
        guard let method = request.method?.name, let uri = request.requestURI?.description else { return }
        let answered = Set(answers.map(\.realm))
        var lines: [String] = []
        var covered = answered
        for line in request.headers.lines(headerName) {
            let value = try? AuthenticationValue(line)
            guard let value, value.scheme.lowercased() == "digest", let realm = value.value("realm") else {
                lines.append(line)
                continue
            }
            if answered.contains(realm) { continue }
            if let next = nextCredentials(realm: realm, proxy: proxy, method: method, uri: uri) {
                lines.append(next.authenticationValue.description)
                covered.insert(realm)
            } else {
                lines.append(line)
            }
        }
        if addRemembered {
            for key in sessions.keys.sorted(by: { $0.realm < $1.realm }) where key.proxy == proxy && !covered.contains(key.realm) {
                if let next = nextCredentials(realm: key.realm, proxy: proxy, method: method, uri: uri) {
                    lines.append(next.authenticationValue.description)
                }
            }
        }
        lines += answers.map(\.authenticationValue.description)
        request.headers.remove(headerName)
        for line in lines { request.headers.append(headerName, line) }
    }

    /// Credentials under the remembered nonce of `realm` with the next count; nil when
    /// none is remembered or the count would wrap (then the session is dropped).
    private mutating func nextCredentials(realm: String, proxy: Bool, method: String, uri: String) -> DigestAuthorization? {
        let key = SessionKey(proxy: proxy, realm: realm)
        guard var session = sessions[key] else { return nil }
        guard session.lastCount < UInt32.max else {
            sessions[key] = nil
            return nil
        }
        session.lastCount += 1
        sessions[key] = session
        let cnonce = session.algorithm.isSession ? session.firstCnonce : newCnonce()
        return Self.credentials(session, count: session.lastCount, cnonce: cnonce, realm: realm, method: method, uri: uri)
    }

    private static func credentials(_ session: Session, count: UInt32, cnonce: String, realm: String, method: String, uri: String) -> DigestAuthorization {
        // -sess: the session key is H(HA1:nonce:first cnonce) (RFC 7616 §3.4.2); the cnonce
        // sent with it stays the first one so the server derives the same key.
        let digest = DigestComputation.response(storedHA1: session.storedHA1, algorithm: session.algorithm, method: method, uri: uri,
                                                nonce: session.nonce, protection: .auth(nonceCount: count, cnonce: cnonce))
        return DigestAuthorization(username: session.username, realm: realm, nonce: session.nonce, uri: uri, response: digest,
                                   algorithm: session.algorithm, opaque: session.opaque, qop: "auth", nonceCount: count, cnonce: cnonce)
    }

    /// The Digest credentials a request carries in `headerName`, ignoring lines that do
    /// not parse (they are the server's business, not a reason to fail here).
    private static func digestCredentials(in request: SIPMessage, _ headerName: HeaderName) -> [DigestAuthorization] {
        request.headers.lines(headerName).compactMap { line in
            guard let value = try? AuthenticationValue(line) else { return nil }
            return (try? DigestAuthorization.parse(value)) ?? nil
        }
    }

    /// A new client nonce: 128 random bits in hex (RFC 7616 §3.4: an opaque quoted string
    /// the client chooses; §5.11 wants it unpredictable).
    private mutating func newCnonce() -> String {
        let high = random.next(), low = random.next()
        return DigestHex.encode((0..<8).map { UInt8(truncatingIfNeeded: high >> ($0 * 8)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: low >> ($0 * 8)) })
    }
}

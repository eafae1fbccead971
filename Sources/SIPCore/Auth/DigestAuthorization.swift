import SIPMessage

/// Digest credentials, the value of an `Authorization` or `Proxy-Authorization` header
/// (RFC 3261 §20.7, §20.28, §22.2; RFC 7616 §3.4), read from or written to the typed
/// `AuthenticationValue`.
public struct DigestAuthorization: Hashable, Sendable {
    public var username: String
    public var realm: String
    public var nonce: String
    /// The digest-uri: the Request-URI as the UAC wrote it (RFC 3261 §22.4).
    public var uri: String
    /// The request digest in hex (RFC 7616 §3.4.1).
    public var response: String
    /// nil when the directive is absent, which means MD5 (RFC 7616 §3.4).
    public var algorithmToken: String?
    public var opaque: String?
    /// `auth`, or nil for an RFC 2069 answer without qop.
    public var qop: String?
    /// The nonce count (`nc`); present exactly when `qop` is.
    public var nonceCount: UInt32?
    public var cnonce: String?

    public init(username: String, realm: String, nonce: String, uri: String, response: String,
                algorithm: DigestAlgorithm? = nil, opaque: String? = nil, qop: String? = nil,
                nonceCount: UInt32? = nil, cnonce: String? = nil) {
        self.username = username
        self.realm = realm
        self.nonce = nonce
        self.uri = uri
        self.response = response
        self.algorithmToken = algorithm?.token
        self.opaque = opaque
        self.qop = qop
        self.nonceCount = nonceCount
        self.cnonce = cnonce
    }

    /// The algorithm, or nil when this implementation cannot compute the one named.
    public var algorithm: DigestAlgorithm? { DigestAlgorithm.named(algorithmToken) }

    /// Why a Digest `Authorization` value could not be read.
    public enum ParseError: Error, Hashable, Sendable {
        /// A required directive (username, realm, nonce, uri, response) is absent.
        case missing(String)
        /// A directive appears more than once (RFC 7616 §3.4: each at most once).
        case duplicate(String)
        /// `nc` is not eight hex digits, or `qop` came without `nc`/`cnonce`.
        case badNonceCount
        case missingCnonce
    }

    /// The credentials in `value`; nil when it is not the Digest scheme (another scheme is
    /// not an error, the request may carry several).
    public static func parse(_ value: AuthenticationValue) throws(ParseError) -> DigestAuthorization? {
        guard value.scheme.lowercased() == "digest" else { return nil }
        var seen = Set<String>()
        for parameter in value.parameters {
            let name = parameter.name.lowercased()
            guard seen.insert(name).inserted else { throw .duplicate(name) }
        }
        func required(_ name: String) throws(ParseError) -> String {
            guard let text = value.value(name) else { throw .missing(name) }
            return text
        }
        var result = DigestAuthorization(
            username: try required("username"), realm: try required("realm"), nonce: try required("nonce"),
            uri: try required("uri"), response: try required("response"))
        result.algorithmToken = value.value("algorithm")
        result.opaque = value.value("opaque")
        // RFC 7616 §3.4: with qop, nc and cnonce MUST be sent; without it they MUST NOT.
        if let qop = value.value("qop") {
            result.qop = qop
            guard let text = value.value("nc"), let count = DigestComputation.parseNonceCount(text) else { throw .badNonceCount }
            guard let cnonce = value.value("cnonce"), !cnonce.isEmpty else { throw .missingCnonce }
            result.nonceCount = count
            result.cnonce = cnonce
        }
        return result
    }

    /// The header value (RFC 7616 §3.4 directive syntax: username, realm, nonce, uri,
    /// response, cnonce and opaque quoted; algorithm, qop and nc tokens).
    public var authenticationValue: AuthenticationValue {
        var parameters = [
            GenericParameter(name: "username", value: Quoting.quote(username)),
            GenericParameter(name: "realm", value: Quoting.quote(realm)),
            GenericParameter(name: "nonce", value: Quoting.quote(nonce)),
            GenericParameter(name: "uri", value: Quoting.quote(uri)),
            GenericParameter(name: "response", value: Quoting.quote(response)),
        ]
        if let algorithmToken { parameters.append(GenericParameter(name: "algorithm", value: algorithmToken)) }
        if let cnonce { parameters.append(GenericParameter(name: "cnonce", value: Quoting.quote(cnonce))) }
        if let opaque { parameters.append(GenericParameter(name: "opaque", value: Quoting.quote(opaque))) }
        if let qop { parameters.append(GenericParameter(name: "qop", value: qop)) }
        if let nonceCount { parameters.append(GenericParameter(name: "nc", value: DigestComputation.nonceCountText(nonceCount))) }
        return AuthenticationValue(scheme: "Digest", parameters: parameters)
    }
}

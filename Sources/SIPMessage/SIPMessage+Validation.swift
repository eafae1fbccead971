/// Checks that a parsed message is one a transaction layer can act on (RFC 3261 §8.1.1,
/// §8.2, §20), naming the first problem in a `SIPParseError`.
extension SIPMessage {
    /// Validates:
    /// - SIP-Version is 2.0 (else `unsupportedVersion`, answered with 505);
    /// - the Request-URI scheme is sip, sips or tel (else 416, RFC 3261 §8.2.2.1);
    /// - the mandatory headers are present once and well-formed: Via, From, To, Call-ID,
    ///   CSeq, and Max-Forwards for requests (RFC 3261 §8.1.1; Max-Forwards is tolerated
    ///   when missing, as §16.6 step 3 does for proxies; its value must be 0–255);
    /// - the CSeq method equals the request method (§8.1.1.5; CANCEL and ACK included);
    /// - Content-Length, when present, equals the body length; Content-Type is well-formed.
    public func validate() throws(SIPParseError) {
        let version = self.version
        guard version.caseInsensitiveEquals(SIPMessage.version) else {
            throw .unsupportedVersion(version)
        }
        guard try !vias().isEmpty else { throw .missingHeader("Via") }
        _ = try from()
        _ = try to()
        _ = try callID()
        let cseq = try cseq()
        _ = try maxForwards()
        if let length = try contentLength(), length != body.count {
            throw .contentLengthMismatch(declared: length, available: body.count)
        }
        _ = try contentType()
        if case .request(let method, let uri, _) = startLine {
            guard cseq.method == method else {
                throw .cseqMethodMismatch(cseq: cseq.method.name, request: method.name)
            }
            if case .absolute(let other) = uri { throw .unsupportedURIScheme(other.scheme) }
        }
    }
}

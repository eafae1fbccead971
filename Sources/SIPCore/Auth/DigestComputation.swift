/// The digest arithmetic of RFC 7616 §3.4.1–§3.4.3 (and RFC 2617 §3.2.2, which RFC 3261
/// §22.4 cites), shared by the UAS and the UAC so both sides compute the same way.
public enum DigestComputation {
    /// The `qop` value this implementation computes: `auth` (RFC 7616 §3.4.1), or none
    /// for the RFC 2069 form a UAC still meets in old challenges.
    public enum Protection: Hashable, Sendable {
        /// `qop=auth` with `nc` (eight hex digits) and `cnonce`.
        case auth(nonceCount: UInt32, cnonce: String)
        /// No `qop`: the RFC 2069 response (RFC 7616 §3.4.1 "rfc2069 compatibility"
        /// via RFC 2617 §3.2.2.1); answered for old servers, never accepted by the UAS.
        case none
    }

    /// The session HA1 for an algorithm (RFC 7616 §3.4.2): the stored HA1 itself, or for
    /// `-sess` H(HA1 ":" nonce ":" cnonce).
    public static func sessionHA1(storedHA1: String, algorithm: DigestAlgorithm, nonce: String, cnonce: String?) -> String {
        guard algorithm.isSession else { return storedHA1 }
        return algorithm.hashFunction.hex(storedHA1 + ":" + nonce + ":" + (cnonce ?? ""))
    }

    /// The `response` directive (RFC 7616 §3.4.1):
    /// - with qop=auth: KD(HA1, nonce ":" nc ":" cnonce ":" qop ":" H(A2));
    /// - without qop:   H(HA1 ":" nonce ":" H(A2));
    /// where A2 = method ":" digest-uri (§3.4.3) and KD(s, d) = H(s ":" d).
    public static func response(
        storedHA1: String, algorithm: DigestAlgorithm, method: String, uri: String, nonce: String, protection: Protection
    ) -> String {
        let hash = algorithm.hashFunction
        let ha2 = hash.hex(method + ":" + uri)
        switch protection {
        case .auth(let count, let cnonce):
            let ha1 = sessionHA1(storedHA1: storedHA1.lowercased(), algorithm: algorithm, nonce: nonce, cnonce: cnonce)
            return hash.hex(ha1 + ":" + nonce + ":" + nonceCountText(count) + ":" + cnonce + ":auth:" + ha2)
        case .none:
            let ha1 = sessionHA1(storedHA1: storedHA1.lowercased(), algorithm: algorithm, nonce: nonce, cnonce: nil)
            return hash.hex(ha1 + ":" + nonce + ":" + ha2)
        }
    }

    /// The `nc` directive: eight lower-case hex digits (RFC 7616 §3.4, "nc-value = 8LHEX").
    public static func nonceCountText(_ count: UInt32) -> String {
        let hex = String(count, radix: 16)
        return String(repeating: "0", count: max(0, 8 - hex.count)) + hex
    }

    /// The count in an `nc` directive, or nil unless it is exactly eight hex digits.
    public static func parseNonceCount(_ text: String) -> UInt32? {
        guard text.utf8.count == 8, text.utf8.allSatisfy({ DigestHex.isHexDigit($0) }) else { return nil }
        return UInt32(text, radix: 16)
    }
}

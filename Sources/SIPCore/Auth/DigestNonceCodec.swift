import Crypto
import SIPTransaction

/// Stateless nonces (RFC 7616 §3.3 and §5.4: "a nonce might, for example, be constructed
/// as the Base64 encoding of time-stamp H(time-stamp ":" ETag ":" secret-data)"): each
/// nonce carries the instant it was issued, a random part that makes it unique, and an
/// HMAC-SHA-256 over both and the realm keyed with a server secret. Validating one needs
/// no table of issued nonces: the MAC proves this server made it for this realm, and the
/// time says how old it is.
///
/// Layout, as 64 lower-case hex digits: issued-at (8 bytes, big-endian nanoseconds of the
/// injected clock) ‖ random (8 bytes) ‖ first 16 bytes of HMAC-SHA-256(secret, issued-at ‖
/// random ‖ realm).
struct DigestNonceCodec: Sendable {
    /// The key's bytes; `SymmetricKey` is not `Sendable`, so one is made per use (cheap).
    private let secret: [UInt8]
    private let realm: [UInt8]

    init(secret: [UInt8], realm: String) {
        self.secret = secret
        self.realm = Array(realm.utf8)
    }

    private var key: SymmetricKey { SymmetricKey(data: secret) }

    /// The `opaque` directive: fixed for a secret and realm, so it too needs no storage
    /// (RFC 7616 §3.3: the client returns it unchanged).
    var opaque: String {
        var hmac = HMAC<SHA256>(key: key)
        hmac.update(data: Array("opaque:".utf8))
        hmac.update(data: realm)
        return DigestHex.encode(Array(hmac.finalize()).prefix(16))
    }

    static let payloadLength = 16
    static let macLength = 16

    /// A new nonce issued at `now` with the random part `random`.
    func make(issuedAt now: SIPInstant, random: UInt64) -> String {
        var payload: [UInt8] = []
        payload.reserveCapacity(Self.payloadLength + Self.macLength)
        Self.appendBigEndian(UInt64(bitPattern: now.nanoseconds), to: &payload)
        Self.appendBigEndian(random, to: &payload)
        payload.append(contentsOf: mac(payload))
        return DigestHex.encode(payload)
    }

    /// The instant `nonce` was issued, or nil when this server (with this secret and realm)
    /// did not make it: wrong length, not hex, or a MAC that does not match.
    func issuedAt(_ nonce: String) -> SIPInstant? {
        guard nonce.utf8.count == 2 * (Self.payloadLength + Self.macLength),
              let bytes = DigestHex.decode(nonce),
              // Only the canonical lower-case spelling, so one nonce has one count entry.
              DigestHex.encode(bytes) == nonce
        else { return nil }
        let payload = Array(bytes[0..<Self.payloadLength])
        let expected = mac(payload)
        // Constant-time comparison of the MAC (RFC 7616 §5.4 relies on it being unforgeable).
        var difference: UInt8 = 0
        for index in 0..<Self.macLength { difference |= expected[index] ^ bytes[Self.payloadLength + index] }
        guard difference == 0 else { return nil }
        var time: UInt64 = 0
        for byte in payload[0..<8] { time = time << 8 | UInt64(byte) }
        return SIPInstant(nanoseconds: Int64(bitPattern: time))
    }

    private func mac(_ payload: [UInt8]) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: key)
        hmac.update(data: payload)
        hmac.update(data: realm)
        return Array(Array(hmac.finalize()).prefix(Self.macLength))
    }

    private static func appendBigEndian(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
}

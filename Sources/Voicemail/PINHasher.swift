import Crypto
import _CryptoExtras

/// Hashes and verifies PINs with scrypt (swift-crypto's `KDF.Scrypt`, BoringSSL): a salted,
/// deliberately slow, memory-hard hash. Only the hash is ever stored.
///
/// Hashing takes about 0.1 s of CPU with the standard parameters; the `VoicemailStore` PIN
/// helpers run it off the caller's executor (`@concurrent`) so it never holds up a call's
/// event loop.
public struct PINHasher: Hashable, Sendable {
    /// Parameters for new hashes.
    public var parameters: ScryptParameters
    /// Salt length in bytes.
    public static let saltBytes = 16
    /// Derived key length in bytes.
    public static let keyBytes = 32

    public init(parameters: ScryptParameters = .standard) {
        self.parameters = parameters
    }

    /// The production hasher (`ScryptParameters.standard`).
    public static let standard = PINHasher()

    /// A fresh hash of `pin` with a random salt.
    public func hash(_ pin: String) throws -> PINHash {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<Self.saltBytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let key = try Self.derive(pin, salt: salt, parameters: parameters)
        return PINHash(parameters: parameters, salt: salt, key: key)
    }

    /// Whether `pin` matches `stored`, derived with the stored hash's own parameters and
    /// compared in constant time.
    public func verify(_ pin: String, against stored: PINHash) throws -> Bool {
        guard stored.parameters.isWithinSafeBounds else { throw VoicemailError.malformedPINHash }
        let key = try Self.derive(pin, salt: stored.salt, parameters: stored.parameters, keyBytes: stored.key.count)
        return Self.constantTimeEqual(key, stored.key)
    }

    /// Whether `stored` was made with weaker parameters than this hasher's, so a successful
    /// login should replace it.
    public func needsRehash(_ stored: PINHash) -> Bool {
        stored.parameters < parameters || stored.salt.count < Self.saltBytes || stored.key.count < Self.keyBytes
    }

    /// Spends the time one verification takes, for a mailbox with no PIN or no mailbox at
    /// all, so that timing does not tell which mailboxes exist.
    public func burnVerificationTime(_ pin: String) {
        _ = try? Self.derive(pin, salt: [UInt8](repeating: 0, count: Self.saltBytes), parameters: parameters)
    }

    private static func derive(_ pin: String, salt: [UInt8], parameters: ScryptParameters,
                               keyBytes: Int = PINHasher.keyBytes) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(from: Array(pin.utf8), salt: salt, outputByteCount: keyBytes,
                                           rounds: 1 << parameters.logN, blockSize: parameters.blockSize,
                                           parallelism: parameters.parallelism)
        return key.withUnsafeBytes { Array($0) }
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

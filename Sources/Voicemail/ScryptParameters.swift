/// scrypt's cost parameters (RFC 7914 §2): N = 2^`logN` (CPU and memory cost),
/// r = `blockSize`, p = `parallelism`. Memory used is about 128 · N · r bytes.
public struct ScryptParameters: Hashable, Sendable, Codable, Comparable {
    /// log2 of N.
    public var logN: Int
    /// r.
    public var blockSize: Int
    /// p.
    public var parallelism: Int

    public init(logN: Int, blockSize: Int = 8, parallelism: Int = 1) {
        self.logN = logN
        self.blockSize = blockSize
        self.parallelism = parallelism
    }

    /// The default: N = 2^15, r = 8, p = 1 — 32 MiB per hash. That is below OWASP's
    /// recommendation for passwords (N = 2^17, or 2^15 with p = 3) on purpose: a PIN is hashed
    /// on every voicemail login while calls are running, and with 10^4–10^12 possible PINs no
    /// parameters make an offline search of a stolen database infeasible — they make it
    /// slower. What stops guessing by phone is the `PINGuard`. Raise them when the hardware
    /// allows: stored hashes keep their own parameters and are upgraded at the next login.
    public static let standard = ScryptParameters(logN: 15)

    /// Bytes of memory one derivation needs (128 · N · r · p).
    public var memoryBytes: Int { (128 << logN) * blockSize * parallelism }

    /// Parameters a stored hash may carry: logN 1…20, r 1…32, p 1…16 and at most 1 GiB.
    public var isWithinSafeBounds: Bool {
        (1...20).contains(logN) && (1...32).contains(blockSize) && (1...16).contains(parallelism)
            && memoryBytes <= 1 << 30
    }

    /// Ordered by work: a hash made with lower parameters than the current ones is rehashed.
    public static func < (lhs: ScryptParameters, rhs: ScryptParameters) -> Bool {
        (lhs.logN, lhs.blockSize, lhs.parallelism) < (rhs.logN, rhs.blockSize, rhs.parallelism)
    }
}

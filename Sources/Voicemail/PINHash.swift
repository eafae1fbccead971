import Foundation

/// A stored PIN: the scrypt parameters it was hashed with, a random salt and the derived
/// key, written in the PHC string format
/// `$scrypt$ln=15,r=8,p=1$<salt, base64>$<key, base64>`.
///
/// Keeping the parameters with each hash lets them be raised later: old hashes still
/// verify with their own parameters, and `PINHasher.needsRehash` tells when a successful
/// login should store a fresh, stronger hash.
public struct PINHash: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The scrypt cost parameters.
    public var parameters: ScryptParameters
    /// The random salt.
    public var salt: [UInt8]
    /// The derived key.
    public var key: [UInt8]

    public init(parameters: ScryptParameters, salt: [UInt8], key: [UInt8]) {
        self.parameters = parameters
        self.salt = salt
        self.key = key
    }

    /// Parses the PHC string; throws `VoicemailError.malformedPINHash` for anything else,
    /// including parameters beyond `ScryptParameters.isWithinSafeBounds` (a damaged row must
    /// not make a login allocate gigabytes).
    public init(encoded: String) throws(VoicemailError) {
        let fields = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0].isEmpty, fields[1] == "scrypt",
              let salt = Data(base64Encoded: String(fields[3])), let key = Data(base64Encoded: String(fields[4])),
              !salt.isEmpty, !key.isEmpty
        else { throw .malformedPINHash }
        var values: [String: Int] = [:]
        for pair in fields[2].split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let value = Int(parts[1]) else { throw .malformedPINHash }
            values[String(parts[0])] = value
        }
        guard let ln = values["ln"], let r = values["r"], let p = values["p"] else { throw .malformedPINHash }
        let parameters = ScryptParameters(logN: ln, blockSize: r, parallelism: p)
        guard parameters.isWithinSafeBounds else { throw .malformedPINHash }
        self.init(parameters: parameters, salt: Array(salt), key: Array(key))
    }

    /// The PHC string, as stored.
    public var encoded: String {
        "$scrypt$ln=\(parameters.logN),r=\(parameters.blockSize),p=\(parameters.parallelism)$"
            + Data(salt).base64EncodedString() + "$" + Data(key).base64EncodedString()
    }

    public var description: String { "PINHash(scrypt ln=\(parameters.logN) r=\(parameters.blockSize) p=\(parameters.parallelism))" }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(encoded: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(encoded)
    }
}

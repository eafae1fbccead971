import Foundation
import Testing
import Voicemail

/// PIN rules, the stored hash format, and scrypt hashing.
@Suite("PINs: rules, hash format, scrypt")
struct PINTests {
    /// Cheap parameters so the suite stays fast; the production ones are exercised once.
    static let fast = PINHasher(parameters: ScryptParameters(logN: 6, blockSize: 8, parallelism: 1))

    @Test("PIN rules: digits only, 4 to 12 of them")
    func rules() throws {
        try PINRules.standard.validate("1234")
        try PINRules.standard.validate("123456789012")
        for bad in ["123", "1234567890123", "12a4", "12 34", "", "١٢٣٤"] {
            #expect(throws: VoicemailError.self) { try PINRules.standard.validate(bad) }
        }
    }

    @Test("A hash verifies its PIN and no other; salts differ between hashes of one PIN")
    func verify() throws {
        let hash = try Self.fast.hash("4711")
        #expect(try Self.fast.verify("4711", against: hash))
        #expect(try !Self.fast.verify("4712", against: hash))
        #expect(try !Self.fast.verify("", against: hash))
        let again = try Self.fast.hash("4711")
        #expect(again.salt != hash.salt)
        #expect(again.key != hash.key)
        #expect(hash.salt.count == PINHasher.saltBytes && hash.key.count == PINHasher.keyBytes)
    }

    @Test("The production parameters (scrypt N=2^15, r=8, p=1) hash and verify")
    func production() throws {
        let hash = try PINHasher.standard.hash("2468")
        #expect(hash.encoded.hasPrefix("$scrypt$ln=15,r=8,p=1$"))
        #expect(try PINHasher.standard.verify("2468", against: hash))
        #expect(try !PINHasher.standard.verify("2469", against: hash))
    }

    @Test("The PHC string round-trips and carries the parameters")
    func encoding() throws {
        let hash = try Self.fast.hash("0000")
        let parsed = try PINHash(encoded: hash.encoded)
        #expect(parsed == hash)
        #expect(parsed.parameters == ScryptParameters(logN: 6))
        // A hash made with other parameters verifies with its own, whatever the hasher's.
        #expect(try PINHasher(parameters: ScryptParameters(logN: 7)).verify("0000", against: parsed))
        let json = try JSONEncoder().encode(hash)
        #expect(try JSONDecoder().decode(PINHash.self, from: json) == hash)
    }

    @Test("Malformed or dangerous stored hashes are refused, not trusted")
    func malformed() {
        let salt = Data([1, 2, 3]).base64EncodedString()
        for text in ["", "1234", "$scrypt$ln=6,r=8,p=1$\(salt)", "$bcrypt$ln=6,r=8,p=1$\(salt)$\(salt)",
                     "$scrypt$ln=6,r=8$\(salt)$\(salt)", "$scrypt$ln=x,r=8,p=1$\(salt)$\(salt)",
                     "$scrypt$ln=6,r=8,p=1$!!$\(salt)", "$scrypt$ln=6,r=8,p=1$$\(salt)",
                     "$scrypt$ln=30,r=8,p=1$\(salt)$\(salt)", "$scrypt$ln=20,r=32,p=16$\(salt)$\(salt)"] {
            #expect(throws: VoicemailError.malformedPINHash, "\(text)") { try PINHash(encoded: text) }
        }
    }

    @Test("needsRehash: weaker parameters than the hasher's")
    func rehash() throws {
        let weak = try Self.fast.hash("1111")
        #expect(!Self.fast.needsRehash(weak))
        #expect(PINHasher(parameters: ScryptParameters(logN: 7)).needsRehash(weak))
        #expect(PINHasher(parameters: ScryptParameters(logN: 6, blockSize: 9)).needsRehash(weak))
        #expect(!PINHasher(parameters: ScryptParameters(logN: 5)).needsRehash(weak))
    }
}

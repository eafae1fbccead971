import Foundation

extension VoicemailStore {
    /// Checks `pin` against `rules`, hashes it with `hasher` (off the caller's executor) and
    /// stores the hash. Throws `invalidPIN` or `mailboxNotFound`.
    @concurrent
    public func setPIN(_ pin: String, for mailbox: String, hasher: PINHasher = .standard,
                       rules: PINRules = .standard) async throws {
        try rules.validate(pin)
        guard try await self.mailbox(mailbox) != nil else { throw VoicemailError.mailboxNotFound(mailbox) }
        try await setPINHash(try hasher.hash(pin), for: mailbox)
    }

    /// Whether `pin` is the PIN of `mailbox`. False as well for a mailbox without a PIN and
    /// for an unknown mailbox — which take as long as a wrong PIN, so that timing does not
    /// reveal which mailboxes exist. A right PIN stored with weaker parameters than
    /// `hasher`'s is rehashed and stored again. Runs off the caller's executor. Combine with a
    /// `PINGuard` to limit guessing.
    @concurrent
    public func verifyPIN(_ pin: String, for mailbox: String, hasher: PINHasher = .standard) async throws -> Bool {
        guard let stored = try await self.mailbox(mailbox)?.pinHash else {
            hasher.burnVerificationTime(pin)
            return false
        }
        guard try hasher.verify(pin, against: stored) else { return false }
        if hasher.needsRehash(stored) {
            try await setPINHash(try hasher.hash(pin), for: mailbox)
        }
        return true
    }
}

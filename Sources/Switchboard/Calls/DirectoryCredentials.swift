import Flows
import SIPCore

/// The people of `flows/directory.yaml` as the registrar and the digest layer see them:
/// who may register (a person with `sip` credentials, by user name), and their HA1 values
/// (RFC 7616 §3.4.2: only H(username:realm:password) is stored, never a password).
struct DirectoryCredentials: DigestCredentialStore, RegistrarUserDirectory {
    private let byUsername: [String: SIPCredentials]

    init(_ directory: Directory) {
        var byUsername: [String: SIPCredentials] = [:]
        for person in directory.people {
            if let sip = person.sip { byUsername[sip.username] = sip }
        }
        self.byUsername = byUsername
    }

    func ha1(username: String, realm: String, hashFunction: DigestHashFunction) -> String? {
        guard let credentials = byUsername[username], credentials.realm == realm else { return nil }
        switch hashFunction {
        case .md5: return credentials.ha1
        case .sha256: return credentials.ha1SHA256
        }
    }

    func isKnownUser(_ aor: AddressOfRecord) -> Bool {
        byUsername[aor.user] != nil
    }

    /// The realm to challenge in: the one most people's credentials name.
    var realm: String? {
        let counts = Dictionary(byUsername.values.map { ($0.realm, 1) }, uniquingKeysWith: +)
        return counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key
    }

    /// The algorithms to offer (RFC 8760 §2.4: SHA-256 first): SHA-256 only when every
    /// person has a SHA-256 HA1, since the challenge comes before we know who answers it.
    var algorithms: [DigestAlgorithm] {
        let everyoneHasSHA256 = !byUsername.isEmpty && byUsername.values.allSatisfy { $0.ha1SHA256 != nil }
        return everyoneHasSHA256 ? [.sha256, .md5] : [.md5]
    }
}

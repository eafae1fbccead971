import Testing
import TestSupport
import SIPMessage
import SIPTransaction
@testable import SIPCore

/// Shared fixtures of the digest-auth tests, in one namespace so they cannot clash with
/// the helpers of other SIPCore test files.
enum AuthFixture {
    static let realm = "switchboard.example"
    static let secret: [UInt8] = Array(0..<32)
    static let user = "alice"
    static let password = "correct horse"

    /// A deterministic random source (TestSupport's SplitMix64).
    typealias Random = SplitMix64

    static func seconds(_ value: Int64) -> SIPInstant { SIPInstant(nanoseconds: value * 1_000_000_000) }

    static func store() -> InMemoryDigestCredentialStore {
        var store = InMemoryDigestCredentialStore()
        store.add(username: user, realm: realm, password: password)
        return store
    }

    static func challenger(algorithms: [DigestAlgorithm] = [.sha256, .md5], role: DigestRole = .userAgentServer,
                           lifetime: Duration = .seconds(300), capacity: Int = 10_000,
                           now: SIPInstant = .zero, seed: UInt64 = 1) -> DigestChallenger {
        DigestChallenger(
            configuration: DigestChallengerConfiguration(realm: realm, role: role, algorithms: algorithms,
                                                         nonceLifetime: lifetime, nonceCountCapacity: capacity),
            secret: secret, now: now, random: Random(seed: seed))
    }

    static func responder(password: String = password, seed: UInt64 = 2) -> DigestResponder {
        DigestResponder(credentials: [.password(password, username: user)], random: Random(seed: seed))
    }

    /// Parses CRLF-joined lines (with the empty line added); records an issue if it fails.
    static func parse(_ lines: [String], sourceLocation: SourceLocation = #_sourceLocation) -> SIPMessage {
        parse(text: lines.joined(separator: "\r\n") + "\r\n\r\n", sourceLocation: sourceLocation)
    }

    static func parse(text: String, sourceLocation: SourceLocation = #_sourceLocation) -> SIPMessage {
        do {
            return try SIPParser().parse(text)
        } catch {
            Issue.record("fixture does not parse: \(error)", sourceLocation: sourceLocation)
            return SIPMessage.request(.options, uri: .sip(SIPURI(host: "invalid")))
        }
    }

    /// Serializes and parses again, as the message would travel.
    static func wire(_ message: SIPMessage, sourceLocation: SourceLocation = #_sourceLocation) -> SIPMessage {
        parse(text: message.text, sourceLocation: sourceLocation)
    }

    /// A REGISTER from alice's phone.
    static func register(cseq: UInt32 = 1, uri: String = "sip:switchboard.example", method: String = "REGISTER") -> SIPMessage {
        parse([
            "\(method) \(uri) SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKreg\(cseq)",
            "Max-Forwards: 70",
            "From: <sip:alice@switchboard.example>;tag=ft1",
            "To: <sip:alice@switchboard.example>",
            "Call-ID: reg-1@192.0.2.10",
            "CSeq: \(cseq) \(method)",
            "Contact: <sip:alice@192.0.2.10:5060>",
            "Expires: 3600",
            "Content-Length: 0",
        ])
    }

    /// The retried request as a UAC core would send it: CSeq incremented, new branch.
    static func nextAttempt(_ request: SIPMessage) -> SIPMessage {
        var copy = request
        let cseq = (try? request.cseq()) ?? CSeq(1, .register)
        copy.headers.set(.cseq, CSeq(cseq.sequence + 1, cseq.method).description)
        copy.headers.set(.via, "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKreg\(cseq.sequence + 1)")
        return copy
    }

    /// The one credentials value of a request's Authorization header.
    static func credentials(_ request: SIPMessage, proxy: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) -> DigestAuthorization? {
        let values = (try? (proxy ? request.proxyAuthorization() : request.authorization())) ?? []
        guard values.count == 1, let parsed = try? DigestAuthorization.parse(values[0]) else {
            Issue.record("expected one Digest credentials value, got \(values)", sourceLocation: sourceLocation)
            return nil
        }
        return parsed
    }

    /// `request` with its Authorization replaced by `credentials`.
    static func replacing(_ request: SIPMessage, with credentials: DigestAuthorization, proxy: Bool = false) -> SIPMessage {
        var copy = request
        copy.headers.set(proxy ? .proxyAuthorization : .authorization, credentials.authenticationValue.description)
        return copy
    }
}

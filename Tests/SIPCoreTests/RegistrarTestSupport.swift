import Testing
import SIPMessage
import SIPTransaction
@testable import SIPCore

/// Shared fixtures for the registrar and location tests: a virtual wall clock, a registrar
/// over an in-memory store, and REGISTER requests built line by line.
enum RegistrarFixture {
    /// 2026-11-27 12:00:00 UTC, the start of every virtual clock.
    static let epoch = SIPInstant(nanoseconds: 1_795_780_800 * 1_000_000_000)

    static let phone = TransportFlow(transport: .udp, host: "203.0.113.7", port: 40_123)
    static let otherPhone = TransportFlow(transport: .tcp, host: "198.51.100.9", port: 51_000, connection: 42)
    static let alice = AddressOfRecord(user: "alice", domain: "example.com")
    static let bob = AddressOfRecord(user: "bob", domain: "example.com")

    static func at(_ seconds: Int64) -> SIPInstant { epoch + .seconds(seconds) }

    static func configuration(minExpires: UInt32 = 60, maxExpires: UInt32 = 7200, maxBindings: Int = 5,
                              requireAuthentication: Bool = true) -> RegistrarConfiguration {
        RegistrarConfiguration(domains: ["example.com", "192.0.2.1"], defaultExpires: 3600, minExpires: minExpires,
                               maxExpires: maxExpires, maxBindingsPerAOR: maxBindings,
                               requireAuthentication: requireAuthentication)
    }

    static func registrar(_ configuration: RegistrarConfiguration = configuration(),
                          store: InMemoryLocationStore = InMemoryLocationStore()) -> Registrar {
        Registrar(configuration: configuration, users: ClosureUserDirectory([alice, bob]), store: store)
    }

    /// A REGISTER for `aor` (a user at example.com); each entry of `contacts` is one Contact line.
    static func register(user: String = "alice", requestURI: String = "sip:example.com", toDomain: String = "example.com",
                         callID: String = "reg-1@phone", cseq: UInt32 = 1, contacts: [String] = ["<sip:alice@203.0.113.7:40123>"],
                         expires: String? = nil, extra: [String] = [],
                         sourceLocation: SourceLocation = #_sourceLocation) -> SIPMessage {
        var lines = [
            "REGISTER \(requestURI) SIP/2.0",
            "Via: SIP/2.0/UDP 203.0.113.7:40123;branch=z9hG4bK-\(callID.hashValue & 0xffff)-\(cseq)",
            "Max-Forwards: 70",
            "From: <sip:\(user)@\(toDomain)>;tag=ft\(cseq)",
            "To: <sip:\(user)@\(toDomain)>",
            "Call-ID: \(callID)",
            "CSeq: \(cseq) REGISTER",
            "User-Agent: TestPhone/1.0",
        ]
        lines += contacts.map { "Contact: " + $0 }
        if let expires { lines.append("Expires: " + expires) }
        lines += extra
        lines.append("Content-Length: 0")
        let text = lines.joined(separator: "\r\n") + "\r\n\r\n"
        do {
            return try SIPParser().parse(text)
        } catch {
            Issue.record("fixture does not parse: \(error)", sourceLocation: sourceLocation)
            return SIPMessage.request(.register, uri: .sip(SIPURI(host: "invalid")))
        }
    }

    static func context(_ user: String? = "alice", from source: TransportFlow = phone) -> RegisterContext {
        RegisterContext(source: source, authenticatedUser: user)
    }
}

extension RegistrarOutcome {
    /// The Contact values of the response, as text.
    var contacts: [String] { response.headers.values(.contact) }

    /// `uri expires` for each Contact of the response, e.g. `sip:a@h 3600`.
    var contactExpiries: [String] {
        ((try? response.contact()) ?? nil).map { value -> [String] in
            guard case .addresses(let list) = value else { return ["*"] }
            return list.map { "\($0.uri) \($0.expires.map(String.init) ?? "-")" }
        } ?? []
    }

    /// `kind contact` for each change.
    var changeSummary: [String] { changes.map { "\($0.kind.rawValue) \($0.binding.contact)" } }
}

import Foundation
import SIPCore
import SIPMessage
import SIPTransaction
import Storage
import Testing

private typealias F = StorageFixture

/// The SQLite location service, checked against SIPCore's in-memory reference store.
@Suite("SQLite location store")
struct SQLiteLocationStoreTests {
    static let alice = AddressOfRecord(user: "alice", domain: "example.com")
    static let bob = AddressOfRecord(user: "bob", domain: "example.com")
    static let carol = AddressOfRecord(user: "carol", domain: "a.example")

    static func at(_ seconds: Int64) -> SIPInstant { SIPInstant(nanoseconds: 1_795_000_000_000_000_000 + seconds * 1_000_000_000) }

    static func binding(_ aor: AddressOfRecord, _ contact: String, expires: Int64, q: Double? = nil, updated: Int64 = 0,
                        source: TransportFlow = TransportFlow(transport: .udp, host: "203.0.113.7", port: 5060),
                        instance: String? = nil, regID: UInt32? = nil, agent: String? = nil) throws -> LocationBinding {
        LocationBinding(aor: aor, contact: try URI(contact), expiresAt: at(expires), q: q, callID: "call-\(contact)",
                        cseq: 4_000_000_000, updatedAt: at(updated), source: source, instanceID: instance, regID: regID,
                        userAgent: agent)
    }

    /// Bindings exercising every field: nil and set q, instance/reg-id, TCP connection ids
    /// with the top bit set, IPv6 hosts, escaped users.
    static func sample() throws -> [LocationBinding] {
        [
            try binding(alice, "sip:alice@desk.example;transport=tcp", expires: 3600, q: 0.5, updated: 1,
                        source: TransportFlow(transport: .tcp, host: "[2001:db8::1]", port: 40_000, connection: .max - 3),
                        instance: "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>", regID: 2, agent: "Desk/1.0"),
            try binding(alice, "sip:alice@soft.example", expires: 60, updated: 2, agent: "Soft \"quoted\""),
            try binding(bob, "sip:b%20ob@10.0.0.2:5062", expires: 120, q: 1,
                        source: TransportFlow(transport: .tls, host: "198.51.100.9", port: 5061, connection: 7)),
            try binding(carol, "sips:carol@c.example", expires: 30, q: 0.1),
        ]
    }

    static func fill(_ store: some LocationStore) async throws {
        for binding in try sample() {
            try await store.update(binding.aor) { $0.append(binding) }
        }
    }

    @Test("Bindings survive closing and reopening the database, field for field, like the in-memory store")
    func persistence() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let reference = InMemoryLocationStore()
        try await Self.fill(reference)
        try await Self.fill(try fixture.open().locations)
        let reopened = try fixture.open().locations
        for aor in [Self.alice, Self.bob, Self.carol, AddressOfRecord(user: "nobody", domain: "example.com")] {
            #expect(try await reopened.bindings(for: aor, at: Self.at(10)) == reference.bindings(for: aor, at: Self.at(10)))
        }
        #expect(try await reopened.allBindings(at: Self.at(10)) == reference.allBindings(at: Self.at(10)))
        #expect(try await reopened.allBindings(at: Self.at(10)).map(\.aor) == [Self.carol, Self.alice, Self.alice, Self.bob])
        #expect(try await reopened.allBindings(at: Self.at(100)) == reference.allBindings(at: Self.at(100)))
        #expect(try await reopened.storedCount() == 4)
    }

    @Test("Expired bindings vanish from lookups at their instant; purge deletes them for good and reports them")
    func purge() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().locations
        let reference = InMemoryLocationStore()
        try await Self.fill(store)
        try await Self.fill(reference)
        #expect(try await store.bindings(for: Self.alice, at: Self.at(59)).count == 2)
        #expect(try await store.bindings(for: Self.alice, at: Self.at(60)).map(\.contact.description) == ["sip:alice@desk.example;transport=tcp"])
        let purged = try await store.purgeExpired(at: Self.at(60))
        #expect(Set(purged) == Set(reference.purgeExpired(at: Self.at(60))))
        #expect(Set(purged.map(\.contact.description)) == ["sip:alice@soft.example", "sips:carol@c.example"])
        #expect(try await store.storedCount() == 2)
        #expect(try await store.purgeExpired(at: Self.at(60)).isEmpty)
        let reopened = try fixture.open().locations
        #expect(try await reopened.storedCount() == 2)
        #expect(try await reopened.purgeExpired(at: Self.at(3600)).count == 2)
        #expect(try await reopened.storedCount() == 0)
    }

    @Test("update is all or nothing, keeps the body's order, and returns the body's result")
    func atomicUpdate() async throws {
        struct Failure: Error {}
        let fixture = try F()
        defer { fixture.cleanUp() }
        let store = try fixture.open().locations
        try await Self.fill(store)
        let before = try await store.bindings(for: Self.alice, at: Self.at(0))
        await #expect(throws: Failure.self) {
            try await store.update(Self.alice) { bindings in
                bindings.removeAll()
                throw Failure()
            }
        }
        #expect(try await store.bindings(for: Self.alice, at: Self.at(0)) == before)
        let count = try await store.update(Self.alice) { bindings in
            bindings.reverse()
            return bindings.count
        }
        #expect(count == 2)
        let order = try await store.update(Self.alice) { bindings in bindings.map(\.contact.description) }
        #expect(order == ["sip:alice@soft.example", "sip:alice@desk.example;transport=tcp"])
        try await store.update(Self.alice) { $0.removeAll() }
        #expect(try await store.bindings(for: Self.alice, at: Self.at(0)).isEmpty)
        #expect(try await store.storedCount() == 2)
    }

    @Test("The registrar runs on the SQLite store: a REGISTER's binding is found after a restart, then expires")
    func registrarRoundTrip() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let configuration = RegistrarConfiguration(domains: ["example.com"], requireAuthentication: false)
        let users = ClosureUserDirectory([Self.alice])
        let phone = TransportFlow(transport: .udp, host: "203.0.113.7", port: 40_123)
        let text = [
            "REGISTER sip:example.com SIP/2.0", "Via: SIP/2.0/UDP 203.0.113.7:40123;branch=z9hG4bK-1",
            "Max-Forwards: 70", "From: <sip:alice@example.com>;tag=1", "To: <sip:alice@example.com>",
            "Call-ID: reg-1@phone", "CSeq: 1 REGISTER", "Contact: <sip:alice@203.0.113.7:40123>;expires=600",
            "User-Agent: TestPhone/1.0", "Content-Length: 0",
        ].joined(separator: "\r\n") + "\r\n\r\n"
        let register = try SIPParser().parse(text)
        let before = Registrar(configuration: configuration, users: users, store: try fixture.open().locations)
        let outcome = await before.handle(register, context: RegisterContext(source: phone, authenticatedUser: nil), now: Self.at(0))
        #expect(outcome.status == 200)

        let after = Registrar(configuration: configuration, users: users, store: try fixture.open().locations)
        let found = try await after.bindings(for: Self.alice, now: Self.at(599))
        #expect(found.map(\.contact.description) == ["sip:alice@203.0.113.7:40123"])
        #expect(found.first?.source == phone && found.first?.userAgent == "TestPhone/1.0" && found.first?.callID == "reg-1@phone")
        #expect(try await after.bindings(for: Self.alice, now: Self.at(600)).isEmpty)
        #expect(try await after.purgeExpired(now: Self.at(600)).map(\.kind) == [.expired])
        #expect(try await fixture.open().locations.storedCount() == 0)
    }
}

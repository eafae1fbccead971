import Testing
import SIPMessage
import SIPTransaction
@testable import SIPCore

private typealias F = RegistrarFixture

/// The location service: expiry on a virtual clock, purge, lookup order, atomic updates.
@Suite("Location service: expiry, purge, lookup order")
struct LocationStoreTests {
    @Test("Expired bindings vanish from lookups at their instant, and purge removes and reports them")
    func expiryAndPurge() async throws {
        let store = InMemoryLocationStore()
        let registrar = F.registrar(store: store)
        _ = await registrar.handle(F.register(contacts: ["<sip:alice@a.example>;expires=60", "<sip:alice@b.example>;expires=120"]),
                                   context: F.context(), now: F.at(0))
        _ = await registrar.handle(F.register(user: "bob", contacts: ["<sip:bob@c.example>;expires=90"]),
                                   context: F.context("bob"), now: F.at(0))
        #expect(try await registrar.bindings(for: F.alice, now: F.at(59)).count == 2)
        #expect(try await registrar.bindings(for: F.alice, now: F.at(60)).map(\.contact.description) == ["sip:alice@b.example"])
        #expect(store.storedCount == 3)

        let purged = try await registrar.purgeExpired(now: F.at(100))
        #expect(Set(purged.map(\.description)) == ["expired sip:alice@example.com sip:alice@a.example",
                                                    "expired sip:bob@example.com sip:bob@c.example"])
        #expect(store.storedCount == 1)
        #expect(try await registrar.purgeExpired(now: F.at(100)).isEmpty)
        #expect(try await registrar.purgeExpired(now: F.at(120)).count == 1)
        #expect(store.storedCount == 0)
    }

    @Test("A REGISTER drops its AOR's expired bindings and reports them before its own changes")
    func registerReportsExpired() async throws {
        let registrar = F.registrar()
        _ = await registrar.handle(F.register(contacts: ["<sip:alice@a.example>;expires=60"]), context: F.context(), now: F.at(0))
        let outcome = await registrar.handle(F.register(callID: "pc", contacts: ["<sip:alice@b.example>"]), context: F.context(), now: F.at(61))
        #expect(outcome.changeSummary == ["expired sip:alice@a.example", "added sip:alice@b.example"])
        #expect(outcome.contacts.count == 1)
    }

    @Test("The 200 counts down: remaining seconds rounded up")
    func remaining() async throws {
        let registrar = F.registrar()
        _ = await registrar.handle(F.register(expires: "600"), context: F.context(), now: F.at(0))
        let query = await registrar.handle(F.register(callID: "q", contacts: []), context: F.context(),
                                           now: F.at(100) + .milliseconds(300))
        #expect(query.contactExpiries == ["sip:alice@203.0.113.7:40123 500"])
    }

    @Test("Lookup: highest q first, absent q as 1.0, then the most recently refreshed")
    func lookupOrder() async throws {
        let registrar = F.registrar()
        _ = await registrar.handle(F.register(callID: "desk", contacts: ["<sip:alice@desk.example>;q=0.5"]), context: F.context(), now: F.at(0))
        _ = await registrar.handle(F.register(callID: "soft", contacts: ["<sip:alice@soft.example>"]), context: F.context(), now: F.at(1))
        _ = await registrar.handle(F.register(callID: "mobile", contacts: ["<sip:alice@mobile.example>;q=0.5"]), context: F.context(), now: F.at(2))
        _ = await registrar.handle(F.register(callID: "old", contacts: ["<sip:alice@old.example>;q=0.1"]), context: F.context(), now: F.at(3))
        let order = try await registrar.bindings(for: F.alice, now: F.at(10)).map(\.contact.description)
        #expect(order == ["sip:alice@soft.example", "sip:alice@mobile.example", "sip:alice@desk.example", "sip:alice@old.example"])
        // Refreshing the desk phone makes it the most recent of the q=0.5 pair.
        _ = await registrar.handle(F.register(callID: "desk", cseq: 2, contacts: ["<sip:alice@desk.example>;q=0.5"]),
                                   context: F.context(), now: F.at(20))
        let after = try await registrar.bindings(for: F.alice, now: F.at(20)).map(\.contact.description)
        #expect(after == ["sip:alice@soft.example", "sip:alice@desk.example", "sip:alice@mobile.example", "sip:alice@old.example"])
    }

    @Test("allBindings lists every live binding grouped by AOR")
    func allBindings() async throws {
        let store = InMemoryLocationStore()
        let registrar = F.registrar(store: store)
        _ = await registrar.handle(F.register(user: "bob", contacts: ["<sip:bob@x.example>"]), context: F.context("bob"), now: F.at(0))
        _ = await registrar.handle(F.register(contacts: ["<sip:alice@y.example>;expires=60"]), context: F.context(), now: F.at(0))
        #expect(store.allBindings(at: F.at(1)).map(\.aor) == [F.alice, F.bob])
        #expect(store.allBindings(at: F.at(60)).map(\.aor) == [F.bob])
    }

    @Test("update is all or nothing: a throwing body leaves the bindings as they were")
    func atomicUpdate() throws {
        struct Failure: Error {}
        let store = InMemoryLocationStore()
        let binding = LocationBinding(aor: F.alice, contact: try URI("sip:alice@a.example"), expiresAt: F.at(60),
                                      callID: "c", cseq: 1, updatedAt: F.at(0), source: F.phone)
        try store.update(F.alice) { $0.append(binding) }
        #expect(throws: Failure.self) {
            try store.update(F.alice) { bindings in
                bindings.removeAll()
                throw Failure()
            }
        }
        #expect(store.bindings(for: F.alice, at: F.at(0)) == [binding])
    }

    @Test("Date header: RFC 1123 format in GMT")
    func dateFormat() {
        #expect(SIPDate.format(.zero) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(SIPDate.format(SIPInstant(nanoseconds: 1_289_690_940 * 1_000_000_000)) == "Sat, 13 Nov 2010 23:29:00 GMT")
        #expect(SIPDate.format(SIPInstant(nanoseconds: 951_782_400 * 1_000_000_000)) == "Tue, 29 Feb 2000 00:00:00 GMT")
    }

    @Test("q-values are written with at most three decimals")
    func qText() {
        #expect(Registrar.qText(1) == "1")
        #expect(Registrar.qText(0.5) == "0.5")
        #expect(Registrar.qText(0.125) == "0.125")
        #expect(Registrar.qText(0) == "0")
    }
}

import Testing
import SIPMessage
import SIPTransaction
@testable import SIPCore

private typealias F = RegistrarFixture

/// RFC 3261 §10.3 steps 6–8: binding, refreshing, expiry choice, 423, the max clamp, query.
@Suite("Registrar: register, refresh, expiry (RFC 3261 §10.3 steps 6–8)")
struct RegistrarRegisterTests {
    @Test("A first REGISTER binds the contact; the 200 lists it with expires, a Date and a To tag")
    func register() async throws {
        let registrar = F.registrar()
        let request = F.register()
        let outcome = await registrar.handle(request, context: F.context(), now: F.at(0))
        #expect(outcome.status == 200)
        #expect(outcome.contactExpiries == ["sip:alice@203.0.113.7:40123 3600"])
        #expect(outcome.response.headers.first(.date) == "Fri, 27 Nov 2026 12:00:00 GMT")
        #expect(try outcome.response.to().tag != nil)
        #expect(try outcome.response.callID() == "reg-1@phone")
        #expect(outcome.changeSummary == ["added sip:alice@203.0.113.7:40123"])

        let bound = try await registrar.bindings(for: F.alice, now: F.at(1))
        #expect(bound.count == 1)
        let binding = try #require(bound.first)
        #expect(binding.callID == "reg-1@phone")
        #expect(binding.cseq == 1)
        #expect(binding.source == F.phone)
        #expect(binding.userAgent == "TestPhone/1.0")
        #expect(binding.expiresAt == F.at(3600))
        // The same request again gives the same To tag (§8.2.6.2, retransmissions).
        #expect(Registrar.toTag(for: request) == Registrar.toTag(for: F.register()))
    }

    @Test("A refresh with a higher CSeq updates expiry and flow; the 200 shows the new interval")
    func refresh() async throws {
        let registrar = F.registrar()
        _ = await registrar.handle(F.register(cseq: 1), context: F.context(), now: F.at(0))
        let outcome = await registrar.handle(F.register(cseq: 2, expires: "1800"),
                                             context: F.context(from: F.otherPhone), now: F.at(1000))
        #expect(outcome.status == 200)
        #expect(outcome.contactExpiries == ["sip:alice@203.0.113.7:40123 1800"])
        #expect(outcome.changeSummary == ["refreshed sip:alice@203.0.113.7:40123"])
        let binding = try #require(try await registrar.bindings(for: F.alice, now: F.at(1000)).first)
        #expect(binding.expiresAt == F.at(2800))
        #expect(binding.cseq == 2)
        #expect(binding.source == F.otherPhone)
    }

    @Test("The Contact's expires parameter wins over the Expires header, per contact")
    func perContactExpiry() async throws {
        let registrar = F.registrar()
        let outcome = await registrar.handle(
            F.register(contacts: ["<sip:alice@203.0.113.7:40123>;expires=120", "<sip:alice@203.0.113.7:40124>"], expires: "600"),
            context: F.context(), now: F.at(0))
        #expect(outcome.status == 200)
        #expect(Set(outcome.contactExpiries) == ["sip:alice@203.0.113.7:40123 120", "sip:alice@203.0.113.7:40124 600"])
    }

    @Test("Neither expires parameter nor header: the configured default (3600)")
    func defaultExpiry() async {
        let outcome = await F.registrar().handle(F.register(), context: F.context(), now: F.at(0))
        #expect(outcome.contactExpiries == ["sip:alice@203.0.113.7:40123 3600"])
    }

    @Test("Too brief an interval: 423 Interval Too Brief with Min-Expires, nothing bound")
    func intervalTooBrief() async throws {
        let store = InMemoryLocationStore()
        let registrar = F.registrar(F.configuration(minExpires: 300), store: store)
        let outcome = await registrar.handle(F.register(expires: "30"), context: F.context(), now: F.at(0))
        #expect(outcome.status == 423)
        #expect(outcome.response.reasonPhrase == "Interval Too Brief")
        #expect(outcome.response.headers.first(.minExpires) == "300")
        #expect(outcome.changes.isEmpty)
        #expect(store.storedCount == 0)
        // Per contact, through the parameter too.
        let viaParameter = await registrar.handle(F.register(contacts: ["<sip:alice@h>;expires=299"]),
                                                  context: F.context(), now: F.at(0))
        #expect(viaParameter.status == 423)
        // Exactly the minimum is accepted.
        let atMinimum = await registrar.handle(F.register(expires: "300"), context: F.context(), now: F.at(0))
        #expect(atMinimum.status == 200)
    }

    @Test("423 only below one hour, as §10.3 step 7 says: a minimum above 3600 does not refuse 3600")
    func minimumAboveAnHour() async {
        let registrar = F.registrar(F.configuration(minExpires: 5000, maxExpires: 10_000))
        #expect(await registrar.handle(F.register(expires: "3599"), context: F.context(), now: F.at(0)).status == 423)
        let outcome = await registrar.handle(F.register(cseq: 2, expires: "3600"), context: F.context(), now: F.at(0))
        #expect(outcome.status == 200)
        #expect(outcome.contactExpiries == ["sip:alice@203.0.113.7:40123 3600"])
    }

    @Test("Longer than the maximum: shortened to it (§10.3 step 7 'MAY choose an expiration less')")
    func maxClamp() async throws {
        let registrar = F.registrar(F.configuration(maxExpires: 7200))
        let outcome = await registrar.handle(F.register(expires: "4294967295"), context: F.context(), now: F.at(0))
        #expect(outcome.status == 200)
        #expect(outcome.contactExpiries == ["sip:alice@203.0.113.7:40123 7200"])
        #expect(try await registrar.bindings(for: F.alice, now: F.at(0)).first?.expiresAt == F.at(7200))
    }

    @Test("expires=0 on a contact removes that binding only")
    func removeOne() async throws {
        let registrar = F.registrar()
        _ = await registrar.handle(F.register(contacts: ["<sip:alice@a.example>", "<sip:alice@b.example>"]),
                                   context: F.context(), now: F.at(0))
        let outcome = await registrar.handle(F.register(cseq: 2, contacts: ["<sip:alice@a.example>;expires=0"]),
                                             context: F.context(), now: F.at(10))
        #expect(outcome.status == 200)
        #expect(outcome.changeSummary == ["removed sip:alice@a.example"])
        #expect(outcome.contactExpiries == ["sip:alice@b.example 3590"])
    }

    @Test("Expires: 0 removes the listed contacts; removing an unknown contact is no error")
    func removeWithHeader() async throws {
        let registrar = F.registrar()
        _ = await registrar.handle(F.register(), context: F.context(), now: F.at(0))
        let outcome = await registrar.handle(F.register(cseq: 2, contacts: ["<sip:alice@203.0.113.7:40123>", "<sip:alice@gone.example>"],
                                                        expires: "0"),
                                             context: F.context(), now: F.at(5))
        #expect(outcome.status == 200)
        #expect(outcome.contacts.isEmpty)
        #expect(outcome.changeSummary == ["removed sip:alice@203.0.113.7:40123"])
        #expect(try await registrar.bindings(for: F.alice, now: F.at(5)).isEmpty)
    }

    @Test("A REGISTER without Contact is a query: the 200 lists the bindings and changes nothing")
    func query() async throws {
        let registrar = F.registrar()
        _ = await registrar.handle(F.register(contacts: ["<sip:alice@a.example>;q=0.5", "<sip:alice@b.example>;q=0.9"]),
                                   context: F.context(), now: F.at(0))
        let outcome = await registrar.handle(F.register(callID: "query@pc", cseq: 1, contacts: []),
                                             context: F.context(), now: F.at(100))
        #expect(outcome.status == 200)
        #expect(outcome.changes.isEmpty)
        #expect(outcome.contacts == ["<sip:alice@b.example>;expires=3500;q=0.9", "<sip:alice@a.example>;expires=3500;q=0.5"])
        #expect(outcome.response.headers.first(.date) == "Fri, 27 Nov 2026 12:01:40 GMT")
        // A query of an AOR with no bindings is a 200 without Contact.
        let none = await registrar.handle(F.register(user: "bob", contacts: []), context: F.context("bob"), now: F.at(0))
        #expect(none.status == 200)
        #expect(none.contacts.isEmpty)
    }

    @Test("The same contact listed twice in one REGISTER: the last one wins, no out-of-order failure")
    func duplicateContactInOneRequest() async throws {
        let registrar = F.registrar()
        let outcome = await registrar.handle(F.register(contacts: ["<sip:alice@a.example>;expires=100", "<sip:alice@a.example>;expires=200"]),
                                             context: F.context(), now: F.at(0))
        #expect(outcome.status == 200)
        #expect(outcome.contactExpiries == ["sip:alice@a.example 200"])
        #expect(outcome.changeSummary == ["added sip:alice@a.example"])
    }

    @Test("Contacts match by URI equivalence (§19.1.4): host case and parameter order do not add a binding")
    func uriEquivalence() async throws {
        let registrar = F.registrar()
        _ = await registrar.handle(F.register(contacts: ["<sip:alice@Phone.Example;transport=tcp;ob>"]), context: F.context(), now: F.at(0))
        let outcome = await registrar.handle(F.register(cseq: 2, contacts: ["<sip:alice@phone.example;ob;transport=TCP>"]),
                                             context: F.context(), now: F.at(1))
        #expect(outcome.changes.map(\.kind) == [.refreshed])
        #expect(outcome.contacts.count == 1)
    }

    @Test("Malformed expires, q or Expires: 400")
    func malformedValues() async {
        let registrar = F.registrar()
        for request in [F.register(contacts: ["<sip:alice@h>;expires=soon"]), F.register(contacts: ["<sip:alice@h>;q=2"]),
                        F.register(expires: "-1"), F.register(contacts: ["<sip:alice@h>;+sip.instance=\"<urn:uuid:1>\";reg-id=x"])] {
            #expect(await registrar.handle(request, context: F.context(), now: F.at(0)).status == 400)
        }
    }
}

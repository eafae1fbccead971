import Testing
import SIPMessage
import SIPTransaction
@testable import SIPCore

private typealias F = RegistrarFixture

/// RFC 3261 §10.3 steps 6–7: `Contact: *`, and the Call-ID/CSeq rule that keeps
/// out-of-order REGISTERs from the same UA from changing anything.
@Suite("Registrar: Contact *, Call-ID and CSeq ordering (RFC 3261 §10.3 steps 6–7)")
struct RegistrarOrderingTests {
    @Test("Contact: * with Expires: 0 removes every binding")
    func wildcardRemovesAll() async throws {
        let registrar = F.registrar()
        _ = await registrar.handle(F.register(contacts: ["<sip:alice@a.example>", "<sip:alice@b.example>"]),
                                   context: F.context(), now: F.at(0))
        let outcome = await registrar.handle(F.register(cseq: 2, contacts: ["*"], expires: "0"), context: F.context(), now: F.at(1))
        #expect(outcome.status == 200)
        #expect(outcome.contacts.isEmpty)
        #expect(Set(outcome.changeSummary) == ["removed sip:alice@a.example", "removed sip:alice@b.example"])
        #expect(try await registrar.bindings(for: F.alice, now: F.at(1)).isEmpty)
    }

    @Test("Contact: * without Expires, or with Expires other than 0: 400, nothing removed")
    func wildcardNeedsExpiresZero() async throws {
        let registrar = F.registrar()
        _ = await registrar.handle(F.register(), context: F.context(), now: F.at(0))
        for expires in [nil, "3600", "1"] as [String?] {
            let outcome = await registrar.handle(F.register(cseq: 2, contacts: ["*"], expires: expires), context: F.context(), now: F.at(1))
            #expect(outcome.status == 400)
        }
        #expect(try await registrar.bindings(for: F.alice, now: F.at(1)).count == 1)
    }

    @Test("Contact: * must be alone: with another Contact line, 400")
    func wildcardAlone() async throws {
        let registrar = F.registrar()
        _ = await registrar.handle(F.register(), context: F.context(), now: F.at(0))
        for contacts in [["*", "<sip:alice@b.example>"], ["<sip:alice@b.example>", "*"], ["*, <sip:alice@b.example>"]] {
            let outcome = await registrar.handle(F.register(cseq: 2, contacts: contacts, expires: "0"), context: F.context(), now: F.at(1))
            #expect(outcome.status == 400)
        }
        #expect(try await registrar.bindings(for: F.alice, now: F.at(1)).count == 1)
    }

    @Test("Contact: * with the same Call-ID and a CSeq not higher: the request fails (500), nothing removed")
    func wildcardOutOfOrder() async throws {
        let registrar = F.registrar()
        _ = await registrar.handle(F.register(cseq: 5), context: F.context(), now: F.at(0))
        let outcome = await registrar.handle(F.register(cseq: 5, contacts: ["*"], expires: "0"), context: F.context(), now: F.at(1))
        #expect(outcome.status == 500)
        #expect(try await registrar.bindings(for: F.alice, now: F.at(1)).count == 1)
        // A different Call-ID removes it whatever the CSeq (§10.3 step 6).
        let other = await registrar.handle(F.register(callID: "other@pc", cseq: 1, contacts: ["*"], expires: "0"),
                                           context: F.context(), now: F.at(2))
        #expect(other.status == 200)
        #expect(try await registrar.bindings(for: F.alice, now: F.at(2)).isEmpty)
    }

    @Test("Same Call-ID, lower or equal CSeq: the update is aborted, the request fails with 500 and nothing changes")
    func sameCallIDLowerCSeq() async throws {
        let registrar = F.registrar()
        _ = await registrar.handle(F.register(cseq: 10, expires: "600"), context: F.context(), now: F.at(0))
        for cseq: UInt32 in [9, 10] {
            let outcome = await registrar.handle(F.register(cseq: cseq, expires: "3600"), context: F.context(), now: F.at(1))
            #expect(outcome.status == 500)
            #expect(outcome.changes.isEmpty)
        }
        let removal = await registrar.handle(F.register(cseq: 3, expires: "0"), context: F.context(), now: F.at(1))
        #expect(removal.status == 500)
        let binding = try #require(try await registrar.bindings(for: F.alice, now: F.at(1)).first)
        #expect(binding.cseq == 10)
        #expect(binding.expiresAt == F.at(600))
    }

    @Test("A failing contact aborts the whole request: the other contacts are not added (all or nothing)")
    func atomic() async throws {
        let registrar = F.registrar()
        _ = await registrar.handle(F.register(cseq: 4, contacts: ["<sip:alice@a.example>"]), context: F.context(), now: F.at(0))
        let outcome = await registrar.handle(F.register(cseq: 4, contacts: ["<sip:alice@new.example>", "<sip:alice@a.example>"]),
                                             context: F.context(), now: F.at(1))
        #expect(outcome.status == 500)
        #expect(try await registrar.bindings(for: F.alice, now: F.at(1)).map(\.contact.description) == ["sip:alice@a.example"])
    }

    @Test("A different Call-ID replaces the binding whatever its CSeq (a rebooted phone)")
    func differentCallID() async throws {
        let registrar = F.registrar()
        _ = await registrar.handle(F.register(callID: "before-reboot", cseq: 900), context: F.context(), now: F.at(0))
        let outcome = await registrar.handle(F.register(callID: "after-reboot", cseq: 1), context: F.context(), now: F.at(50))
        #expect(outcome.status == 200)
        #expect(outcome.changes.map(\.kind) == [.refreshed])
        let binding = try #require(try await registrar.bindings(for: F.alice, now: F.at(50)).first)
        #expect(binding.callID == "after-reboot")
        #expect(binding.cseq == 1)
        // And a different Call-ID with expires=0 removes it.
        let removal = await registrar.handle(F.register(callID: "third", cseq: 1, expires: "0"), context: F.context(), now: F.at(60))
        #expect(removal.changes.map(\.kind) == [.removed])
    }

    @Test("RFC 5626: a contact with +sip.instance and reg-id replaces the binding of the same instance and reg-id")
    func outboundInstance() async throws {
        let registrar = F.registrar()
        let instance = "+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\""
        _ = await registrar.handle(F.register(contacts: ["<sip:alice@203.0.113.7:40123;ob>;\(instance);reg-id=1"]),
                                   context: F.context(), now: F.at(0))
        // The NAT binding changed: new contact URI, same instance and reg-id.
        let outcome = await registrar.handle(F.register(cseq: 2, contacts: ["<sip:alice@203.0.113.7:50000;ob>;\(instance);reg-id=1"]),
                                             context: F.context(from: F.otherPhone), now: F.at(10))
        #expect(outcome.status == 200)
        #expect(outcome.changes.map(\.kind) == [.refreshed])
        #expect(outcome.response.headers.first(.require) == "outbound")
        #expect(outcome.contacts == ["<sip:alice@203.0.113.7:50000;ob>;expires=3600;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\";reg-id=1"])
        let binding = try #require(try await registrar.bindings(for: F.alice, now: F.at(10)).first)
        #expect(binding.instanceID == "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>")
        #expect(binding.regID == 1)
        #expect(binding.source == F.otherPhone)
        // A second flow (reg-id 2) of the same instance is a second binding.
        let second = await registrar.handle(F.register(cseq: 3, contacts: ["<sip:alice@203.0.113.7:50001;ob>;\(instance);reg-id=2"]),
                                            context: F.context(), now: F.at(11))
        #expect(second.contacts.count == 2)
    }

    @Test("RFC 5626: an outbound contact takes over a plain binding of the same URI instead of doubling it")
    func outboundTakesOverPlainBinding() async throws {
        let registrar = F.registrar()
        _ = await registrar.handle(F.register(contacts: ["<sip:alice@203.0.113.7:40123>"]), context: F.context(), now: F.at(0))
        let outcome = await registrar.handle(
            F.register(cseq: 2, contacts: ["<sip:alice@203.0.113.7:40123>;+sip.instance=\"<urn:uuid:1>\";reg-id=1"]),
            context: F.context(), now: F.at(1))
        #expect(outcome.changes.map(\.kind) == [.refreshed])
        let bindings = try await registrar.bindings(for: F.alice, now: F.at(1))
        #expect(bindings.count == 1)
        #expect(bindings.first?.regID == 1)
    }
}

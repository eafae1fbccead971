import Testing
import SIPMessage
import SIPTransaction
@testable import SIPCore

private typealias F = RegistrarFixture

/// RFC 3261 §10.3 steps 1–5 and the local policies: domains, Require, authorization,
/// known users, the binding limit.
@Suite("Registrar: domain, authorization, users, limits (RFC 3261 §10.3 steps 1–5)")
struct RegistrarPolicyTests {
    @Test("Request-URI for a domain not served: 404, nothing stored")
    func unknownDomain() async {
        let store = InMemoryLocationStore()
        let outcome = await F.registrar(store: store).handle(F.register(requestURI: "sip:elsewhere.example"),
                                                              context: F.context(), now: F.at(0))
        #expect(outcome.status == 404)
        #expect(outcome.response.reasonPhrase == "Domain Not Served")
        #expect(store.storedCount == 0)
    }

    @Test("Domains compare case-insensitively; a served IP address works as Request-URI")
    func domainCase() async {
        let registrar = F.registrar()
        #expect(await registrar.handle(F.register(requestURI: "sip:EXAMPLE.com"), context: F.context(), now: F.at(0)).status == 200)
        #expect(await registrar.handle(F.register(requestURI: "sip:192.0.2.1", cseq: 2), context: F.context(), now: F.at(0)).status == 200)
    }

    @Test("An AOR the directory does not know, or in a domain not served: 404")
    func unknownUser() async {
        let registrar = F.registrar()
        let stranger = await registrar.handle(F.register(user: "mallory"), context: F.context("mallory"), now: F.at(0))
        #expect(stranger.status == 404)
        let foreign = await registrar.handle(F.register(toDomain: "elsewhere.example"), context: F.context(), now: F.at(0))
        #expect(foreign.status == 404)
    }

    @Test("An authenticated user registering someone else's AOR: 403")
    func userMismatch() async throws {
        let store = InMemoryLocationStore()
        let outcome = await F.registrar(store: store).handle(F.register(user: "bob"), context: F.context("alice"), now: F.at(0))
        #expect(outcome.status == 403)
        #expect(store.storedCount == 0)
        // 403 comes before the directory check (§10.3 step 4 before step 5): no user probing.
        let probe = await F.registrar().handle(F.register(user: "mallory"), context: F.context("alice"), now: F.at(0))
        #expect(probe.status == 403)
    }

    @Test("No authenticated user: 403 when authentication is required, accepted when it is not")
    func unauthenticated() async {
        #expect(await F.registrar().handle(F.register(), context: F.context(nil), now: F.at(0)).status == 403)
        let open = F.registrar(F.configuration(requireAuthentication: false))
        #expect(await open.handle(F.register(), context: F.context(nil), now: F.at(0)).status == 200)
    }

    @Test("Require with an unknown option tag: 420 Bad Extension listing it in Unsupported")
    func badExtension() async {
        let outcome = await F.registrar().handle(F.register(extra: ["Require: foo, bar"]), context: F.context(), now: F.at(0))
        #expect(outcome.status == 420)
        #expect(outcome.response.headers.first(.unsupported) == "foo, bar")
    }

    @Test("A To that is not a SIP URI with a user: 404; missing Call-ID or wrong CSeq method: 400")
    func badAddresses() async throws {
        let registrar = F.registrar(F.configuration(requireAuthentication: false))
        let tel = try SIPParser().parse(
            "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <tel:+15551234>;tag=1\r\n"
            + "To: <tel:+15551234>\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n")
        #expect(await registrar.handle(tel, context: F.context(nil), now: F.at(0)).status == 404)
        let noCallID = try SIPParser().parse(
            "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:alice@example.com>;tag=1\r\n"
            + "To: <sip:alice@example.com>\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n")
        #expect(await registrar.handle(noCallID, context: F.context(nil), now: F.at(0)).status == 400)
        let wrongMethod = try SIPParser().parse(
            "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:alice@example.com>;tag=1\r\n"
            + "To: <sip:alice@example.com>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")
        #expect(await registrar.handle(wrongMethod, context: F.context(nil), now: F.at(0)).status == 400)
    }

    @Test("The AOR is canonical (§10.3 step 5): URI parameters, escapes and host case do not matter")
    func canonicalAOR() async throws {
        let registrar = F.registrar()
        let request = try SIPParser().parse(
            "REGISTER sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:alice@example.com>;tag=1\r\n"
            + "To: <sips:%61lice@EXAMPLE.COM;user=ip>\r\nCall-ID: c\r\nCSeq: 1 REGISTER\r\nContact: <sip:alice@h>\r\n"
            + "Content-Length: 0\r\n\r\n")
        #expect(await registrar.handle(request, context: F.context(), now: F.at(0)).status == 200)
        #expect(try await registrar.bindings(for: F.alice, now: F.at(0)).count == 1)
        #expect(AddressOfRecord(uri: try URI("sip:alice@Example.com;transport=tcp")) == F.alice)
        #expect(F.alice.description == "sip:alice@example.com")
    }

    @Test("More bindings than the limit: 403 Too Many Contacts, nothing added; refreshes still pass")
    func bindingLimit() async throws {
        let registrar = F.registrar(F.configuration(maxBindings: 2))
        let first = await registrar.handle(F.register(contacts: ["<sip:alice@a.example>", "<sip:alice@b.example>"]),
                                           context: F.context(), now: F.at(0))
        #expect(first.status == 200)
        let third = await registrar.handle(F.register(callID: "pc", cseq: 1, contacts: ["<sip:alice@c.example>"]),
                                           context: F.context(), now: F.at(1))
        #expect(third.status == 403)
        #expect(third.response.reasonPhrase == "Too Many Contacts")
        #expect(third.changes.isEmpty)
        #expect(try await registrar.bindings(for: F.alice, now: F.at(1)).count == 2)
        let refresh = await registrar.handle(F.register(cseq: 2, contacts: ["<sip:alice@a.example>"]), context: F.context(), now: F.at(2))
        #expect(refresh.status == 200)
        // Replacing one contact by another in one request stays within the limit.
        let swap = await registrar.handle(F.register(cseq: 3, contacts: ["<sip:alice@a.example>;expires=0", "<sip:alice@c.example>"]),
                                          context: F.context(), now: F.at(3))
        #expect(swap.status == 200)
        #expect(Set(swap.contactExpiries.map { $0.split(separator: " ")[0] }) == ["sip:alice@b.example", "sip:alice@c.example"])
        // Once one expires there is room again.
        let later = await registrar.handle(F.register(callID: "pc", cseq: 2, contacts: ["<sip:alice@d.example>;expires=60"]),
                                           context: F.context(), now: F.at(3600))
        #expect(later.status == 200)
    }

    @Test("Not a REGISTER: 405 with Allow")
    func notRegister() async throws {
        let options = try SIPParser().parse(
            "OPTIONS sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:alice@example.com>;tag=1\r\n"
            + "To: <sip:alice@example.com>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
        let outcome = await F.registrar().handle(options, context: F.context(), now: F.at(0))
        #expect(outcome.status == 405)
        #expect(outcome.response.headers.first(.allow) == "REGISTER")
    }
}

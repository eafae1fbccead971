import Foundation
import Testing
@testable import SIPMessage

/// A request with these extra header lines (see `request(_:)`), parsed.
private func message(_ extra: String...) throws -> SIPMessage {
    try parsed(request(extra))
}

/// The contact addresses of `m` (empty for none or `*`).
private func contacts(_ m: SIPMessage) throws -> [NameAddress] {
    if case .addresses(let list)? = try m.contact() { return list }
    return []
}

// MARK: - Via

@Suite("Via (RFC 3261 §20.42, RFC 3581, RFC 5118)")
struct ViaHeaderTests {
    @Test("IPv6 sent-by with and without port")
    func ipv6SentBy() throws {
        let vias = try Via.parseList("SIP/2.0/UDP [2001:db8::9:1]:5060;branch=z9hG4bK1, SIP/2.0/TLS [::1];branch=z9hG4bK2")
        #expect(vias.count == 2)
        #expect(vias[0].host == "[2001:db8::9:1]")
        #expect(vias[0].port == 5060)
        #expect(vias[0].sentBy == "[2001:db8::9:1]:5060")
        #expect(vias[1].host == "[::1]")
        #expect(vias[1].port == nil)
        #expect(vias[1].transport == "TLS")
    }

    @Test("rport: absent, requested, filled in")
    func rport() throws {
        let m = try message(
            "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1;rport",
            "Via: SIP/2.0/UDP b.example.com;rport=5061;received=192.0.2.9;branch=z9hG4bK2",
            "Via: SIP/2.0/UDP c.example.com;branch=z9hG4bK3"
        )
        let vias = try m.vias()
        #expect(vias.count == 4)
        #expect(vias[0].rport == .absent)  // pc33.atlanta.com from `request(_:)`
        #expect(vias[1].rport == .requested)
        #expect(vias[2].rport == .port(5061))
        #expect(vias[2].received == "192.0.2.9")
        #expect(vias[3].rport == .absent)
        // A server fills in received and rport (RFC 3581 §4).
        let answered = vias[1].with(parameter: "received", "192.0.2.1").with(parameter: "rport", "5070")
        #expect(answered.description == "SIP/2.0/UDP a.example.com;branch=z9hG4bK1;rport=5070;received=192.0.2.1")
        #expect(answered.rport == .port(5070))
        #expect(answered.received == "192.0.2.1")
        #expect(answered.branch == "z9hG4bK1")
    }

    @Test("received, maddr, ttl, extension parameters")
    func parameters() throws {
        let via = try #require(try Via.parseList("SIP/2.0/UDP sip.example.com:5060;maddr=224.2.0.1;ttl=16;received=192.0.2.207;branch=z9hG4bK77asjd;x-ext=\"q v\";flag").first)
        #expect(via.maddr == "224.2.0.1")
        #expect(via.ttl == 16)
        #expect(via.received == "192.0.2.207")
        #expect(via.branch == "z9hG4bK77asjd")
        #expect(via.hasRFC3261Branch)
        #expect(via.parameters["x-ext"] == "\"q v\"")
        #expect(via.parameters.contains(named: "flag"))
        #expect(via.parameters.count == 6)
        #expect(via.protocolName == "SIP" && via.protocolVersion == "2.0")
        #expect(try Via.parseList("SIP/2.0/UDP h;ttl=256").first?.ttl == nil)
        #expect(try Via.parseList("SIP/2.0/UDP h;received=[2001:db8::1]").first?.received == "[2001:db8::1]")
        // via-received = "received" EQUAL (IPv4address / IPv6address): no brackets in the RFC 3261 grammar.
        #expect(attempt { try Via.parseList("SIP/2.0/UDP h;received=2001:db8::1;branch=z9hG4bK1").first?.received } == .success("2001:db8::1"))
        #expect(attempt { try Via.parseList("SIP/2.0/UDP h;received=::ffff:192.0.2.1").first?.received } == .success("::ffff:192.0.2.1"))
    }

    @Test("several values on one line and across lines, in order")
    func lists() throws {
        let m = try parsed(crlf(
            "OPTIONS sip:bob@biloxi.com SIP/2.0",
            "Via: SIP/2.0/UDP first.example.com;branch=z9hG4bK1, SIP/2.0/TCP second.example.com:5061;branch=z9hG4bK2",
            "v: SIP/2.0/SCTP third.example.com;branch=z9hG4bK3",
            "Via: SIP/2.0/UDP fourth.example.com;branch=z9hG4bK4,",
            "  SIP/2.0/UDP fifth.example.com;branch=z9hG4bK5",
            "Max-Forwards: 70",
            "To: <sip:bob@biloxi.com>",
            "From: <sip:alice@atlanta.com>;tag=1",
            "Call-ID: x@y",
            "CSeq: 1 OPTIONS",
            "Content-Length: 0",
            ""
        ))
        try m.validate()
        let vias = try m.vias()
        #expect(vias.map(\.host) == ["first.example.com", "second.example.com", "third.example.com", "fourth.example.com", "fifth.example.com"])
        #expect(vias.map(\.transport) == ["UDP", "TCP", "SCTP", "UDP", "UDP"])
        #expect(try m.topVia() == vias[0])
        #expect(m.headers.lines(.via).count == 3)
        #expect(m.headers.values(.via).count == 5)
        #expect(m.headers.values(.via).first == "SIP/2.0/UDP first.example.com;branch=z9hG4bK1")
    }

    @Test("LWS around / and ; and =")
    func whitespace() throws {
        let via = try #require(try Via.parseList("SIP / 2.0 / UDP  host.example.com ; branch = z9hG4bK3 ; received = 192.0.2.4 ;rport").first)
        #expect(via.protocolName == "SIP")
        #expect(via.protocolVersion == "2.0")
        #expect(via.transport == "UDP")
        #expect(via.host == "host.example.com")
        #expect(via.branch == "z9hG4bK3")
        #expect(via.received == "192.0.2.4")
        #expect(via.rport == .requested)
        let tabbed = try #require(try Via.parseList("SIP/2.0/TCP\thost.example.com\t;\tbranch=z9hG4bKtab").first)
        #expect(tabbed.host == "host.example.com" && tabbed.branch == "z9hG4bKtab")
        let spacedPort = try #require(try Via.parseList("SIP/2.0/UDP host.example.com : 5060;branch=z9hG4bK1").first)
        #expect(spacedPort.port == 5060)
    }

    @Test("malformed Via values", arguments: [
        "SIP/2.0/UDP",  // no sent-by
        "SIP/2.0 host.example.com",  // no transport
        "SIP/UDP host.example.com",  // no version
        "SIP/2.0/UDP host.example.com;branch=",  // empty value
        "SIP/2.0/UDP host.example.com;=x",  // empty name
        "SIP/2.0/UDP host.example.com:65536",  // port out of range
        "SIP/2.0/UDP host.example.com:",  // empty port
        "SIP/2.0/UDP [2001:db8::1;branch=z9hG4bK1",  // unterminated IPv6 reference
        "SIP/2.0/UDP a.example.com;branch=z9hG4bK1,",  // empty list element
        "SIP/2.0/UDP a.example.com,,SIP/2.0/UDP b.example.com",  // empty list element
        "SIP/2.0/UDP a.example.com b.example.com",  // two hosts
        "",
    ])
    func malformed(_ value: String) throws {
        #expect(isBadHeaderValue(thrownError { try Via.parseList(value) }, "Via"), "'\(value)'")
        let m = try parsed(crlf("OPTIONS sip:b@example.com SIP/2.0", "Via: \(value)", "To: <sip:b@example.com>",
                                "From: <sip:a@example.com>;tag=1", "Call-ID: c", "CSeq: 1 OPTIONS", "Content-Length: 0", ""))
        #expect(thrownError { try m.vias() } != nil, "'\(value)'")
        #expect(thrownError { try m.validate() }?.suggestedStatus == 400, "'\(value)'")
    }

    @Test("Via built from parts")
    func built() throws {
        let via = Via(host: "pc33.atlanta.com", branch: "z9hG4bK776asdhds")
        #expect(via.description == "SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds")
        #expect(try Via.parseList(via.description) == [via])
        let tls = Via(transport: "TLS", host: "[2001:db8::1]", port: 5061, branch: "z9hG4bKx", parameters: [GenericParameter(name: "rport")])
        #expect(tls.description == "SIP/2.0/TLS [2001:db8::1]:5061;branch=z9hG4bKx;rport")
        #expect(tls.rport == .requested)
        #expect(tls.sentBy == "[2001:db8::1]:5061")
    }

    @Test("missing Via: topVia throws missingHeader, vias is empty")
    func missing() throws {
        let m = try parsed(crlf("SIP/2.0 200 OK", "Content-Length: 0", ""))
        #expect(thrownError { try m.topVia() } == .missingHeader("Via"))
        #expect(try m.vias().isEmpty)
        #expect(thrownError { try m.validate() } == .missingHeader("Via"))
    }
}

// MARK: - From / To

@Suite("From and To (RFC 3261 §20.20, §20.39, §25.1 name-addr)")
struct AddressHeaderTests {
    @Test("quoted display names with quoted-pairs", arguments: [
        ("\"Alice \\\"Wonder\\\" Land\" <sip:alice@atlanta.com>;tag=1", "Alice \"Wonder\" Land"),
        ("\"back\\\\slash\" <sip:alice@atlanta.com>;tag=1", "back\\slash"),
        ("\"A. G. Bell\" <sip:agb@bell-telephone.com> ;tag=a48s", "A. G. Bell"),
        ("\"Bob\"<sip:bob@biloxi.com>;tag=1", "Bob"),
        ("\"Jürgen Müller\" <sip:juergen@example.de>;tag=1", "Jürgen Müller"),
        ("\"日本語\" <sip:nihongo@example.jp>;tag=1", "日本語"),
        ("\"  spaced  \" <sip:s@example.com>;tag=1", "  spaced  "),
        ("\"a,b;c<d>\" <sip:s@example.com>;tag=1", "a,b;c<d>"),
    ])
    func quotedDisplayNames(_ value: String, _ displayName: String) throws {
        let m = try parsed(request([]).replacingOccurrences(of: "From: Alice <sip:alice@atlanta.com>;tag=1928301774", with: "From: \(value)"))
        let from = try m.from()
        #expect(from.displayName == displayName)
        #expect(from.tag != nil)
        #expect(try NameAddress(value).displayName == displayName)
    }

    @Test("unquoted token display names", arguments: [
        ("Bob <sip:bob@biloxi.com>", "Bob"),
        ("Bob Smith <sip:bob@biloxi.com>", "Bob Smith"),
        ("A. G. Bell <sip:agb@bell-telephone.com>", "A. G. Bell"),
        ("caller<sip:caller@example.com>", "caller"),
        ("Tab\tName <sip:t@example.com>", "Tab\tName"),
    ])
    func tokenDisplayNames(_ value: String, _ displayName: String) throws {
        let address = try NameAddress(value)
        #expect(address.displayName == displayName)
        #expect(address.uri.sipURI != nil)
    }

    @Test("no display name")
    func noDisplayName() throws {
        #expect(try NameAddress("<sip:bob@biloxi.com>").displayName == nil)
        #expect(try NameAddress("sip:bob@biloxi.com").displayName == nil)
        #expect(try NameAddress("  <sip:bob@biloxi.com>  ").displayName == nil)
        let empty = try NameAddress("\"\" <sip:bob@biloxi.com>").displayName
        #expect(empty == nil || empty == "")
    }

    @Test("addr-spec form: parameters belong to the header")
    func addrSpec() throws {
        let m = try parsed(request([]).replacingOccurrences(of: "To: Bob <sip:bob@biloxi.com>", with: "To: sip:bob@biloxi.com;tag=a6c85cf;user=phone"))
        let to = try m.to()
        #expect(to.uri.description == "sip:bob@biloxi.com")
        #expect(to.uri.sipURI?.parameters.isEmpty == true)
        #expect(to.tag == "a6c85cf")
        #expect(to.parameters["user"] == "phone")
        #expect(to.parameters.count == 2)
        #expect(to.displayName == nil)
    }

    @Test("name-addr form: URI parameters inside <>, header parameters after")
    func nameAddr() throws {
        let address = try NameAddress("Bob <sip:bob@biloxi.com;transport=tcp;lr?subject=hi>;tag=a6c85cf;x=\"y;z\"")
        let uri = try #require(address.uri.sipURI)
        #expect(uri.transport == "tcp")
        #expect(uri.isLooseRouter)
        #expect(uri.headers["subject"] == "hi")
        #expect(uri.parameters["tag"] == nil)
        #expect(address.tag == "a6c85cf")
        #expect(address.parameters["transport"] == nil)
        #expect(address.parameters["x"] == "\"y;z\"")
        #expect(address.parameters.first(named: "x")?.unquotedValue == "y;z")
        #expect(address.parameters.count == 2)
        #expect(address.description == "Bob <sip:bob@biloxi.com;transport=tcp;lr?subject=hi>;tag=a6c85cf;x=\"y;z\"")
    }

    @Test("non-SIP URIs in name-addr")
    func otherSchemes() throws {
        #expect(try NameAddress("<tel:+1-201-555-0123>;tag=1").uri.scheme == "tel")
        #expect(try NameAddress("Info <http://example.com/x?y=1>").uri.scheme == "http")
        #expect(try NameAddress("<sips:alice@atlanta.com>").uri.scheme == "sips")
    }

    @Test("with(parameter:) adds or replaces a parameter (a UAS adding the To tag)")
    func withParameter() throws {
        let to = try NameAddress("Bob <sip:bob@biloxi.com>")
        let tagged = to.with(parameter: "tag", "a6c85cf")
        #expect(tagged.tag == "a6c85cf")
        #expect(tagged.displayName == "Bob")
        #expect(tagged.uri == to.uri)
        #expect(try NameAddress(tagged.description) == tagged)
        #expect(tagged.with(parameter: "tag", "zzz").tag == "zzz")
        #expect(tagged.with(parameter: "tag", "zzz").parameters.count == 1)
        let quoted = NameAddress(displayName: "Alice \"Al\"", uri: to.uri, parameters: [GenericParameter(name: "tag", value: "1")])
        #expect(try NameAddress(quoted.description).displayName == "Alice \"Al\"")
    }

    @Test("malformed addresses", arguments: [
        "Bob <sip:bob@biloxi.com",  // missing >
        "\"Bob <sip:bob@biloxi.com>",  // unterminated quote
        "\"Bob\" sip:bob@biloxi.com",  // quoted name without <>
        "<bob@biloxi.com>",  // no scheme
        "<sip:bob@biloxi.com>;=x",  // empty parameter name
        "<sip:bob@biloxi.com>;tag=",  // empty parameter value
        "<sip:bob@biloxi.com> junk",  // trailing garbage
        "<sip:bob@biloxi.com>, <sip:carol@chicago.com>",  // two values in a single-value header
        "Bell, Alexander <sip:a.g.bell@example.com>",  // unquoted comma
        "",
    ])
    func malformed(_ value: String) {
        #expect(thrownError { try NameAddress(value) } != nil, "'\(value)'")
    }

    @Test("From and To must each appear once")
    func cardinality() throws {
        let twoFroms = try message("From: <sip:eve@example.com>;tag=2")
        #expect(thrownError { try twoFroms.from() } == .duplicateHeader("From"))
        let noTo = try parsed(request([]).replacingOccurrences(of: "To: Bob <sip:bob@biloxi.com>\r\n", with: ""))
        #expect(thrownError { try noTo.to() } == .missingHeader("To"))
        #expect(thrownError { try noTo.validate() } == .missingHeader("To"))
    }
}

// MARK: - Contact, Route, Record-Route

@Suite("Contact, Route, Record-Route (RFC 3261 §20.10, §20.30, §20.34)")
struct ContactRouteHeaderTests {
    @Test("Contact: * is the wildcard")
    func wildcard() throws {
        let m = try parsed(request(["Contact: *", "Expires: 0"], method: "REGISTER", uri: "sip:registrar.biloxi.com"))
        #expect(try m.contact() == .wildcard)
        #expect(try m.expires() == 0)
        let spaced = try parsed(request(["Contact:    *   "], method: "REGISTER", uri: "sip:registrar.biloxi.com"))
        #expect(try spaced.contact() == .wildcard)
        let mixed = try parsed(request(["Contact: *", "Contact: <sip:bob@192.0.2.4>"], method: "REGISTER", uri: "sip:registrar.biloxi.com"))
        #expect(isBadHeaderValue(thrownError { try mixed.contact() }, "Contact"))
        let inList = try parsed(request(["Contact: <sip:bob@192.0.2.4>, *"], method: "REGISTER", uri: "sip:registrar.biloxi.com"))
        #expect(thrownError { try inList.contact() } != nil)
    }

    @Test("no Contact header: nil")
    func absent() throws {
        #expect(try parsed(request([])).contact() == nil)
    }

    @Test("Contact list with q and expires (RFC 3261 §20.10 example)")
    func list() throws {
        let m = try message(
            "Contact: \"Mr. Watson\" <sip:watson@worcester.bell-telephone.com>;q=0.7; expires=3600, \"Mr. Watson\" <mailto:watson@bell-telephone.com> ;q=0.1",
            "m: <sip:watson@192.0.2.7>;expires=60"
        )
        let list = try contacts(m)
        #expect(list.count == 3)
        #expect(list.map(\.displayName) == ["Mr. Watson", "Mr. Watson", nil])
        #expect(list[0].q == 0.7)
        #expect(list[0].expires == 3600)
        #expect(list[1].q == 0.1)
        #expect(list[1].expires == nil)
        #expect(list[1].uri.scheme == "mailto")
        #expect(list[2].expires == 60)
        #expect(list[2].q == nil)
        #expect(m.headers.values(.contact).count == 3)
    }

    @Test("q and expires out of range are not values")
    func ranges() throws {
        #expect(try NameAddress("<sip:a@b.c>;q=1.5").q == nil)
        #expect(try NameAddress("<sip:a@b.c>;q=1.0").q == 1.0)
        #expect(try NameAddress("<sip:a@b.c>;q=0").q == 0)
        #expect(try NameAddress("<sip:a@b.c>;expires=4294967295").expires == UInt32.max)
        #expect(try NameAddress("<sip:a@b.c>;expires=-1").expires == nil)
    }

    @Test("+sip.instance with a quoted <urn:…> (RFC 5626)")
    func instance() throws {
        let m = try message(
            "Contact: <sip:alice@pc33.atlanta.com;ob>;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>\";reg-id=1;expires=600, <sip:alice@192.0.2.2>;+sip.instance=\"<urn:uuid:1,2>\""
        )
        let list = try contacts(m)
        #expect(list.count == 2)
        let first = try #require(list.first)
        #expect(first.parameters["+sip.instance"] == "\"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>\"")
        #expect(first.parameters.first(named: "+SIP.INSTANCE")?.unquotedValue == "<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>")
        #expect(first.parameters["reg-id"] == "1")
        #expect(first.expires == 600)
        #expect(first.uri.sipURI?.parameters.contains(named: "ob") == true)
        #expect(list[1].parameters.first(named: "+sip.instance")?.unquotedValue == "<urn:uuid:1,2>")
        #expect(m.headers.values(.contact).count == 2)
    }

    @Test("Route and Record-Route lists keep their order across lines")
    func routes() throws {
        let m = try message(
            "Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>",
            "Record-Route: <sip:rr1.example.com;lr>",
            "Route: <sip:p3.example.com:5070;transport=tcp;lr>",
            "Record-Route: <sip:rr2.example.com;lr;ftag=abc>;x=1, <sip:rr3.example.com>"
        )
        let routes = try m.routes()
        #expect(routes.map { $0.uri.sipURI?.host } == ["p1.example.com", "p2.example.com", "p3.example.com"])
        #expect(routes.allSatisfy { $0.uri.sipURI?.isLooseRouter == true })
        #expect(routes[2].uri.sipURI?.port == 5070)
        #expect(routes[2].uri.sipURI?.transport == "tcp")
        let recordRoutes = try m.recordRoutes()
        #expect(recordRoutes.map { $0.uri.sipURI?.host } == ["rr1.example.com", "rr2.example.com", "rr3.example.com"])
        #expect(recordRoutes[1].uri.sipURI?.parameters["ftag"] == "abc")
        #expect(recordRoutes[1].parameters["x"] == "1")
        #expect(recordRoutes[2].uri.sipURI?.isLooseRouter == false)
        #expect(m.headers.values(.route).count == 3)
        #expect(try parsed(request([])).routes().isEmpty)
        let bad = try message("Route: <sip:p1.example.com;lr>,, <sip:p2.example.com>")
        #expect(isBadHeaderValue(thrownError { try bad.routes() }, "Route"))
    }
}

// MARK: - Scalars

@Suite("CSeq, Max-Forwards, Expires, Call-ID, Content-Length")
struct ScalarHeaderTests {
    @Test("CSeq values", arguments: [
        ("4294967295 INVITE", CSeq(UInt32.max, .invite)),
        ("0 ACK", CSeq(0, .ack)),
        ("1 invite", CSeq(1, .other("invite"))),  // methods are case-sensitive
        ("101   CANCEL", CSeq(101, .cancel)),
        ("00042 BYE", CSeq(42, .bye)),
        ("7 NEWMETHOD", CSeq(7, .other("NEWMETHOD"))),
    ])
    func valid(_ text: String, _ expected: CSeq) throws {
        #expect(try CSeq(text) == expected)
        let m = try parsed(request([]).replacingOccurrences(of: "CSeq: 314159 INVITE", with: "CSeq: \(text)"))
        #expect(try m.cseq() == expected)
    }

    @Test("malformed CSeq values", arguments: [
        "4294967296 INVITE",  // 2^32
        "99999999999999999999999 INVITE",  // far beyond
        "1",  // missing method
        "INVITE",  // missing number
        "1INVITE",  // no LWS
        "-1 INVITE",
        "1 INVITE extra",
        "1 INV@ITE",
        "",
    ])
    func malformed(_ text: String) throws {
        #expect(isBadHeaderValue(thrownError { try CSeq(text) }, "CSeq"), "'\(text)'")
        let m = try parsed(request([]).replacingOccurrences(of: "CSeq: 314159 INVITE", with: "CSeq: \(text)"))
        #expect(isBadHeaderValue(thrownError { try m.cseq() }, "CSeq"), "'\(text)'")
        #expect(thrownError { try m.validate() }?.suggestedStatus == 400)
    }

    @Test("CSeq description")
    func cseqDescription() {
        #expect(CSeq(314159, .invite).description == "314159 INVITE")
        #expect(CSeq(1, .other("FOO")).description == "1 FOO")
    }

    @Test("Max-Forwards 0…255", arguments: [0, 1, 70, 255])
    func maxForwards(_ hops: Int) throws {
        let m = try parsed(request([]).replacingOccurrences(of: "Max-Forwards: 70", with: "Max-Forwards: \(hops)"))
        #expect(try m.maxForwards() == hops)
        try m.validate()
    }

    @Test("Max-Forwards out of range or malformed", arguments: ["256", "1000", "-1", "abc", "7 0", "", "18446744073709551616"])
    func maxForwardsInvalid(_ text: String) throws {
        let m = try parsed(request([]).replacingOccurrences(of: "Max-Forwards: 70", with: "Max-Forwards: \(text)"))
        #expect(isBadHeaderValue(thrownError { try m.maxForwards() }, "Max-Forwards"), "'\(text)'")
        #expect(thrownError { try m.validate() }?.suggestedStatus == 400)
    }

    @Test("Max-Forwards absent is nil (validate tolerates it)")
    func maxForwardsAbsent() throws {
        let m = try parsed(request([]).replacingOccurrences(of: "Max-Forwards: 70\r\n", with: ""))
        #expect(try m.maxForwards() == nil)
        try m.validate()
    }

    @Test("Expires")
    func expires() throws {
        #expect(try message("Expires: 3600").expires() == 3600)
        #expect(try message("Expires: 0").expires() == 0)
        #expect(try message("Expires: 4294967295").expires() == UInt32.max)
        #expect(try parsed(request([])).expires() == nil)
        #expect(isBadHeaderValue(thrownError { try message("Expires: abc").expires() }, "Expires"))
        #expect(isBadHeaderValue(thrownError { try message("Expires: -5").expires() }, "Expires"))
        #expect(isBadHeaderValue(thrownError { try message("Expires:").expires() }, "Expires"))
        #expect(thrownError { try message("Expires: 1", "Expires: 2").expires() } == .duplicateHeader("Expires"))
    }

    @Test("Call-ID: word [@ word]")
    func callID() throws {
        #expect(try parsed(request([])).callID() == "a84b4c76e66710@pc33.atlanta.com")
        let odd = try parsed(request([]).replacingOccurrences(of: "Call-ID: a84b4c76e66710@pc33.atlanta.com", with: "i: f81d4fae-7dec-11d0-a765-00a0c91e6bf6@[2001:db8::1]"))
        #expect(try odd.callID() == "f81d4fae-7dec-11d0-a765-00a0c91e6bf6@[2001:db8::1]")
        for bad in ["a b", "a@", "@b", "a@b@c", ""] {
            let m = try parsed(request([]).replacingOccurrences(of: "Call-ID: a84b4c76e66710@pc33.atlanta.com", with: "Call-ID: \(bad)"))
            #expect(isBadHeaderValue(thrownError { try m.callID() }, "Call-ID"), "'\(bad)'")
        }
    }

    @Test("Content-Length accessor")
    func contentLength() throws {
        let m = try parsed(request([], body: "hello"))
        #expect(try m.contentLength() == 5)
        #expect(m.body == "hello".bytes)
        let compact = try parsed(crlf("OPTIONS sip:a@b.c SIP/2.0", "l: 3", "") + "abc")
        #expect(try compact.contentLength() == 3)
        #expect(compact.body == "abc".bytes)
    }
}

// MARK: - Media types and token lists

@Suite("Content-Type, Accept, Allow, Supported, Require, Proxy-Require, Unsupported")
struct ListHeaderTests {
    @Test("Content-Type")
    func contentType() throws {
        let sdp = try #require(try message("Content-Type: application/sdp").contentType())
        #expect(sdp == .sdp)
        #expect(sdp.matches(.sdp))
        let multipart = try #require(try message("c: multipart/mixed; boundary=\"simple boundary\"").contentType())
        #expect(multipart.type == "multipart" && multipart.subtype == "mixed")
        #expect(multipart.parameters.first(named: "boundary")?.unquotedValue == "simple boundary")
        let charset = try #require(try message("Content-Type: text/html ; charset=ISO-8859-4").contentType())
        #expect(charset.parameters["charset"] == "ISO-8859-4")
        #expect(try MediaType("APPLICATION/SDP").matches(.sdp))
        #expect(try MediaType("application/*").matches(.sdp))
        #expect(!(try MediaType("text/plain").matches(.sdp)))
        #expect(try parsed(request([])).contentType() == nil)
        for bad in ["application", "application/", "/sdp", "application/sdp, text/html", "application/sdp;", "application sdp"] {
            #expect(isBadHeaderValue(thrownError { try message("Content-Type: \(bad)").contentType() }, "Content-Type"), "'\(bad)'")
            #expect(thrownError { try message("Content-Type: \(bad)").validate() }?.suggestedStatus == 400, "'\(bad)'")
        }
    }

    @Test("Accept lists, empty Accept")
    func accept() throws {
        let m = try message("Accept: application/sdp;level=1, application/x-private, text/html", "Accept: */*")
        let types = try m.accept()
        #expect(types.map { "\($0.type)/\($0.subtype)" } == ["application/sdp", "application/x-private", "text/html", "*/*"])
        #expect(types[0].parameters["level"] == "1")
        #expect(types[3].matches(.sdp))
        #expect(try message("Accept:").accept().isEmpty)
        #expect(try parsed(request([])).accept().isEmpty)
        #expect(thrownError { try message("Accept: application/sdp,, text/html").accept() } != nil)
    }

    @Test("token lists")
    func tokens() throws {
        let m = try message(
            "Allow: INVITE, ACK, OPTIONS, CANCEL, BYE",
            "Allow: REFER,NOTIFY",
            "k: 100rel, timer",
            "Supported: replaces",
            "Require: 100rel",
            "Proxy-Require: sec-agree",
            "Unsupported: foo, bar"
        )
        #expect(try m.allow() == ["INVITE", "ACK", "OPTIONS", "CANCEL", "BYE", "REFER", "NOTIFY"])
        #expect(try m.supported() == ["100rel", "timer", "replaces"])
        #expect(try m.require() == ["100rel"])
        #expect(try m.proxyRequire() == ["sec-agree"])
        #expect(try m.unsupported() == ["foo", "bar"])
        #expect(m.headers.values(.allow) == ["INVITE", "ACK", "OPTIONS", "CANCEL", "BYE", "REFER", "NOTIFY"])
    }

    @Test("empty lists: `Allow:` and absent headers")
    func empty() throws {
        #expect(try message("Allow:").allow().isEmpty)
        #expect(try message("Supported:    ").supported().isEmpty)
        let none = try parsed(request([]))
        #expect(try none.allow().isEmpty)
        #expect(try none.supported().isEmpty)
        #expect(try none.require().isEmpty)
        #expect(try none.proxyRequire().isEmpty)
        #expect(try none.unsupported().isEmpty)
    }

    @Test("malformed token lists", arguments: ["INVITE,,ACK", "100rel timer", "INVITE,", ",INVITE", "a;b", "\"quoted\""])
    func malformedTokens(_ value: String) throws {
        #expect(isBadHeaderValue(thrownError { try message("Allow: \(value)").allow() }, "Allow"), "'\(value)'")
        #expect(isBadHeaderValue(thrownError { try message("Require: \(value)").require() }, "Require"), "'\(value)'")
    }
}

// MARK: - Authentication

@Suite("Authorization, WWW-Authenticate, Proxy-* (RFC 3261 §20.7, §20.27, §20.28, §20.44, §22.4)")
struct AuthenticationHeaderTests {
    @Test("Digest credentials")
    func credentials() throws {
        let m = try message(
            "Authorization: Digest username=\"bob\", realm=\"biloxi.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"sip:bob@biloxi.com\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""
        )
        let credentials = try m.authorization()
        #expect(credentials.count == 1)
        let digest = try #require(credentials.first)
        #expect(digest.scheme == "Digest")
        #expect(digest.value("username") == "bob")
        #expect(digest.value("realm") == "biloxi.com")
        #expect(digest.value("nonce") == "dcd98b7102dd2f0e8b11d0f600bfb0c093")
        #expect(digest.value("NONCE") == "dcd98b7102dd2f0e8b11d0f600bfb0c093")
        #expect(digest.value("uri") == "sip:bob@biloxi.com")
        #expect(digest.value("qop") == "auth")
        #expect(digest.value("nc") == "00000001")
        #expect(digest.value("response") == "6629fae49393a05397450978507c4ef1")
        #expect(digest.value("algorithm") == nil)
        #expect(digest.parameters.count == 9)
        #expect(digest.parameters.map(\.name) == ["username", "realm", "nonce", "uri", "qop", "nc", "cnonce", "response", "opaque"])
        // Not a list header: one value per line, commas kept.
        #expect(m.headers.values(.authorization).count == 1)
    }

    @Test("challenges with quoted values holding commas, escaped quotes; several lines")
    func challenges() throws {
        let m = try parsed(crlf(
            "SIP/2.0 401 Unauthorized",
            "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds",
            "To: <sip:bob@biloxi.com>;tag=1",
            "From: <sip:alice@atlanta.com>;tag=2",
            "Call-ID: c@d",
            "CSeq: 1 REGISTER",
            "WWW-Authenticate: Digest realm=\"biloxi.com, inc\", qop=\"auth,auth-int\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"\", stale=FALSE, algorithm=MD5",
            "WWW-Authenticate: Digest realm=\"say \\\"hi\\\"\",nonce=\"x\",algorithm=SHA-256",
            "Proxy-Authenticate: Digest realm=\"atlanta.com\", domain=\"sip:ss1.carrier.com\", qop=\"auth\", nonce=\"f84f1cec41e6cbe5aea9c8e88d359\"",
            "Content-Length: 0",
            ""
        ))
        try m.validate()
        let challenges = try m.wwwAuthenticate()
        #expect(challenges.count == 2)
        #expect(challenges[0].value("realm") == "biloxi.com, inc")
        #expect(challenges[0].value("qop") == "auth,auth-int")
        #expect(challenges[0].value("nonce") == "dcd98b7102dd2f0e8b11d0f600bfb0c093")
        #expect(challenges[0].value("opaque") == "")
        #expect(challenges[0].value("stale") == "FALSE")
        #expect(challenges[0].value("algorithm") == "MD5")
        #expect(challenges[1].value("realm") == "say \"hi\"")
        #expect(challenges[1].value("algorithm") == "SHA-256")
        let proxy = try m.proxyAuthenticate()
        #expect(proxy.count == 1)
        #expect(proxy.first?.value("domain") == "sip:ss1.carrier.com")
        #expect(try m.authorization().isEmpty)
    }

    @Test("Proxy-Authorization")
    func proxyAuthorization() throws {
        let m = try message("Proxy-Authorization: Digest username=\"alice\", realm=\"atlanta.com\", nonce=\"c60f3082ee1212b402a21831ae\", response=\"245f23415f11432b3434341c022\"")
        let credentials = try m.proxyAuthorization()
        #expect(credentials.first?.scheme == "Digest")
        #expect(credentials.first?.value("username") == "alice")
        #expect(credentials.first?.value("response") == "245f23415f11432b3434341c022")
    }

    @Test("malformed credentials", arguments: [
        "Digest realm",  // no =
        "Digest realm=\"x",  // unterminated
        "Digest realm=\"x\" nonce=\"y\"",  // missing comma
        "Digest realm=\"x\",, nonce=\"y\"",  // empty element
        "",
    ])
    func malformed(_ value: String) throws {
        #expect(isBadHeaderValue(thrownError { try message("Authorization: \(value)").authorization() }, "Authorization"), "'\(value)'")
    }
}

// MARK: - REFER, Replaces, events

@Suite("Refer-To, Referred-By, Replaces, Event, Subscription-State, Call-Info, Reason")
struct ExtensionHeaderTests {
    @Test("Refer-To with an embedded Replaces (RFC 3515, RFC 3891 §7)")
    func referTo() throws {
        let m = try message("Refer-To: <sip:bob@biloxi.example.net?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994>")
        let referTo = try #require(try m.referTo())
        let uri = try #require(referTo.uri.sipURI)
        #expect(uri.host == "biloxi.example.net")
        let embedded = try #require(uri.headers["Replaces"])
        #expect(embedded == "12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994")
        let decoded = PercentEncoding.decode(embedded)
        #expect(decoded == "12345@192.168.118.3;to-tag=12345;from-tag=5FFE-3994")
        // The embedded value is a Replaces header value.
        let replaces = try #require(try message("Replaces: \(decoded)").replaces())
        #expect(replaces.callID == "12345@192.168.118.3")
        #expect(replaces.toTag == "12345")
        #expect(replaces.fromTag == "5FFE-3994")

        let compact = try message("r: sip:carol@chicago.example.com")
        #expect(try compact.referTo()?.uri.description == "sip:carol@chicago.example.com")
        #expect(try parsed(request([])).referTo() == nil)
        #expect(thrownError { try message("Refer-To: <sip:a@b.c>", "Refer-To: <sip:d@e.f>").referTo() } == .duplicateHeader("Refer-To"))
    }

    @Test("Referred-By (RFC 3892), compact b")
    func referredBy() throws {
        let m = try message("Referred-By: <sip:referrer@referrer.example>;cid=\"20398823.2UWQFN309shb3@referrer.example\"")
        let by = try #require(try m.referredBy())
        #expect(by.uri.description == "sip:referrer@referrer.example")
        #expect(by.parameters.first(named: "cid")?.unquotedValue == "20398823.2UWQFN309shb3@referrer.example")
        #expect(try message("b: Alice <sip:alice@atlanta.example.com>").referredBy()?.displayName == "Alice")
        #expect(try parsed(request([])).referredBy() == nil)
    }

    @Test("Replaces (RFC 3891 §6.1)")
    func replaces() throws {
        let replaces = try #require(try message("Replaces: 98732@sip.example.com;from-tag=r33th4x0r;to-tag=ff87ff").replaces())
        #expect(replaces.callID == "98732@sip.example.com")
        #expect(replaces.fromTag == "r33th4x0r")
        #expect(replaces.toTag == "ff87ff")
        #expect(!replaces.earlyOnly)
        let early = try #require(try message("Replaces: 425928@bobster.example.org;to-tag=7743;from-tag=6472;early-only").replaces())
        #expect(early.earlyOnly)
        #expect(early.toTag == "7743" && early.fromTag == "6472")
        #expect(try parsed(request([])).replaces() == nil)
        for bad in ["98732@sip.example.com;from-tag=r33th4x0r", "98732@sip.example.com;to-tag=ff87ff", "98732@sip.example.com",
                    ";to-tag=a;from-tag=b", "a b;to-tag=a;from-tag=b"] {
            #expect(isBadHeaderValue(thrownError { try message("Replaces: \(bad)").replaces() }, "Replaces"), "'\(bad)'")
        }
    }

    @Test("Event with id (RFC 6665 §8.2.1), compact o")
    func event() throws {
        let presence = try #require(try message("Event: presence;id=1234").event())
        #expect(presence.package == "presence")
        #expect(presence.id == "1234")
        let refer = try #require(try message("o: refer").event())
        #expect(refer.package == "refer")
        #expect(refer.id == nil)
        #expect(try message("Event: presence.winfo").event()?.package == "presence.winfo")
        #expect(try parsed(request([])).event() == nil)
        for bad in ["", "presence, dialog", "presence;", "pres ence"] {
            #expect(isBadHeaderValue(thrownError { try message("Event: \(bad)").event() }, "Event"), "'\(bad)'")
        }
    }

    @Test("Subscription-State (RFC 6665 §8.2.3)")
    func subscriptionState() throws {
        let active = try #require(try message("Subscription-State: active;expires=600").subscriptionState())
        #expect(active.state == "active")
        #expect(active.expires == 600)
        #expect(active.reason == nil)
        let terminated = try #require(try message("Subscription-State: terminated;reason=timeout;retry-after=30").subscriptionState())
        #expect(terminated.state == "terminated")
        #expect(terminated.reason == "timeout")
        #expect(terminated.retryAfter == 30)
        #expect(terminated.expires == nil)
        let pending = try #require(try message("Subscription-State: pending").subscriptionState())
        #expect(pending.state == "pending" && pending.expires == nil && pending.parameters.isEmpty)
        #expect(isBadHeaderValue(thrownError { try message("Subscription-State: ").subscriptionState() }, "Subscription-State"))
    }

    @Test("Call-Info (RFC 3261 §20.9 example), several values and lines")
    func callInfo() throws {
        let m = try message(
            "Call-Info: <http://wwww.example.com/alice/photo.jpg> ;purpose=icon, <http://www.example.com/alice/> ;purpose=info",
            "Call-Info: <sip:card@example.com>;purpose=card"
        )
        let info = try m.callInfo()
        #expect(info.count == 3)
        #expect(info.map(\.purpose) == ["icon", "info", "card"])
        #expect(info[0].uri.description == "http://wwww.example.com/alice/photo.jpg")
        #expect(info[0].uri.scheme == "http")
        #expect(info[2].uri.sipURI != nil)
        #expect(try parsed(request([])).callInfo().isEmpty)
        #expect(isBadHeaderValue(thrownError { try message("Call-Info: http://example.com/x;purpose=info").callInfo() }, "Call-Info"))
        #expect(isBadHeaderValue(thrownError { try message("Call-Info: <http://example.com/x").callInfo() }, "Call-Info"))
    }

    @Test("Reason (RFC 3326): SIP and Q.850, quoted text with commas")
    func reason() throws {
        let m = try message(
            "Reason: SIP ;cause=200 ;text=\"Call completed elsewhere\"",
            "Reason: Q.850 ;cause=16 ;text=\"Terminated\", SIP;cause=580;text=\"Precondition, failure\""
        )
        let reasons = try m.reason()
        #expect(reasons.count == 3)
        #expect(reasons.map(\.protocolName) == ["SIP", "Q.850", "SIP"])
        #expect(reasons.map(\.cause) == [200, 16, 580])
        #expect(reasons.map(\.text) == ["Call completed elsewhere", "Terminated", "Precondition, failure"])
        #expect(ReasonValue(protocolName: "SIP", cause: 200, text: "Call completed elsewhere").description == "SIP;cause=200;text=\"Call completed elsewhere\"")
        #expect(try parsed(request([])).reason().isEmpty)
    }
}

// MARK: - Names, compact forms, list splitting

@Suite("Header names and SIPHeaders")
struct HeaderCollectionTests {
    @Test("compact forms (RFC 3261 §7.3.3 and extensions)", arguments: [
        ("i", HeaderName.callID), ("m", .contact), ("e", .contentEncoding), ("l", .contentLength), ("c", .contentType),
        ("f", .from), ("s", .subject), ("k", .supported), ("t", .to), ("v", .via), ("o", .event), ("u", .allowEvents),
        ("r", .referTo), ("b", .referredBy), ("x", .sessionExpires), ("y", .identity),
    ])
    func compactForm(_ letter: String, _ name: HeaderName) throws {
        #expect(HeaderName(letter) == name)
        #expect(HeaderName(letter.uppercased()) == name)
        #expect(HeaderName(letter).canonicalName == name.canonicalName)
        #expect(HeaderName(name.canonicalName.lowercased()) == name)
        var headers = SIPHeaders()
        headers.append(letter, "value-\(letter)")
        headers.append("X-Other", "other")
        #expect(headers.first(name) == "value-\(letter)")
        #expect(headers[name.canonicalName] == "value-\(letter)")
        #expect(headers[name.canonicalName.uppercased()] == "value-\(letter)")
        #expect(headers[letter.uppercased()] == "value-\(letter)")
        #expect(headers.contains(name))
        #expect(headers.count(name) == 1)
        #expect(headers.all.first?.name == letter)
    }

    @Test("unknown names compare case-insensitively and are not compact forms")
    func unknownNames() {
        #expect(HeaderName("X-Custom") == HeaderName("x-custom"))
        #expect(HeaderName("X-Custom").hashValue == HeaderName("x-CUSTOM").hashValue)
        #expect(HeaderName("X-Custom") != HeaderName("X-Custom2"))
        #expect(HeaderName("X-Custom").canonicalName == "X-Custom")
        #expect(HeaderName("q") != .callID)
        #expect(HeaderName("Via") == .via && HeaderName("VIA") == .via && HeaderName("v") == .via)
        #expect(HeaderName("Vias") != .via)
        #expect(HeaderName("call-id") == .callID && HeaderName("CALL-ID") == .callID)
        #expect(HeaderName("WWW-Authenticate") == .wwwAuthenticate)
        #expect(HeaderName("Max-Forwards").description == "Max-Forwards")
    }

    @Test("values() splits list headers at commas outside quotes and <>")
    func valuesSplitting() throws {
        let m = try message(
            "Contact: <sip:a@example.com;x=1>, \"Smith, Bob\" <sip:b@example.com>;note=\"p, q\", <sip:c@example.com>",
            "X-List: a, b, c",
            "Date: Sat, 13 Nov 2010 23:29:00 GMT",
            "Allow: INVITE ,ACK,  BYE",
            "Warning: 370 devnull \"Choose a bigger pipe, please\""
        )
        #expect(m.headers.values(.contact) == ["<sip:a@example.com;x=1>", "\"Smith, Bob\" <sip:b@example.com>;note=\"p, q\"", "<sip:c@example.com>"])
        #expect(try contacts(m).count == 3)
        #expect(m.headers.values(HeaderName("X-List")) == ["a, b, c"])
        #expect(m.headers.values(.date) == ["Sat, 13 Nov 2010 23:29:00 GMT"])
        #expect(m.headers.values(.allow) == ["INVITE", "ACK", "BYE"])
        #expect(m.headers.values(.warning) == ["370 devnull \"Choose a bigger pipe, please\""])
        #expect(m.headers.lines(.contact).count == 1)
        #expect(m.headers.values(.route).isEmpty)
        #expect(HeaderName.contact.isList && HeaderName.via.isList && !HeaderName.authorization.isList && !HeaderName("X-List").isList)
    }

    @Test("append, prepend, set, remove, removeFirst")
    func editing() throws {
        var headers = SIPHeaders([("Via", "v1"), ("To", "t"), ("Via", "v2")])
        headers.prepend(.via, "v0")
        #expect(headers.lines(.via) == ["v0", "v1", "v2"])
        #expect(headers.all.map(\.name) == ["Via", "Via", "To", "Via"])
        headers.prepend(.route, "r")  // none yet: appended
        #expect(headers.all.last == SIPHeader(name: "Route", value: "r"))
        headers.set(.via, "only")
        #expect(headers.lines(.via) == ["only"])
        #expect(headers.all.map(\.name) == ["Via", "To", "Route"])
        headers.set(.from, "f")  // absent: appended
        #expect(headers.all.map(\.name) == ["Via", "To", "Route", "From"])
        headers.removeFirst(.via)
        #expect(!headers.contains(.via))
        headers.append(.via, "a")
        headers.append("v", "b")
        headers.append("VIA", "c")
        #expect(headers.count(.via) == 3)
        headers.removeFirst(.via)
        #expect(headers.lines(.via) == ["b", "c"])
        headers.remove(.via)
        #expect(headers.count(.via) == 0)
        #expect(headers.count == 3)
        #expect(Array(headers).map(\.name) == ["To", "Route", "From"])
        #expect(headers == SIPHeaders([("To", "t"), ("Route", "r"), ("From", "f")]))
        #expect(headers != SIPHeaders([("to", "t"), ("Route", "r"), ("From", "f")]))  // names compared exactly
    }

    @Test("many edits do not corrupt values")
    func manyEdits() {
        var headers = SIPHeaders()
        for i in 0..<500 {
            headers.set(HeaderName("X-Counter"), String(repeating: "x", count: i % 17) + String(i))
            headers.append("X-Log", String(i))
            if i % 3 == 0 { headers.removeFirst(HeaderName("X-Log")) }
        }
        #expect(headers.lines(HeaderName("X-Counter")) == [String(repeating: "x", count: 499 % 17) + "499"])
        #expect(headers.count(HeaderName("X-Log")) == 500 - 167)
        #expect(headers.lines(HeaderName("X-Log")).last == "499")
    }
}

// MARK: - response(to:)

@Suite("SIPMessage.response(to:status:reason:toTag:) (RFC 3261 §8.2.6)")
struct ResponseBuildingTests {
    static let invite = crlf(
        "INVITE sip:bob@biloxi.com SIP/2.0",
        "Via: SIP/2.0/UDP proxy2.biloxi.com;branch=z9hG4bK721e4.1",
        "v: SIP/2.0/UDP proxy1.atlanta.com;branch=z9hG4bK2d4790.1, SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds;received=192.0.2.1",
        "Max-Forwards: 68",
        "To: Bob <sip:bob@biloxi.com>",
        "From: Alice <sip:alice@atlanta.com>;tag=1928301774",
        "Call-ID: a84b4c76e66710@pc33.atlanta.com",
        "CSeq: 314159 INVITE",
        "Record-Route: <sip:proxy2.biloxi.com;lr>",
        "Record-Route: <sip:proxy1.atlanta.com;lr>",
        "Contact: <sip:alice@pc33.atlanta.com>",
        "Timestamp: 54",
        "Subject: lunch",
        "Content-Type: application/sdp",
        "Content-Length: 4",
        ""
    ) + "v=0\n"

    @Test("180 Ringing: Vias in order, From, To with the new tag, Call-ID, CSeq; no Timestamp; Content-Length 0")
    func ringing() throws {
        let request = try parsed(Self.invite)
        let response = SIPMessage.response(to: request, status: 180, toTag: "a6c85cf")
        #expect(response.statusCode == 180)
        #expect(response.reasonPhrase == "Ringing")
        #expect(response.version == "SIP/2.0")
        #expect(response.headers.lines(.via) == request.headers.lines(.via))
        #expect(try response.vias() == request.vias())
        #expect(response.headers.first(.from) == request.headers.first(.from))
        #expect(try response.to().tag == "a6c85cf")
        #expect(try response.to().uri == request.to().uri)
        #expect(try response.to().displayName == "Bob")
        #expect(try response.callID() == "a84b4c76e66710@pc33.atlanta.com")
        #expect(try response.cseq() == CSeq(314159, .invite))
        #expect(!response.headers.contains(.timestamp))
        #expect(!response.headers.contains(.contact))
        #expect(!response.headers.contains(.subject))
        #expect(!response.headers.contains(.contentType))
        #expect(!response.headers.contains(.maxForwards))
        #expect(response.headers.lines(.contentLength) == ["0"])
        #expect(response.body.isEmpty)
        try response.validate()
        // §12.1.1: Record-Route is copied into responses that establish a dialog.
        #expect(try response.recordRoutes() == request.recordRoutes())
    }

    @Test("100 Trying: no To tag, Timestamp copied")
    func trying() throws {
        let request = try parsed(Self.invite)
        let response = SIPMessage.response(to: request, status: 100, toTag: "a6c85cf")
        #expect(response.reasonPhrase == "Trying")
        #expect(try response.to().tag == nil)
        #expect(response.headers.first(.to) == "Bob <sip:bob@biloxi.com>")
        #expect(response.headers.first(.timestamp) == "54")
        #expect(try response.vias().count == 3)
        #expect(response.headers.lines(.contentLength) == ["0"])
        try response.validate()
    }

    @Test("a To that already has a tag keeps it; other statuses and reasons")
    func existingTag() throws {
        let request = try parsed(Self.invite.replacingOccurrences(of: "To: Bob <sip:bob@biloxi.com>", with: "To: Bob <sip:bob@biloxi.com>;tag=existing"))
        let response = SIPMessage.response(to: request, status: 200, toTag: "new")
        #expect(try response.to().tag == "existing")
        #expect(response.headers.first(.to)?.components(separatedBy: "tag=").count == 2)
        let notFound = SIPMessage.response(to: try parsed(Self.invite), status: 404, reason: "Nobody Home", toTag: "x")
        #expect(notFound.reasonPhrase == "Nobody Home")
        #expect(try notFound.to().tag == "x")
        #expect(!notFound.headers.contains(.timestamp))
        let untagged = SIPMessage.response(to: try parsed(Self.invite), status: 486)
        #expect(try untagged.to().tag == nil)
        #expect(untagged.reasonPhrase == "Busy Here")
    }
}

@Suite("Editing headers cannot inject lines")
struct HeaderInjectionTests {
    @Test("CR and LF in a value become spaces")
    func value() {
        var headers = SIPHeaders()
        headers.append("Subject", "hello\r\nVia: SIP/2.0/UDP evil.example.com\nx")
        #expect(headers.count == 1)
        #expect(headers.first(HeaderName("Subject")) == "hello  Via: SIP/2.0/UDP evil.example.com x")
        #expect(!headers.contains(.via))
    }

    @Test("characters a name cannot hold are dropped; a name left empty is replaced")
    func name() {
        var headers = SIPHeaders()
        headers.append("X-Od d:\r\nVia", "1")
        headers.append(":\r\n ", "2")
        #expect(headers.all == [SIPHeader(name: "X-OddVia", value: "1"), SIPHeader(name: "X-Invalid-Header-Name", value: "2")])
        var message = SIPMessage.response(status: 200, headers: headers)
        message.headers.append(.contentLength, "0")
        #expect((try? SIPMessage(parsing: message.text))?.headers.count == 3)
    }
}

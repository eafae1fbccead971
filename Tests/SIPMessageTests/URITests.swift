import Testing
@testable import SIPMessage

@Suite("URIs: RFC 3261 §19.1, RFC 3966, RFC 5118")
struct URITests {
    // MARK: §19.1.4 equivalence — the RFC's own examples

    /// RFC 3261 §19.1.4: "The URIs within each of the following sets are equivalent".
    static let equivalentSets: [[String]] = [
        ["sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"],
        ["sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on"],
        ["sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
         "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"],
        ["sip:alice@atlanta.com?subject=project%20x&priority=urgent",
         "sip:alice@atlanta.com?priority=urgent&subject=project%20x"],
    ]

    /// RFC 3261 §19.1.4: "The URIs within each of the following sets are not equivalent".
    static let notEquivalentPairs: [(String, String)] = [
        ("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"),  // different usernames
        ("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"),  // can resolve to different ports
        ("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"),  // can resolve to different transports
        ("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"),  // different port and transport
        ("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"),  // different header component
        ("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"),  // even if the name resolves to the address
    ]

    @Test("§19.1.4 equivalent sets", arguments: equivalentSets)
    func equivalent(_ set: [String]) throws {
        let uris = try set.map { try SIPURI($0) }
        for a in uris {
            for b in uris {
                #expect(a.isEquivalent(to: b), "\(a) ≡ \(b)")
                #expect(URI.sip(a).isEquivalent(to: .sip(b)))
            }
        }
    }

    @Test("§19.1.4 non-equivalent pairs", arguments: notEquivalentPairs)
    func notEquivalent(_ left: String, _ right: String) throws {
        let a = try SIPURI(left), b = try SIPURI(right)
        #expect(!a.isEquivalent(to: b), "\(a) ≢ \(b)")
        #expect(!b.isEquivalent(to: a), "\(b) ≢ \(a)")
        #expect(a.isEquivalent(to: a) && b.isEquivalent(to: b))
    }

    @Test("§19.1.4 rules beyond the examples")
    func moreEquivalenceRules() throws {
        func eq(_ a: String, _ b: String) throws -> Bool { try SIPURI(a).isEquivalent(to: SIPURI(b)) }
        // sip and sips never match.
        #expect(try !eq("sip:alice@atlanta.com", "sips:alice@atlanta.com"))
        // userinfo is case-sensitive (password too); host is not.
        #expect(try !eq("sip:alice:secretword@atlanta.com", "sip:alice:SecretWord@atlanta.com"))
        #expect(try eq("sip:alice:secretword@atlanta.com", "sip:alice:secretword@ATLANTA.COM"))
        #expect(try !eq("sip:alice:secretword@atlanta.com", "sip:alice@atlanta.com"))
        // Escaped unreserved characters equal the characters; hex case does not matter.
        #expect(try eq("sip:%61%6c%69%63%65@atlanta.com", "sip:alice@atlanta.com"))
        #expect(try eq("sip:a%2Cb@atlanta.com", "sip:a%2cb@atlanta.com"))
        // …but a reserved character is not equal to its escape.
        #expect(try !eq("sip:a%3Bb@atlanta.com", "sip:a;b@atlanta.com"))
        // user, ttl, method and maddr must match when present in either URI.
        #expect(try !eq("sip:+1234@gw.example.com;user=phone", "sip:+1234@gw.example.com"))
        #expect(try !eq("sip:alice@atlanta.com;maddr=239.255.255.1", "sip:alice@atlanta.com"))
        #expect(try !eq("sip:alice@atlanta.com;ttl=15", "sip:alice@atlanta.com"))
        #expect(try !eq("sip:alice@atlanta.com;method=INVITE", "sip:alice@atlanta.com"))
        #expect(try eq("sip:alice@atlanta.com;maddr=239.255.255.1", "sip:alice@atlanta.com;MADDR=239.255.255.1"))
        // Parameters present in both must match; others are ignored.
        #expect(try !eq("sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;newparam=6"))
        #expect(try eq("sip:carol@chicago.com;newparam=5;lr", "sip:carol@chicago.com;security=on"))
        // Headers must all be present in both.
        #expect(try !eq("sip:alice@atlanta.com?subject=a", "sip:alice@atlanta.com?subject=a&priority=urgent"))
        #expect(try !eq("sip:alice@atlanta.com?subject=a", "sip:alice@atlanta.com?subject=b"))
        // Ports: explicit default port ≠ no port; ports compared numerically.
        #expect(try eq("sip:alice@atlanta.com:5060", "sip:alice@atlanta.com:05060"))
        #expect(try !eq("sips:alice@atlanta.com", "sips:alice@atlanta.com:5061"))
        // IPv6 references: hex digits are case-insensitive.
        #expect(try eq("sip:alice@[2001:DB8::10]", "sip:alice@[2001:db8::10]"))
        #expect(try !eq("sip:alice@[2001:db8::10]", "sip:alice@[2001:db8::11]"))
    }

    // MARK: Parts

    @Test("SIP URI parts")
    func sipParts() throws {
        let uri = try SIPURI("sips:alice:secret@atlanta.com:5061;transport=tcp;lr;maddr=239.255.255.1?subject=project%20x&priority=urgent")
        #expect(uri.isSecure)
        #expect(uri.user == "alice")
        #expect(uri.password == "secret")
        #expect(uri.host == "atlanta.com")
        #expect(uri.port == 5061)
        #expect(uri.hostPort == "atlanta.com:5061")
        #expect(uri.transport == "tcp")
        #expect(uri.isLooseRouter)
        #expect(uri.parameters["maddr"] == "239.255.255.1")
        #expect(uri.parameters.count == 3)
        #expect(uri.parameters.all.map(\.name) == ["transport", "lr", "maddr"])
        #expect(uri.parameters.first(named: "LR") == GenericParameter(name: "lr"))
        #expect(uri.headers.count == 2)
        #expect(uri.headers["subject"] == "project%20x")
        #expect(uri.headers["priority"] == "urgent")
        #expect(uri.headers.all.map(\.name) == ["subject", "priority"])
        #expect(uri.description == "sips:alice:secret@atlanta.com:5061;transport=tcp;lr;maddr=239.255.255.1?subject=project%20x&priority=urgent")
        #expect(URI.sip(uri).scheme == "sips")

        let plain = try SIPURI("sip:atlanta.com")
        #expect(plain.user == nil && plain.password == nil && plain.port == nil)
        #expect(plain.parameters.isEmpty && plain.headers.isEmpty)
        #expect(plain.transport == nil && !plain.isLooseRouter)
        #expect(try SIPURI("SIP:alice@atlanta.com").isSecure == false)
        #expect(try SIPURI("sip:alice@192.0.2.4:5060").host == "192.0.2.4")
        #expect(try SIPURI("sip:alice@atlanta.com.").host == "atlanta.com.")  // trailing dot of an FQDN
        #expect(try SIPURI("sip:+1-212-555-1212:1234@gateway.com;user=phone").user == "+1-212-555-1212")
        #expect(try SIPURI("sip:+1-212-555-1212:1234@gateway.com;user=phone").password == "1234")
        #expect(try SIPURI("sip:alice;day=tuesday@atlanta.com").user == "alice;day=tuesday")
        #expect(try SIPURI("sip:alice@atlanta.com;transport=UDP").transport == "udp")
    }

    @Test("IPv6 references (RFC 5118)")
    func ipv6() throws {
        let uri = try SIPURI("sip:alice@[2001:db8::10]:5070;transport=tcp")
        #expect(uri.host == "[2001:db8::10]")
        #expect(uri.bareHost == "2001:db8::10")
        #expect(uri.port == 5070)
        #expect(uri.transport == "tcp")
        #expect(try SIPURI("sips:[::1]").host == "[::1]")
        #expect(try SIPURI("sip:[::ffff:192.0.2.1]").bareHost == "::ffff:192.0.2.1")
        #expect(try SIPURI("sip:[2001:db8::10:5070]").port == nil)
        #expect(isMalformedURI(thrownError { try SIPURI("sip:[2001:db8::10") }))
        #expect(isMalformedURI(thrownError { try SIPURI("sip:[]") }))
        #expect(isMalformedURI(thrownError { try SIPURI("sip:[2001:db8::g]") }))
        #expect(isMalformedURI(thrownError { try SIPURI("sip:2001:db8::10") }))
    }

    @Test("bracketed hosts that are no IPv6 address are malformed (RFC 3261 §25.1 IPv6reference)", arguments: [
        "sip:[12345::1]",  // a group of five hex digits
        "sip:[1:2:3:4:5:6:7:8:9]",  // nine groups
        "sip:[:]",
        "sip:[.]",
        "sip:[1::2::3]",  // two ::
        "sip:[" + String(repeating: ":", count: 100) + "]",
    ])
    func bogusIPv6(_ text: String) {
        #expect(isMalformedURI(thrownError { try URI(text) }), "\(text)")
    }

    @Test("tel URIs (RFC 3966): global and local numbers, visual separators, parameters")
    func tel() throws {
        guard case .tel(let global) = try URI("tel:+1-201-555-0123") else { Issue.record("not tel"); return }
        #expect(global.isGlobal)
        #expect(global.number == "+1-201-555-0123")
        #expect(global.digits == "+12015550123")
        #expect(global.parameters.isEmpty)
        #expect(global.description == "tel:+1-201-555-0123")

        guard case .tel(let local) = try URI("tel:7042;phone-context=example.com") else { Issue.record("not tel"); return }
        #expect(!local.isGlobal)
        #expect(local.number == "7042")
        #expect(local.parameters["phone-context"] == "example.com")

        guard case .tel(let withContext) = try URI("tel:863-1234;phone-context=+1-914-555") else { Issue.record("not tel"); return }
        #expect(withContext.digits == "8631234")
        #expect(withContext.parameters["phone-context"] == "+1-914-555")

        guard case .tel(let extended) = try URI("tel:+1-201-555-0123;ext=1234;isub=5") else { Issue.record("not tel"); return }
        #expect(extended.parameters["ext"] == "1234")
        #expect(extended.parameters.count == 2)

        // RFC 3966 §4: compare without visual separators, parameters in any order, case-insensitively.
        func eq(_ a: String, _ b: String) throws -> Bool { try URI(a).isEquivalent(to: URI(b)) }
        #expect(try eq("tel:+1-201-555-0123", "tel:+1.201.555.0123"))
        #expect(try eq("tel:+1-201-555-0123", "tel:+1(201)5550123"))
        #expect(try eq("tel:7042;phone-context=example.com;ext=1", "tel:7042;ext=1;phone-context=EXAMPLE.COM"))
        #expect(try !eq("tel:+12015550123", "tel:+12015550124"))
        #expect(try !eq("tel:7042;phone-context=example.com", "tel:7042;phone-context=example.org"))
        #expect(try !eq("tel:7042;phone-context=example.com", "tel:7042;phone-context=example.com;ext=1"))
        #expect(try !eq("tel:+12015550123", "sip:+12015550123@example.com;user=phone"))

        #expect(isMalformedURI(thrownError { try URI("tel:") }))
        #expect(isMalformedURI(thrownError { try URI("tel:;phone-context=x") }))
        #expect(isMalformedURI(thrownError { try URI("tel:+1 201") }))
    }

    @Test("absolute URIs of other schemes are kept as written", arguments: [
        ("http://www.example.com/alice/photo.jpg", "http", "//www.example.com/alice/photo.jpg"),
        ("https://example.com/path/to?x=1&y=%20z#frag", "https", "//example.com/path/to?x=1&y=%20z#frag"),
        ("mailto:alice@example.com", "mailto", "alice@example.com"),
        ("urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6", "urn", "uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"),
        ("im:alice@example.com", "im", "alice@example.com"),
        ("HTTP://EXAMPLE.COM/", "http", "//EXAMPLE.COM/"),
    ])
    func absolute(_ text: String, _ scheme: String, _ specific: String) throws {
        let uri = try URI(text)
        guard case .absolute(let absolute) = uri else { Issue.record("\(text) is not absolute: \(uri)"); return }
        #expect(uri.scheme == scheme)
        #expect(absolute.scheme.lowercased() == scheme)
        #expect(absolute.specific == specific)
        #expect(uri.description == text)
        #expect(uri.sipURI == nil)
        #expect(uri.isEquivalent(to: try URI(text)))
        #expect(!uri.isEquivalent(to: .sip(SIPURI(host: "example.com"))))
    }

    @Test("malformed URIs throw malformedURI", arguments: [
        "sip:alice@atlanta.com;transport=%ZZ",  // bad %-escape in a parameter
        "sip:al%2gice@atlanta.com",  // bad %-escape in the user part
        "sip:alice%@atlanta.com",  // truncated escape
        "sip:alice@atlanta.com?subject=%4",  // truncated escape in a header
        "sip:alice@atlanta.com:65536",  // port out of range
        "sip:alice@atlanta.com:99999999999999999999",  // port overflow
        "sip:alice@atlanta.com:",  // empty port
        "sip:alice@atlanta.com:50a",  // non-digit port
        "sip:alice@",  // empty host
        "sip:",  // nothing
        "sip:@atlanta.com",  // empty user
        "sip:alice@atlanta.com;",  // empty parameter name
        "sip:alice @atlanta.com",  // space in the user part
        "sip:alice@atlanta .com",  // space in the host
        "sip:alice@atlanta.com ;lr",  // space before a parameter
        "sip:alice@atlanta.com?subject",  // header without =
        "sip:alice@-atlanta.com",  // label starting with '-'
        "sip:alice@atlanta..com",  // empty label
        "sip:alice@-atlanta",  // single label starting with '-'
        "sip:alice@atlanta.com-",  // last label ending with '-'
        "sip:alice@atl\"anta.com",  // quote
        "sip:alice@atlanta.com>",  // stray '>'
        "<sip:alice@atlanta.com>",  // brackets (no scheme)
        "alice@atlanta.com",  // no scheme
        "1sip:alice@atlanta.com",  // scheme must start with a letter
        "",  // empty
        "http:",  // empty scheme-specific part
        "http://exa mple.com",  // space
        "mailto:<alice@example.com>",  // angle brackets
    ])
    func malformed(_ text: String) {
        let error = thrownError { try URI(text) }
        #expect(isMalformedURI(error), "\(text): \(String(describing: error))")
        #expect(error?.suggestedStatus == 400)
    }

    @Test("SIPURI(text) rejects non-SIP schemes")
    func sipOnly() {
        #expect(isMalformedURI(thrownError { try SIPURI("tel:+12015550123") }))
        #expect(isMalformedURI(thrownError { try SIPURI("http://example.com") }))
    }

    // MARK: Building and editing

    @Test("a SIP URI built from parts serializes as expected and parses back to the same parts")
    func built() throws {
        let full = SIPURI(isSecure: false, user: "alice", password: "secret", host: "atlanta.com", port: 5060,
                          parameters: [GenericParameter(name: "transport", value: "tcp"), GenericParameter(name: "lr")],
                          headers: [GenericParameter(name: "subject", value: "hi"), GenericParameter(name: "priority", value: "urgent")])
        #expect(full.description == "sip:alice:secret@atlanta.com:5060;transport=tcp;lr?subject=hi&priority=urgent")
        let parsed = try SIPURI(full.description)
        #expect(parsed == full)
        #expect(parsed.user == "alice" && parsed.password == "secret" && parsed.port == 5060)
        #expect(parsed.parameters.all == [GenericParameter(name: "transport", value: "tcp"), GenericParameter(name: "lr")])
        #expect(parsed.headers.all == [GenericParameter(name: "subject", value: "hi"), GenericParameter(name: "priority", value: "urgent")])

        #expect(SIPURI(host: "biloxi.com").description == "sip:biloxi.com")
        #expect(SIPURI(isSecure: true, user: "bob", host: "biloxi.com").description == "sips:bob@biloxi.com")
        #expect(SIPURI(host: "[2001:db8::1]", port: 5060).description == "sip:[2001:db8::1]:5060")
        #expect(SIPURI(user: "bob", host: "biloxi.com", port: 0).description == "sip:bob@biloxi.com:0")

        // A user part that needs escaping, escaped by the caller.
        let escaped = PercentEncoding.encodeUser("a b@c")
        #expect(escaped == "a%20b%40c")
        let uri = SIPURI(user: escaped, host: "example.com")
        #expect(uri.description == "sip:a%20b%40c@example.com")
        #expect(uri.unescapedUser == "a b@c")
        #expect(try SIPURI(uri.description).unescapedUser == "a b@c")
        #expect(PercentEncoding.encodeUser("+1-212;x=y?&") == "+1-212;x=y?&")
        #expect(PercentEncoding.decode("%41%42%zz%4") == "AB%zz%4")
    }

    @Test("with(…) edits one part and keeps the rest")
    func edits() throws {
        let uri = try SIPURI("sip:alice:pw@atlanta.com:5060;transport=udp;lr?subject=x")
        #expect(uri.with(host: "biloxi.com").description == "sip:alice:pw@biloxi.com:5060;transport=udp;lr?subject=x")
        #expect(uri.with(port: nil).description == "sip:alice:pw@atlanta.com;transport=udp;lr?subject=x")
        #expect(uri.with(port: 5070).port == 5070)
        #expect(uri.with(parameter: "transport", "tcp").description == "sip:alice:pw@atlanta.com:5060;transport=tcp;lr?subject=x")
        #expect(uri.with(parameter: "maddr", "192.0.2.1").parameters.all.map(\.name) == ["transport", "lr", "maddr"])
        #expect(uri.with(parameter: "ob", nil).description == "sip:alice:pw@atlanta.com:5060;transport=udp;lr;ob?subject=x")
        #expect(uri.with(headers: []).description == "sip:alice:pw@atlanta.com:5060;transport=udp;lr")
        #expect(uri.with(headers: [GenericParameter(name: "a", value: "1"), GenericParameter(name: "b", value: "2")]).description
            == "sip:alice:pw@atlanta.com:5060;transport=udp;lr?a=1&b=2")
        #expect(uri.with(user: nil).user == nil)
        #expect(uri.with(user: "bob").user == "bob")
        #expect(uri.with(user: "bob").host == "atlanta.com")
        var parameters = uri.parameters
        parameters.remove(named: "LR")
        #expect(uri.with(parameters: parameters).description == "sip:alice:pw@atlanta.com:5060;transport=udp?subject=x")
        // The original is unchanged, and every edit still parses.
        #expect(uri.description == "sip:alice:pw@atlanta.com:5060;transport=udp;lr?subject=x")
        for edited in [uri.with(host: "[::1]"), uri.with(port: 1), uri.with(parameter: "x", "y"), uri.with(headers: [])] {
            #expect(try SIPURI(edited.description) == edited)
        }
    }

    @Test("URI(text) dispatches on the scheme case-insensitively")
    func dispatch() throws {
        #expect(try URI("SIP:alice@atlanta.com").sipURI != nil)
        #expect(try URI("SiPs:alice@atlanta.com").sipURI?.isSecure == true)
        if case .tel = try URI("TEL:+1234") {} else { Issue.record("TEL: is a tel URI") }
        #expect(try URI("sip:alice@atlanta.com").description == "sip:alice@atlanta.com")
        #expect(try URI("sip:alice@atlanta.com") == .sip(SIPURI(user: "alice", host: "atlanta.com")))
    }
}

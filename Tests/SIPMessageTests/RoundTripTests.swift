import Testing
@testable import SIPMessage

/// The fixtures that parse as datagrams.
private let parsingFixtures: [Fixture] = Fixture.all.filter {
    if case .success = parseResult($0.bytes) { return true }
    return false
}

@Suite("Serialization round trips")
struct RoundTripTests {
    @Test("most fixtures parse (the round-trip corpus is not empty)")
    func corpusSize() {
        #expect(parsingFixtures.count >= 45)
    }

    @Test("parse(serialize(m)) == m, and serialization is a fixed point", arguments: parsingFixtures)
    func fixtureRoundTrip(_ fixture: Fixture) throws {
        let message = try SIPParser().parse(fixture.bytes, framing: .datagram)
        let once = message.serialized()
        let reparsed = try SIPParser().parse(once, framing: .datagram)
        let equal = reparsed == message
        #expect(equal, "\(fixture.name): parse(serialize(m)) != m")
        #expect(reparsed.startLine == message.startLine, "\(fixture.name)")
        #expect(reparsed.headers.all == message.headers.all, "\(fixture.name)")
        #expect(reparsed.body == message.body, "\(fixture.name)")
        let twice = reparsed.serialized()
        #expect(String(decoding: twice, as: UTF8.self) == String(decoding: once, as: UTF8.self), "\(fixture.name): serialization is not a fixed point")
        let thrice = try SIPParser().parse(twice).serialized()
        #expect(thrice == twice, "\(fixture.name)")
        // The typed view survives too.
        #expect((try? reparsed.vias()) == (try? message.vias()), "\(fixture.name)")
        #expect((try? reparsed.from()) == (try? message.from()), "\(fixture.name)")
        #expect((try? reparsed.contact()) == (try? message.contact()), "\(fixture.name)")
        #expect((try? reparsed.validate()) != nil || (try? message.validate()) == nil, "\(fixture.name): validity changed")
        // A message whose Content-Length is exact can be sent on a stream as serialized.
        if let length = try? message.contentLength(), length == message.body.count {
            let onStream = try SIPParser().parse(once, framing: .stream)
            #expect(onStream.headers.all == message.headers.all && onStream.body == message.body, "\(fixture.name) on a stream")
        }
    }

    @Test("serialized header lines are `Name: value` CRLF, one per header, then CRLF and the body", arguments: parsingFixtures)
    func serializedShape(_ fixture: Fixture) throws {
        let message = try SIPParser().parse(fixture.bytes)
        let bytes = message.serialized()
        let end = try #require(bytes.headerSectionEnd)
        #expect(Array(bytes[end...]) == message.body, "\(fixture.name)")
        let head = String(decoding: bytes[..<(end - 4)], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        #expect(lines.count == message.headers.count + 1, "\(fixture.name)")
        for (line, header) in zip(lines.dropFirst(), message.headers.all) {
            #expect(line == header.name + ": " + header.value, "\(fixture.name)")
        }
        #expect(!head.contains("\n\r\n"), "\(fixture.name)")
    }

    @Test("a request built from headers round-trips and validates")
    func builtRequest() throws {
        let headers = SIPHeaders([
            ("Via", "SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds"),
            ("Max-Forwards", "70"),
            ("To", "Bob <sip:bob@biloxi.com>"),
            ("From", "Alice <sip:alice@atlanta.com>;tag=1928301774"),
            ("Call-ID", "a84b4c76e66710@pc33.atlanta.com"),
            ("CSeq", "314159 INVITE"),
            ("Contact", "<sip:alice@pc33.atlanta.com>"),
        ])
        var message = SIPMessage.request(.invite, uri: .sip(try SIPURI("sip:bob@biloxi.com")), headers: headers)
        let sdp = "v=0\r\no=alice 2890844526 2890844526 IN IP4 pc33.atlanta.com\r\ns=-\r\nc=IN IP4 pc33.atlanta.com\r\nt=0 0\r\nm=audio 49172 RTP/AVP 0\r\n\r\n"
        message.setBody(sdp.bytes, contentType: .sdp)
        let expected = crlf(
            "INVITE sip:bob@biloxi.com SIP/2.0",
            "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds",
            "Max-Forwards: 70",
            "To: Bob <sip:bob@biloxi.com>",
            "From: Alice <sip:alice@atlanta.com>;tag=1928301774",
            "Call-ID: a84b4c76e66710@pc33.atlanta.com",
            "CSeq: 314159 INVITE",
            "Contact: <sip:alice@pc33.atlanta.com>",
            "Content-Type: application/sdp",
            "Content-Length: \(sdp.utf8.count)",
            ""
        ) + sdp
        #expect(message.text == expected)
        let reparsed = try SIPParser().parse(message.serialized(), framing: .stream)
        #expect(reparsed == message)
        try reparsed.validate()
        #expect(try reparsed.cseq() == CSeq(314159, .invite))
        #expect(reparsed.body == sdp.bytes)
        #expect(reparsed.serialized() == message.serialized())

        // Replacing the body keeps one Content-Type / Content-Length, in place.
        message.setBody([], contentType: nil)
        #expect(!message.headers.contains(.contentType))
        #expect(message.headers.lines(.contentLength) == ["0"])
        #expect(try SIPParser().parse(message.serialized(), framing: .stream) == message)
    }

    @Test("a request built from typed values round-trips")
    func builtFromTypedValues() throws {
        let via = Via(transport: "TCP", host: "[2001:db8::1]", port: 5061, branch: "z9hG4bK-1", parameters: [GenericParameter(name: "rport")])
        #expect(via.description == "SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bK-1;rport")
        let from = NameAddress(displayName: "Alice \"Al\" Smith", uri: .sip(SIPURI(user: "alice", host: "atlanta.com")),
                               parameters: [GenericParameter(name: "tag", value: "88sja8x")])
        #expect(from.description == "\"Alice \\\"Al\\\" Smith\" <sip:alice@atlanta.com>;tag=88sja8x")
        let to = NameAddress(displayName: "Bob", uri: .sip(SIPURI(user: "bob", host: "biloxi.com")))
        #expect(to.description == "Bob <sip:bob@biloxi.com>")
        var headers = SIPHeaders()
        headers.append(.via, via.description)
        headers.append(.maxForwards, "70")
        headers.append(.from, from.description)
        headers.append(.to, to.description)
        headers.append(.callID, "3848276298220188511@atlanta.example.com")
        headers.append(.cseq, CSeq(1, .options).description)
        headers.append(.contentLength, "0")
        let message = SIPMessage.request(.options, uri: .sip(SIPURI(user: "bob", host: "biloxi.com", parameters: [GenericParameter(name: "transport", value: "tcp")])), headers: headers)
        let reparsed = try SIPParser().parse(message.serialized(), framing: .stream)
        #expect(reparsed == message)
        try reparsed.validate()
        #expect(try reparsed.topVia() == via)
        #expect(try reparsed.from().displayName == "Alice \"Al\" Smith")
        #expect(try reparsed.from().tag == "88sja8x")
        #expect(try reparsed.to().displayName == "Bob")
        #expect(reparsed.requestURI?.sipURI?.transport == "tcp")
    }

    @Test("response(to:) round-trips and validates", arguments: [100, 180, 200, 486])
    func builtResponse(_ status: Int) throws {
        let invite = try parsed(request(["Contact: <sip:alice@pc33.atlanta.com>", "Timestamp: 54"]))
        let response = SIPMessage.response(to: invite, status: status, toTag: "a6c85cf")
        let reparsed = try SIPParser().parse(response.serialized(), framing: .stream)
        #expect(reparsed == response)
        try reparsed.validate()
        #expect(reparsed.statusCode == status)
        #expect(reparsed.reasonPhrase == ReasonPhrase.standard(for: status))
        #expect(reparsed.serialized() == response.serialized())
    }

    @Test("header order and spelling survive parse → serialize")
    func orderAndSpelling() throws {
        let text = crlf(
            "OPTIONS sip:carol@chicago.com SIP/2.0",
            "v: SIP/2.0/UDP a.example.com;branch=z9hG4bK1",
            "VIA: SIP/2.0/TCP b.example.com;branch=z9hG4bK2",
            "t: <sip:carol@chicago.com>",
            "f: <sip:alice@atlanta.com>;tag=1",
            "X-Zeta: last-alphabetically-first-in-message",
            "i: 12345@atlanta.com",
            "cSeQ: 7 OPTIONS",
            "max-forwards: 70",
            "X-Alpha: 1",
            "l: 0",
            ""
        )
        let message = try parsed(text)
        try message.validate()
        #expect(message.headers.all.map(\.name) == ["v", "VIA", "t", "f", "X-Zeta", "i", "cSeQ", "max-forwards", "X-Alpha", "l"])
        #expect(message.text == text)
        #expect(message.headers.lines(.via) == ["SIP/2.0/UDP a.example.com;branch=z9hG4bK1", "SIP/2.0/TCP b.example.com;branch=z9hG4bK2"])
        #expect(try message.vias().map(\.host) == ["a.example.com", "b.example.com"])

        // Edits keep everyone else's place and spelling.
        var edited = message
        edited.headers.prepend(.via, "SIP/2.0/UDP proxy.example.com;branch=z9hG4bK0")
        #expect(edited.headers.all.map(\.name) == ["Via", "v", "VIA", "t", "f", "X-Zeta", "i", "cSeQ", "max-forwards", "X-Alpha", "l"])
        edited.headers.set(.maxForwards, "69")
        #expect(edited.headers.all.map(\.name) == ["Via", "v", "VIA", "t", "f", "X-Zeta", "i", "cSeQ", "Max-Forwards", "X-Alpha", "l"])
        #expect(try edited.maxForwards() == 69)
        edited.headers.removeFirst(.via)
        #expect(edited.headers.all.map(\.name).prefix(3) == ["v", "VIA", "t"])
        edited.headers.remove(.via)
        #expect(!edited.headers.contains(.via))
        #expect(edited.headers.all.map(\.name) == ["t", "f", "X-Zeta", "i", "cSeQ", "Max-Forwards", "X-Alpha", "l"])
        let reparsed = try parsed(edited.text)
        #expect(reparsed == edited)
    }

    @Test("a value with CR or LF appended cannot create a header line", arguments: [
        "hi\r\nVia: SIP/2.0/UDP evil.example.com;branch=z9hG4bKevil",
        "hi\nVia: SIP/2.0/UDP evil.example.com;branch=z9hG4bKevil",
        "hi\rVia: SIP/2.0/UDP evil.example.com;branch=z9hG4bKevil",
        "hi\r\n\r\nINVITE sip:evil@example.com SIP/2.0",
        "\r\nVia: SIP/2.0/UDP evil.example.com;branch=z9hG4bKevil\r\n",
    ])
    func valueInjection(_ value: String) throws {
        let base = try parsed(request([]))
        for operation in 0..<4 {
            var message = base
            switch operation {
            case 0: message.headers.append("Subject", value)
            case 1: message.headers.append(.subject, value)
            case 2: message.headers.set(.subject, value)
            default: message.headers.prepend(.subject, value)
            }
            let bytes = message.serialized()
            let reparsed = try SIPParser().parse(bytes, framing: .stream)
            #expect(reparsed.headers.count == base.headers.count + 1, "operation \(operation)")
            #expect(reparsed.headers.count(.via) == 1, "operation \(operation)")
            #expect(try reparsed.vias().map(\.host) == ["pc33.atlanta.com"])
            #expect(reparsed.method == .invite)
            let subject = try #require(reparsed.headers.first(.subject))
            #expect(!subject.contains("\r") && !subject.contains("\n"))
            #expect(subject.contains("hi") || subject.contains("Via"))
        }
    }

    @Test("a header name with CR/LF cannot create a header line either")
    func nameInjection() throws {
        var message = try parsed(request([]))
        message.headers.append("X-A: 1\r\nVia", "SIP/2.0/UDP evil.example.com;branch=z9hG4bKevil")
        switch parseResult(message.serialized(), framing: .stream) {
        case .failure: break  // refusing the result is safe too
        case .success(let reparsed):
            #expect(reparsed.headers.count(.via) == 1)
            #expect(try reparsed.vias().map(\.host) == ["pc33.atlanta.com"])
        }
    }

    @Test("a reason phrase with CR/LF stays on the status line")
    func reasonInjection() throws {
        let response = SIPMessage.response(status: 200, reason: "OK\r\nVia: SIP/2.0/UDP evil.example.com", headers: SIPHeaders([("Content-Length", "0")]))
        let reparsed = try SIPParser().parse(response.serialized(), framing: .stream)
        #expect(reparsed.statusCode == 200)
        #expect(!reparsed.headers.contains(.via))
        #expect(reparsed.headers.count == 1)
    }

    @Test("URIs cannot carry CR/LF into a start line")
    func uriInjection() {
        #expect(isMalformedURI(thrownError { try URI("sip:bob@biloxi.com\r\nVia: SIP/2.0/UDP evil") }))
        #expect(isMalformedURI(thrownError { try URI("sip:bob@biloxi.com SIP/2.0") }))
        #expect(isMalformedURI(thrownError { try URI("http://example.com/\r\n") }))
    }
}

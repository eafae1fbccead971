import Foundation
import Testing
@testable import SIPMessage

/// Every frame the framer can give now.
private func drain(_ framer: inout SIPStreamFramer) throws -> [SIPStreamFramer.Frame] {
    var frames: [SIPStreamFramer.Frame] = []
    while let frame = try framer.next() {
        frames.append(frame)
        if frames.count > 10_000 { Issue.record("framer does not stop"); break }
    }
    return frames
}

/// A small OPTIONS request with a body, Content-Length exact.
private func streamMessage(_ n: Int, body: String = "", lengthHeader: String = "Content-Length") -> [UInt8] {
    crlf(
        "OPTIONS sip:bob@biloxi.com SIP/2.0",
        "Via: SIP/2.0/TCP pc33.atlanta.com;branch=z9hG4bK\(n)",
        "Max-Forwards: 70",
        "To: <sip:bob@biloxi.com>",
        "From: <sip:alice@atlanta.com>;tag=\(n)",
        "Call-ID: \(n)@atlanta.com",
        "CSeq: \(n) OPTIONS",
        "\(lengthHeader): \(body.utf8.count)",
        ""
    ).bytes + body.bytes
}

@Suite("Datagram framing (RFC 3261 §18.3)")
struct DatagramFramingTests {
    @Test("Content-Length larger than the datagram: contentLengthMismatch, 400")
    func tooShort() {
        let bytes = request([], body: "hello").bytes.replacingFirst("Content-Length: 5", with: "Content-Length: 10")
        let error = thrownError { try SIPParser().parse(bytes, framing: .datagram) }
        #expect(error == .contentLengthMismatch(declared: 10, available: 5))
        #expect(error?.suggestedStatus == 400)
    }

    @Test("octets past Content-Length are discarded")
    func extraDiscarded() throws {
        let bytes = request([], body: "hello").bytes + " world\r\n\r\nINVITE sip:x@y SIP/2.0\r\n\r\n".bytes
        let m = try SIPParser().parse(bytes, framing: .datagram)
        #expect(m.body == "hello".bytes)
        try m.validate()
        #expect(m.serialized() == request([], body: "hello").bytes)
    }

    @Test("no Content-Length: the body runs to the end of the datagram")
    func noLength() throws {
        let text = crlf(
            "MESSAGE sip:bob@biloxi.com SIP/2.0",
            "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK1",
            "To: <sip:bob@biloxi.com>",
            "From: <sip:alice@atlanta.com>;tag=1",
            "Call-ID: 1@atlanta.com",
            "CSeq: 1 MESSAGE",
            "Content-Type: text/plain",
            ""
        ) + "line one\r\n\r\nline three after an empty line\r\n"
        let m = try SIPParser().parse(text, framing: .datagram)
        #expect(m.body == "line one\r\n\r\nline three after an empty line\r\n".bytes)
        #expect(try m.contentLength() == nil)
        try m.validate()
        // …and nothing at all after the empty line is an empty body.
        let empty = try SIPParser().parse(text.components(separatedBy: "line one")[0], framing: .datagram)
        #expect(empty.body.isEmpty)
    }

    @Test("Content-Length 0 with trailing CRLF: empty body")
    func zeroWithTrailing() throws {
        let m = try SIPParser().parse(request([]) + "\r\n\r\n", framing: .datagram)
        #expect(m.body.isEmpty)
        try m.validate()
    }

    @Test("empty lines before the start line are ignored (RFC 3261 §7.5)")
    func leadingEmptyLines() throws {
        let m = try SIPParser().parse("\r\n\r\n" + request([]), framing: .datagram)
        #expect(m.method == .invite)
        try m.validate()
    }

    @Test("stream framing of a single message: Content-Length mandatory and exact")
    func streamFramingParse() {
        let exact = request([], body: "hello")
        #expect(parseResult(exact.bytes, framing: .stream).map(\.body) == .success("hello".bytes))
        #expect(parseResult((exact + "xx").bytes, framing: .stream) == .failure(.contentLengthMismatch(declared: 5, available: 7)))
        let noLength = exact.replacingOccurrences(of: "Content-Length: 5\r\n", with: "")
        #expect(parseResult(noLength.bytes, framing: .stream) == .failure(.missingContentLength))
        #expect(parseResult(noLength.bytes, framing: .datagram).map(\.body) == .success("hello".bytes))
    }

    @Test("headers without the terminating empty line: incompleteHeaders")
    func incomplete() {
        let truncated = crlf("OPTIONS sip:bob@biloxi.com SIP/2.0", "Via: SIP/2.0/UDP h;branch=z9hG4bK1", "Content-Length: 0")
        #expect(parseResult(truncated.bytes) == .failure(.incompleteHeaders))
        #expect(parseResult([]) == .failure(.incompleteHeaders))
        #expect(parseResult("OPTIONS sip:bob@biloxi.com SIP/2.0".bytes) == .failure(.incompleteHeaders))
    }
}

@Suite("Start line and line structure (RFC 3261 §7.1, §7.2, §7.3.1, §25.1)")
struct LineStructureTests {
    @Test("SIP-Version is case-insensitive; other versions are 505")
    func versions() throws {
        let lower = try parsed(request([]).replacingOccurrences(of: "INVITE sip:bob@biloxi.com SIP/2.0", with: "INVITE sip:bob@biloxi.com sip/2.0"))
        #expect(lower.version == "sip/2.0")
        try lower.validate()
        for version in ["SIP/3.0", "SIP/1.0", "SIP/2.1", "SIP/20.0"] {
            let m = try parsed(request([]).replacingOccurrences(of: "SIP/2.0\r\nVia", with: "\(version)\r\nVia"))
            #expect(thrownError { try m.validate() } == .unsupportedVersion(version))
            #expect(thrownError { try m.validate() }?.suggestedStatus == 505)
        }
        for line in ["INVITE sip:bob@biloxi.com HTTP/1.1", "INVITE sip:bob@biloxi.com SIP/", "INVITE sip:bob@biloxi.com SIP/2.", "INVITE sip:bob@biloxi.com"] {
            let text = request([]).replacingOccurrences(of: "INVITE sip:bob@biloxi.com SIP/2.0", with: line)
            #expect(isBadStartLine(thrownError { try parsed(text) }), "\(line)")
        }
    }

    @Test("methods are case-sensitive tokens")
    func methods() throws {
        let lower = try parsed(request([], method: "invite"))
        #expect(lower.method == .other("invite"))
        #expect(lower.method != .invite)
        try lower.validate()  // CSeq says "invite" too
        for method in ["PRACK", "SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO", "REFER", "MESSAGE", "UPDATE", "OPTIONS", "BYE", "CANCEL", "ACK", "REGISTER"] {
            let m = try parsed(request([], method: method))
            #expect(m.method?.name == method)
            #expect(m.method == SIPMethod(method))
            try m.validate()
        }
        #expect(isBadStartLine(thrownError { try parsed(request([], method: "IN VITE")) }))
        #expect(isBadStartLine(thrownError { try parsed(request([], method: "IN\"VITE")) }))
    }

    @Test("status lines")
    func statusLines() throws {
        for (line, code, reason) in [("SIP/2.0 200 OK", 200, "OK"), ("SIP/2.0 100 ", 100, ""), ("SIP/2.0 699 Whatever it is", 699, "Whatever it is"),
                                     ("SIP/2.0 183 Session Progress", 183, "Session Progress"), ("SIP/2.0 404 Not\tFound", 404, "Not\tFound")] {
            let m = try parsed(crlf(line, "Content-Length: 0", ""))
            #expect(m.statusCode == code && m.reasonPhrase == reason, "\(line)")
            #expect(!m.isRequest && m.method == nil)
        }
        for line in ["SIP/2.0 20 OK", "SIP/2.0 2000 OK", "SIP/2.0 OK", "SIP/2.0 099 Low", "SIP/2.0 700 High", "SIP/2.0  200 OK"] {
            #expect(isBadStartLine(thrownError { try parsed(crlf(line, "Content-Length: 0", "")) }), "\(line)")
        }
    }

    @Test("a bare CR is not a line end and not content: the message is rejected", arguments: [
        "SIP/2.0 200 OK\rVia: SIP/2.0/UDP evil.example.com\r\nContent-Length: 0\r\n\r\n",
        "SIP/2.0 200 O\rK\r\nContent-Length: 0\r\n\r\n",
        "OPTIONS sip:bob@biloxi.com SIP/2.0\r\nSubject: hi\rVia: SIP/2.0/UDP evil.example.com\r\nContent-Length: 0\r\n\r\n",
        "OPTIONS sip:bob@biloxi.com SIP/2.0\r\nX-Custom: a\rb\r\nContent-Length: 0\r\n\r\n",
    ])
    func bareCR(_ text: String) {
        // RFC 3261 §7: lines end in CRLF; no production of §25.1 admits a CR elsewhere in the
        // start line or a header. Keeping it lets the next hop see a different message.
        let error = thrownError { try SIPParser().parse(text) }
        #expect(error != nil, "accepted: \(text.debugDescription)")
        #expect(error?.suggestedStatus == 400)
    }

    @Test("a continuation line before any header, a header without a name or colon")
    func badHeaderLines() {
        for text in [
            crlf("OPTIONS sip:bob@biloxi.com SIP/2.0", " folded", "Content-Length: 0", ""),
            crlf("OPTIONS sip:bob@biloxi.com SIP/2.0", ": value", "Content-Length: 0", ""),
            crlf("OPTIONS sip:bob@biloxi.com SIP/2.0", "No Colon", "Content-Length: 0", ""),
            crlf("OPTIONS sip:bob@biloxi.com SIP/2.0", "Bad(Name): x", "Content-Length: 0", ""),
        ] {
            let error = thrownError { try SIPParser().parse(text) }
            if case .badHeaderLine? = error {} else { Issue.record("\(text.debugDescription): \(String(describing: error))") }
        }
    }
}

@Suite("Stream framing (SIPStreamFramer, RFC 3261 §18.3, RFC 5626 §4.4.1)")
struct StreamFramingTests {
    @Test("several messages in one chunk")
    func severalInOneChunk() throws {
        let one = streamMessage(1), two = streamMessage(2, body: "v=0\r\n"), three = streamMessage(3, body: "x")
        var framer = SIPStreamFramer()
        framer.append(one + two + three)
        #expect(try drain(&framer) == [.message(one), .message(two), .message(three)])
        #expect(framer.bufferedCount == 0)
        #expect(try framer.next() == nil)
        for frame in [one, two, three] {
            let m = try SIPParser().parse(frame, framing: .stream)
            try m.validate()
        }
    }

    @Test("a message split byte by byte across appends")
    func byteByByte() throws {
        let one = streamMessage(1, body: "hello"), two = streamMessage(2, body: "a\r\n\r\nb")
        let stream = one + "\r\n\r\n".bytes + two
        var framer = SIPStreamFramer()
        var frames: [SIPStreamFramer.Frame] = []
        for byte in stream {
            framer.append([byte])
            frames += try drain(&framer)
        }
        #expect(frames == [.message(one), .keepAlivePing, .message(two)])
        #expect(framer.bufferedCount == 0)
    }

    @Test("chunks of every size from 1 to 64 give the same frames", arguments: [1, 2, 3, 5, 7, 13, 31, 64])
    func chunkSizes(_ size: Int) throws {
        let messages = (1...5).map { streamMessage($0, body: String(repeating: "b", count: $0 * 11)) }
        let stream = messages.joined(separator: "\r\n".bytes).map { $0 }
        var framer = SIPStreamFramer()
        var frames: [SIPStreamFramer.Frame] = []
        var index = 0
        while index < stream.count {
            framer.append(stream[index..<min(index + size, stream.count)])
            frames += try drain(&framer)
            index += size
        }
        let expected: [SIPStreamFramer.Frame] = messages.enumerated().flatMap { offset, bytes in
            offset == 0 ? [.message(bytes)] : [.keepAlivePong, .message(bytes)]
        }
        #expect(frames == expected)
    }

    @Test("CRLFCRLF is a ping")
    func ping() throws {
        var framer = SIPStreamFramer()
        framer.append("\r\n\r\n".bytes)
        #expect(try framer.next() == .keepAlivePing)
        #expect(try framer.next() == nil)
        #expect(framer.bufferedCount == 0)
        framer.append("\r\n\r\n\r\n\r\n".bytes)
        #expect(try drain(&framer) == [.keepAlivePing, .keepAlivePing])
    }

    @Test("a lone CRLF is a pong once more bytes arrive, or when flushed")
    func pong() throws {
        var framer = SIPStreamFramer()
        framer.append("\r\n".bytes)
        #expect(try framer.next() == nil)  // could still become a ping
        #expect(framer.flushPendingKeepAlive() == .keepAlivePong)
        #expect(framer.bufferedCount == 0)
        #expect(framer.flushPendingKeepAlive() == nil)

        let message = streamMessage(1)
        framer.append("\r\n".bytes)
        framer.append(message)
        #expect(try drain(&framer) == [.keepAlivePong, .message(message)])

        framer.append("\r\n\r\n\r\n".bytes)
        #expect(try framer.next() == .keepAlivePing)
        #expect(try framer.next() == nil)
        #expect(framer.flushPendingKeepAlive() == .keepAlivePong)

        framer.append("\r".bytes)
        #expect(try framer.next() == nil)
        #expect(framer.flushPendingKeepAlive() == nil)  // half a CRLF is not a pong yet
        framer.append("\n".bytes)
        #expect(framer.flushPendingKeepAlive() == .keepAlivePong)
    }

    @Test("flushPendingKeepAlive does not eat message bytes")
    func flushLeavesMessages() throws {
        var framer = SIPStreamFramer()
        let message = streamMessage(7)
        framer.append(message.prefix(20))
        #expect(framer.flushPendingKeepAlive() == nil)
        framer.append(message.dropFirst(20))
        #expect(try drain(&framer) == [.message(message)])
    }

    @Test("missing Content-Length on a stream is an error")
    func missingLength() {
        let bytes = crlf("OPTIONS sip:bob@biloxi.com SIP/2.0", "Via: SIP/2.0/TCP h;branch=z9hG4bK1", "CSeq: 1 OPTIONS", "").bytes
        var framer = SIPStreamFramer()
        framer.append(bytes)
        #expect(thrownError { try framer.next() } == .missingContentLength)
    }

    @Test("malformed or conflicting Content-Length on a stream is an error")
    func badLength() {
        for (value, check) in [("-1", "bad"), ("abc", "bad"), ("99999999999999999999999", "bad")] {
            var framer = SIPStreamFramer()
            framer.append(crlf("OPTIONS sip:b@c.d SIP/2.0", "Content-Length: \(value)", "").bytes)
            #expect(thrownError { try framer.next() } != nil, "\(value) \(check)")
        }
        var framer = SIPStreamFramer()
        framer.append(crlf("OPTIONS sip:b@c.d SIP/2.0", "Content-Length: 1", "l: 2", "").bytes + "xx".bytes)
        #expect(thrownError { try framer.next() } == .duplicateHeader("Content-Length"))
    }

    @Test("too large: declared body or unterminated headers beyond the limit → messageTooLarge")
    func tooLarge() throws {
        let limits = SIPParser.Limits(maxMessageSize: 512)
        var framer = SIPStreamFramer(limits: limits)
        framer.append(crlf("OPTIONS sip:b@c.d SIP/2.0", "Content-Length: 1000", "").bytes)
        // A well-formed Content-Length beyond what the server accepts: the message is too large (513,
        // RFC 3261 §21.5), not malformed (400).
        let error = thrownError { try framer.next() }
        #expect(error == .messageTooLarge(limit: 512))
        #expect(error?.suggestedStatus == 513)

        var endless = SIPStreamFramer(limits: limits)
        endless.append("OPTIONS sip:b@c.d SIP/2.0\r\n".bytes)
        var thrown: SIPParseError? = nil
        for i in 0..<100 where thrown == nil {
            endless.append("X-Filler-\(i): \(String(repeating: "f", count: 20))\r\n".bytes)
            thrown = thrownError { try endless.next() }
        }
        #expect(thrown == .messageTooLarge(limit: 512))
        #expect(thrown?.suggestedStatus == 513)

        // Just under the limit is fine.
        var fits = SIPStreamFramer(limits: SIPParser.Limits(maxMessageSize: streamMessage(1).count))
        fits.append(streamMessage(1))
        #expect(try fits.next() == .message(streamMessage(1)))
    }

    @Test("a body holding CRLFCRLF is framed by Content-Length")
    func bodyWithEmptyLines() throws {
        let body = "first\r\n\r\nINVITE sip:evil@example.com SIP/2.0\r\nContent-Length: 0\r\n\r\n"
        let one = streamMessage(1, body: body), two = streamMessage(2)
        var framer = SIPStreamFramer()
        framer.append(one + two)
        #expect(try drain(&framer) == [.message(one), .message(two)])
        let m = try SIPParser().parse(one, framing: .stream)
        #expect(m.body == body.bytes)
    }

    @Test("compact and oddly spelled Content-Length", arguments: ["l", "L", "content-length", "CONTENT-LENGTH", "Content-Length ", "l  "])
    func compactLength(_ name: String) throws {
        let message = streamMessage(1, body: "hello", lengthHeader: name)
        var framer = SIPStreamFramer()
        framer.append(message + streamMessage(2))
        #expect(try drain(&framer) == [.message(message), .message(streamMessage(2))])
        #expect(try SIPParser().parse(message, framing: .stream).body == "hello".bytes)
    }

    @Test("a folded Content-Length is still a Content-Length (RFC 3261 §7.3.1: HCOLON allows LWS)")
    func foldedLength() throws {
        let head = crlf("OPTIONS sip:b@c.d SIP/2.0", "Content-Length:", " 5", "").bytes
        let message = head + "hello".bytes
        #expect(parseResult(message, framing: .stream).map(\.body) == .success("hello".bytes))
        var framer = SIPStreamFramer()
        framer.append(message + streamMessage(2))
        #expect(attempt { try drain(&framer) } == .success([.message(message), .message(streamMessage(2))]))
    }

    @Test("the fixtures with an exact Content-Length, as one stream in odd chunks")
    func fixturesAsStream() throws {
        var messages: [[UInt8]] = []
        for fixture in Fixture.all {
            guard case .success(let m) = parseResult(fixture.bytes), let length = try? m.contentLength(),
                  length == m.body.count, fixture.bytes.headerSectionEnd.map({ $0 + length }) == fixture.bytes.count
            else { continue }
            messages.append(fixture.bytes)
        }
        #expect(messages.count >= 40)
        let stream = Array(messages.joined())
        var framer = SIPStreamFramer()
        var frames: [SIPStreamFramer.Frame] = []
        var index = 0, step = 1
        while index < stream.count {
            framer.append(stream[index..<min(index + step, stream.count)])
            frames += try drain(&framer)
            index += step
            step = step % 97 + 13
        }
        #expect(frames == messages.map { .message($0) })
        for case .message(let bytes) in frames {
            #expect(try SIPParser().parse(bytes, framing: .stream) == SIPParser().parse(bytes, framing: .datagram))
        }
    }
}

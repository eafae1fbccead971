import Foundation
import Testing
@testable import SIPMessage
import TestSupport

// MARK: - Limits

@Suite("Parser limits")
struct LimitTests {
    /// A request with `count` header lines in all (Content-Length included).
    static func requestWithHeaders(_ count: Int) -> String {
        let extra = max(0, count - 7)
        return request((0..<extra).map { "X-Filler-\($0): \($0)" })
    }

    @Test("more header lines than maxHeaderCount → tooManyHeaders")
    func headerCount() throws {
        let limits = SIPParser.Limits(maxHeaderCount: 20)
        #expect(try SIPParser(limits: limits).parse(Self.requestWithHeaders(20)).headers.count == 20)
        let error = thrownError { try SIPParser(limits: limits).parse(Self.requestWithHeaders(21)) }
        #expect(error == .tooManyHeaders(limit: 20))
        #expect(error?.suggestedStatus == 400)
        // Continuation lines are not header lines.
        let folded = request(["Subject: a", " b", " c"])
        #expect(try SIPParser(limits: SIPParser.Limits(maxHeaderCount: 8)).parse(folded).headers.count == 8)
        // The default limit.
        #expect(SIPParser.Limits.default.maxHeaderCount == 256)
        #expect(try SIPParser().parse(Self.requestWithHeaders(256)).headers.count == 256)
        #expect(thrownError { try SIPParser().parse(Self.requestWithHeaders(257)) } == .tooManyHeaders(limit: 256))
    }

    @Test("header records beyond the parser's scratch space, folded, then edited")
    func manyHeadersAndEdits() throws {
        // More lines than the reader keeps on the stack (48): the records spill and are copied.
        var message = try SIPParser().parse(Self.requestWithHeaders(100))
        #expect(message.headers.count == 100)
        #expect(message.headers["X-Filler-92"] == "92")
        #expect(try message.topVia().branch != nil)
        #expect(try SIPParser().parse(message.serialized()) == message)
        // A fold in the last line before the spill point and after it.
        let folded = request((0..<60).map { "X-Filler-\($0): \($0)" } + ["Subject: a", " b"])
        #expect(try SIPParser().parse(folded).headers["Subject"] == "a   b")
        // Edits move the records into the message's own list; the original stays as parsed.
        let original = message
        message.headers.append("X-Added", "yes")
        message.headers.remove(HeaderName("X-Filler-3"))
        message.headers.set(.maxForwards, "69")
        #expect(message.headers.count == 100)
        #expect(message.headers["X-Added"] == "yes" && message.headers["X-Filler-3"] == nil)
        #expect(try message.maxForwards() == 69)
        #expect(original.headers.count == 100 && original.headers["X-Filler-3"] == "3")
        #expect(try original.maxForwards() == 70)
    }

    @Test("a line longer than maxLineLength → lineTooLong")
    func lineLength() throws {
        let limits = SIPParser.Limits(maxLineLength: 100)
        let fits = request(["Subject: " + String(repeating: "a", count: 91)])  // 100 octets
        #expect(try SIPParser(limits: limits).parse(fits).headers.first(.subject)?.count == 91)
        let long = request(["Subject: " + String(repeating: "a", count: 92)])
        #expect(thrownError { try SIPParser(limits: limits).parse(long) } == .lineTooLong(limit: 100))
        // The start line counts.
        let longURI = request([], uri: "sip:" + String(repeating: "u", count: 100) + "@biloxi.com")
        #expect(thrownError { try SIPParser(limits: limits).parse(longURI) } == .lineTooLong(limit: 100))
        // So does an unfolded value made of short lines.
        let folded = request(["Subject: " + String(repeating: "b", count: 40)] + Array(repeating: " " + String(repeating: "c", count: 40), count: 3))
        #expect(thrownError { try SIPParser(limits: limits).parse(folded) } == .lineTooLong(limit: 100))
        #expect(thrownError { try SIPParser(limits: limits).parse(folded) }?.suggestedStatus == 400)
        // Body lines do not count.
        let body = request([], body: String(repeating: "x", count: 500))
        #expect(try SIPParser(limits: limits).parse(body).body.count == 500)
    }

    @Test("a message larger than maxMessageSize → messageTooLarge (513)")
    func messageSize() throws {
        let limits = SIPParser.Limits(maxMessageSize: 400)
        let small = request([])
        #expect(small.utf8.count < 400)
        #expect(try SIPParser(limits: limits).parse(small).method == .invite)
        let large = request([], body: String(repeating: "x", count: 400))
        let error = thrownError { try SIPParser(limits: limits).parse(large) }
        #expect(error == .messageTooLarge(limit: 400))
        #expect(error?.suggestedStatus == 513)
        #expect(error?.reasonPhrase.hasPrefix("Message Too Large") == true)
        #expect(thrownError { try SIPParser(limits: limits).parse(Array(large.utf8)) } == .messageTooLarge(limit: 400))
        #expect(thrownError { try Array(large.utf8).withUnsafeBytes { raw in try SIPParser(limits: limits).parse(raw) } } == .messageTooLarge(limit: 400))
        // Exactly at the limit is not too large (here: a truncated body instead).
        let atLimit = Array(large.utf8.prefix(400))
        let truncated = thrownError { try SIPParser(limits: limits).parse(atLimit) }
        #expect(truncated != nil && truncated != .messageTooLarge(limit: 400))
        // The default: 65,535 octets.
        #expect(SIPParser.Limits.default.maxMessageSize == 65_535)
        let huge = request([], body: String(repeating: "z", count: 65_535))
        #expect(thrownError { try SIPParser().parse(huge) } == .messageTooLarge(limit: 65_535))
    }

    @Test("parse errors carry a printable reason phrase")
    func reasonPhrases() {
        let errors: [SIPParseError] = [
            .messageTooLarge(limit: 1), .tooManyHeaders(limit: 1), .lineTooLong(limit: 1), .incompleteHeaders,
            .badStartLine("x"), .unsupportedVersion("SIP/3.0"), .badHeaderLine("\r\n\u{00}é"), .badHeaderValue(header: "Via", reason: "x"),
            .missingHeader("To"), .duplicateHeader("To"), .cseqMethodMismatch(cseq: "A", request: "B"), .malformedURI("x"),
            .unsupportedURIScheme("foo"), .contentLengthMismatch(declared: 1, available: 0), .missingContentLength,
        ]
        for error in errors {
            #expect(!error.description.isEmpty)
            #expect(error.reasonPhrase.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }, "\(error)")
            #expect([400, 416, 505, 513].contains(error.suggestedStatus))
        }
        #expect(SIPParseError.unsupportedURIScheme("foo").suggestedStatus == 416)
        #expect(SIPParseError.unsupportedVersion("SIP/3.0").suggestedStatus == 505)
        #expect(SIPParseError.missingHeader("To").suggestedStatus == 400)
    }
}

// MARK: - Pathological inputs

@Suite("Pathological inputs: errors, not crashes or stalls")
struct PathologicalInputTests {
    static let cases: [(String, String)] = [
        ("5,000 semicolons in a Via", request(["Via: SIP/2.0/UDP h" + String(repeating: ";x", count: 5_000)])),
        ("400 Via values in one line", request(["Via: " + Array(repeating: "SIP/2.0/UDP h;branch=z9hG4bK1", count: 400).joined(separator: ",")])),
        ("1,000 contacts", request(["Contact: " + Array(repeating: "<sip:a@b>", count: 1_000).joined(separator: ",")])),
        ("2,000 Allow tokens", request(["Allow: " + Array(repeating: "INVITE", count: 2_000).joined(separator: ",")])),
        ("unterminated quoted display name, 40 KB", request(["Contact: \"" + String(repeating: "q", count: 40_000)])),
        ("40 KB of <", request(["Contact: " + String(repeating: "<", count: 40_000)])),
        ("40 KB of %", request([], uri: "sip:" + String(repeating: "%", count: 10_000) + "@h")),
        ("digits everywhere", request(["Expires: " + String(repeating: "9", count: 5_000)])
            .replacingOccurrences(of: "Max-Forwards: 70", with: "Max-Forwards: " + String(repeating: "9", count: 5_000))
            .replacingOccurrences(of: "CSeq: 314159", with: "CSeq: " + String(repeating: "9", count: 5_000))),
        ("huge Content-Length", request([]).replacingOccurrences(of: "Content-Length: 0", with: "Content-Length: " + String(repeating: "9", count: 3_000))),
        ("huge port", request([], uri: "sip:bob@biloxi.com:" + String(repeating: "9", count: 3_000))),
        ("5,000 folded lines", request(["Subject: a"] + Array(repeating: " b", count: 5_000))),
        ("1,500 auth params", request(["Authorization: Digest " + Array(repeating: "a=\"b,c\"", count: 1_500).joined(separator: ", ")])),
        ("deep IPv6", request([], uri: "sip:[" + String(repeating: ":", count: 10_000) + "]")),
        ("only CRLFs", String(repeating: "\r\n", count: 20_000)),
        ("NULs", String(repeating: "\u{0}", count: 20_000)),
    ]

    @Test("each finishes quickly and every accessor answers", arguments: 0..<cases.count)
    func pathological(_ index: Int) {
        let (name, text) = Self.cases[index]
        let bytes = Array(text.utf8)
        let elapsed = Robustness.minimumDuration { Robustness.exercise(bytes) }
        #expect(elapsed < .milliseconds(200), "\(name): \(elapsed)")
    }

    @Test("list decoders stop at a bounded number of values")
    func bounded() throws {
        let many = try parsed(PathologicalInputTests.cases[1].1)
        #expect(isBadHeaderValue(thrownError { try many.vias() }, "Via"))
        let contacts = try parsed(PathologicalInputTests.cases[2].1)
        #expect(isBadHeaderValue(thrownError { try contacts.contact() }, "Contact"))
        let semicolons = try parsed(PathologicalInputTests.cases[0].1)
        #expect(isBadHeaderValue(thrownError { try semicolons.vias() }, "Via"))
        let digits = try parsed(PathologicalInputTests.cases[7].1)
        #expect(isBadHeaderValue(thrownError { try digits.cseq() }, "CSeq"))
        #expect(isBadHeaderValue(thrownError { try digits.maxForwards() }, "Max-Forwards"))
        #expect(try digits.expires() == UInt32.max || isBadHeaderValue(thrownError { try digits.expires() }, "Expires"))
        #expect(isBadHeaderValue(thrownError { try parsed(PathologicalInputTests.cases[8].1) }, "Content-Length"))
        #expect(isMalformedURI(thrownError { try parsed(PathologicalInputTests.cases[9].1) }))
    }
}

// MARK: - Seeded mutation test

/// What the robustness checks found (a few examples per property).
struct RobustnessReport {
    var parsed = 0, rejected = 0, frames = 0
    var slowest: Duration = .zero
    var slowInputs: [String] = []
    var reparseFailures: [String] = []
    var roundTripMismatches: [String] = []
    var notFixedPoint: [String] = []
    var irreflexiveURIs: [String] = []
    var unparseableResponses: [String] = []

    static func show(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix(400), as: UTF8.self).debugDescription
    }
}

enum Robustness {
    /// The shortest of up to three runs of `body` (one run when it is fast): a measure of the
    /// work done, not of how busy the machine is.
    static func minimumDuration(_ body: () -> Void) -> Duration {
        let clock = ContinuousClock()
        var best = clock.measure(body)
        var runs = 1
        while best > .milliseconds(20), runs < 3 {
            best = min(best, clock.measure(body))
            runs += 1
        }
        return best
    }

    /// Parses `bytes` as a datagram and through the stream framer and uses every accessor;
    /// records properties that fail in `report`.
    static func exercise(_ bytes: [UInt8], report: inout RobustnessReport) {
        switch parseResult(bytes) {
        case .failure:
            report.rejected += 1
        case .success(let message):
            report.parsed += 1
            touch(message, report: &report)
            let once = message.serialized()
            switch parseResult(once) {
            case .failure(let error):
                if report.reparseFailures.count < 5 { report.reparseFailures.append("\(error): \(RobustnessReport.show(bytes))") }
            case .success(let again):
                if again != message, report.roundTripMismatches.count < 5 {
                    report.roundTripMismatches.append(RobustnessReport.show(bytes))
                }
                if again.serialized() != once, report.notFixedPoint.count < 5 { report.notFixedPoint.append(RobustnessReport.show(bytes)) }
            }
            if message.isRequest, (try? message.validate()) != nil {
                let response = SIPMessage.response(to: message, status: 200, toTag: "t")
                let ok = (try? SIPParser().parse(response.serialized(), framing: .stream).validate()) != nil
                if !ok, report.unparseableResponses.count < 5 { report.unparseableResponses.append(RobustnessReport.show(bytes)) }
            }
        }
        // The same bytes on a stream, in two pieces.
        var framer = SIPStreamFramer()
        let cut = bytes.count / 3
        framer.append(bytes[..<cut])
        var steps = 0
        loop: while steps < 1_000 {
            steps += 1
            switch attempt({ try framer.next() }) {
            case .failure, .success(nil):
                if cut < bytes.count, steps < 3 {
                    framer.append(bytes[cut...])
                    continue loop
                }
                break loop
            case .success(.message(let frame)?):
                report.frames += 1
                if case .success(let message) = parseResult(frame, framing: .stream) { touch(message, report: &report) }
            case .success(_?):
                continue loop
            }
        }
        _ = framer.flushPendingKeepAlive()
    }

    static func exercise(_ bytes: [UInt8]) {
        var report = RobustnessReport()
        exercise(bytes, report: &report)
    }

    /// Calls every typed accessor and reads what they return.
    static func touch(_ m: SIPMessage, report: inout RobustnessReport) {
        _ = try? m.validate()
        _ = m.headers.all
        _ = m.text
        for header in m.headers.all.prefix(64) { _ = m.headers.values(HeaderName(header.name)) }
        if let vias = try? m.vias() {
            for via in vias { _ = (via.branch, via.received, via.rport, via.maddr, via.ttl, via.sentBy, via.hasRFC3261Branch, via.parameters.all) }
        }
        _ = try? m.topVia()
        var addresses: [NameAddress] = []
        if let from = try? m.from() { addresses.append(from) }
        if let to = try? m.to() { addresses.append(to) }
        if case .addresses(let list)? = try? m.contact() { addresses += list }
        addresses += (try? m.routes()) ?? []
        addresses += (try? m.recordRoutes()) ?? []
        if let referTo = try? m.referTo() { addresses.append(referTo) }
        if let referredBy = try? m.referredBy() { addresses.append(referredBy) }
        var uris: [URI] = addresses.map(\.uri)
        if let uri = m.requestURI { uris.append(uri) }
        for address in addresses { _ = (address.displayName, address.tag, address.q, address.expires, address.parameters.all, address.description) }
        for uri in uris {
            if !uri.isEquivalent(to: uri), report.irreflexiveURIs.count < 5 { report.irreflexiveURIs.append(uri.description.debugDescription) }
            if let sip = uri.sipURI { _ = (sip.user, sip.unescapedUser, sip.password, sip.host, sip.bareHost, sip.port, sip.parameters.all, sip.headers.all, sip.transport) }
        }
        _ = try? m.callID()
        _ = try? m.cseq()
        _ = try? m.maxForwards()
        _ = try? m.contentLength()
        _ = try? m.expires()
        _ = (try? m.contentType())?.parameters.all
        _ = try? m.accept()
        _ = try? m.allow()
        _ = try? m.supported()
        _ = try? m.require()
        _ = try? m.proxyRequire()
        _ = try? m.unsupported()
        for credentials in [try? m.authorization(), try? m.proxyAuthorization(), try? m.wwwAuthenticate(), try? m.proxyAuthenticate()] {
            for value in credentials ?? [] { _ = (value.value("nonce"), value.description) }
        }
        if let replaces = try? m.replaces() { _ = (replaces.toTag, replaces.fromTag, replaces.earlyOnly) }
        _ = (try? m.event())?.id
        if let state = try? m.subscriptionState() { _ = (state.expires, state.reason, state.retryAfter) }
        _ = ((try? m.callInfo()) ?? []).map { ($0.purpose, $0.uri.description) }
        _ = ((try? m.reason()) ?? []).map { ($0.cause, $0.text) }
    }
}

@Suite("Seeded mutation test (robustness, not a benchmark)")
struct MutationTests {
    static let seed: UInt64 = 0x5EED_51B0_A4D5_2024
    static let inputs = 20_000

    @Test("≥ 20,000 mutations of the fixtures: no crash, bounded time, round trips hold")
    func mutations() {
        let corpus = Fixture.all.map(\.bytes)
        #expect(corpus.count == 62)
        guard !corpus.isEmpty else { return }
        var mutator = SIPMutator(random: SplitMix64(seed: Self.seed), corpus: corpus)
        var report = RobustnessReport()
        let clock = ContinuousClock()
        let cpuStart = Self.threadCPUSeconds()
        for index in 0..<Self.inputs {
            let bytes = mutator.mutate(corpus[index % corpus.count])
            let elapsed = clock.measure { _ = parseResult(bytes) }
            if elapsed > .milliseconds(50) {
                // Measure again before blaming the parser for a busy machine.
                let again = Robustness.minimumDuration { _ = parseResult(bytes) }
                if again > .milliseconds(50), report.slowInputs.count < 5 {
                    report.slowInputs.append("#\(index) \(again): \(RobustnessReport.show(bytes))")
                }
                report.slowest = max(report.slowest, again)
            } else {
                report.slowest = max(report.slowest, elapsed)
            }
            Robustness.exercise(bytes, report: &report)
        }
        // CPU time of this thread, not wall time: a busy machine must not fail the test.
        let cpu = Self.threadCPUSeconds() - cpuStart

        #expect(mutator.mutationsApplied >= 20_000)
        #expect(cpu < 120, "whole run took \(cpu) s of CPU")
        #expect(report.slowInputs.isEmpty, "parses over 50 ms: \(report.slowInputs)")
        // The mutations reach both outcomes (the test is not vacuous).
        #expect(report.parsed > Self.inputs / 10, "parsed \(report.parsed)")
        #expect(report.rejected > Self.inputs / 10, "rejected \(report.rejected)")
        #expect(report.frames > Self.inputs / 10, "stream frames \(report.frames)")
        // Properties of successful parses.
        #expect(report.reparseFailures.isEmpty, "serialized messages that do not parse again: \(report.reparseFailures)")
        #expect(report.roundTripMismatches.isEmpty, "parse(serialize(m)) != m for: \(report.roundTripMismatches)")
        #expect(report.notFixedPoint.isEmpty, "serialization not a fixed point for: \(report.notFixedPoint)")
        #expect(report.irreflexiveURIs.isEmpty, "URIs not equivalent to themselves: \(report.irreflexiveURIs)")
        #expect(report.unparseableResponses.isEmpty, "response(to:) of a valid request does not validate: \(report.unparseableResponses)")
    }

    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    @Test("the mutator is deterministic")
    func deterministic() {
        let corpus = Fixture.all.map(\.bytes)
        guard !corpus.isEmpty else { Issue.record("no fixtures"); return }
        var a = SIPMutator(random: SplitMix64(seed: 42), corpus: corpus)
        var b = SIPMutator(random: SplitMix64(seed: 42), corpus: corpus)
        for i in 0..<200 { #expect(a.mutate(corpus[i % corpus.count]) == b.mutate(corpus[i % corpus.count])) }
        var c = SIPMutator(random: SplitMix64(seed: 43), corpus: corpus)
        #expect((0..<20).contains { c.mutate(corpus[$0]) != a.mutate(corpus[$0]) })
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)  // reference value of SplitMix64(0)
    }
}

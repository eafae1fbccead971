import Foundation
import Testing
@testable import SIPMessage

// RFC 4475 (SIP torture test messages) and RFC 5118 (IPv6 torture test messages), driven by
// Tests/Fixtures/manifest.json, plus hand-written checks of what the RFC text discusses.

// MARK: - Manifest-driven

/// What the manifest says a parser/validator must do with a fixture.
enum TortureExpectation {
    /// Statuses the parser/validator can produce (`SIPParseError.suggestedStatus`).
    static let parserStatuses: Set<Int> = [400, 416, 505, 513]

    /// For a "valid" fixture: the statuses with which parse or `validate()` must reject it, or nil
    /// when it must be accepted. A message is rejected at this layer only when the manifest names
    /// a parser-level status for every role (no `responsesByRole`, no `alternative`, not a
    /// transaction-layer decision): insuf, unkscm, novelsc, multi01, mcl01.
    static func requiredRejection(_ fixture: Fixture) -> Set<Int>? {
        let entry = fixture.entry
        guard let expected = entry["expectedResponse"]?.int, parserStatuses.contains(expected),
              entry["responsesByRole"] == nil, entry["alternative"] == nil,
              entry["layer"]?.string != "transaction"
        else { return nil }
        if let acceptable = entry["acceptableResponses"]?.array {
            return Set(acceptable.compactMap(\.int))
        }
        return [expected]
    }

    /// For an "invalid" fixture: the statuses an error may suggest (nil: any, the message is to be dropped).
    static func allowedStatuses(_ fixture: Fixture) -> Set<Int>? {
        let entry = fixture.entry
        if let acceptable = entry["acceptableResponses"]?.array { return Set(acceptable.compactMap(\.int)) }
        if let expected = entry["expectedResponse"]?.int { return [expected] }
        if let strict = entry["rejectIfStrict"]?.int { return [strict] }
        return nil
    }

    /// A valid fixture whose declared Content-Length exceeds its body by an RFC error (not the
    /// test's subject): over UDP that is an error (RFC 3261 §18.3), so parsing must say so.
    static func unintendedShortBody(_ fixture: Fixture) -> (declared: Int, available: Int)? {
        guard let check = fixture.entry["contentLengthCheck"], check["matches"]?.bool == false,
              check["intentional"]?.bool == false,
              let declared = check["declared"]?.int, let actual = check["actualBodyOctets"]?.int, declared > actual
        else { return nil }
        return (declared, actual)
    }
}

/// Checks a parsed message against the `fields` of its manifest entry.
struct ManifestFieldChecker {
    let message: SIPMessage
    let fixture: Fixture

    /// Keys checked by `check()`.
    static let handledKeys: Set<String> = [
        "kind", "method", "requestURI", "sipVersion", "statusCode", "reasonPhrase", "callID", "callIDs",
        "cseq", "cseqMethod", "cseqValues", "cseqRaw", "viaCount", "topViaTransport", "topViaSentBy", "topViaBranch",
        "topViaReceived", "topViaParams", "vias", "viaTransports", "lastViaBranch", "lastViaReceived",
        "viaHeaderNameSpellings", "fromDisplayName", "fromURI", "fromTag", "fromValues", "fromHeaderParams",
        "fromUserUnescaped", "fromRaw", "fromDisplayNameRaw", "toDisplayName", "toURI", "toTag", "toValues",
        "toHeaderParams", "toUserUnescaped", "toRaw", "toDisplayNameRaw", "maxForwards", "maxForwardsRaw",
        "maxForwardsValues", "contentLength", "contentLengthRaw", "bodyLength", "contactCount", "contacts",
        "contactURI", "contactDisplayName", "contactParams", "contactURIParams", "contactURIHeaders",
        "contactURIHeadersUnescaped", "contactUserUnescaped", "contactUsersUnescaped", "contactURIParamsUnescaped",
        "distinctBindings", "contentType", "requestURIHost", "requestURIPort", "requestURIUser",
        "requestURIUserUnescaped", "requestURIParams", "requestURIHeaders", "requestURIScheme", "unknownHeaders",
        "unknownHeaderName", "route", "recordRoute", "accept", "require", "proxyRequire", "authorization", "date",
        "subject", "body", "multipartBoundary", "bodyParts", "bodyNulOctets", "bodyBareLF", "bodyBareCR",
        "trailingOctets", "trailingOctetsBeginWith", "reasonPhraseUTF8Hex", "statusLine", "requestLine", "schemes",
        "methodIsKnown", "methodIsREGISTER", "missingHeaders", "sdpOrigin", "sdpConnection",
    ]

    /// Keys that only appear on fixtures that do not parse or validate (checked by hand-written
    /// tests), or that describe the fixture rather than the message.
    static let ignoredKeys: Set<String> = [
        "note", "contactForm", "archiveVsDisplayedText", "headerSectionTerminated", "sdpSessionLevelConnection",
        "headerLineWithoutColon", "topViaProtocol", "cseqExceeds", "statusCodeExceeds", "retryAfter", "warning",
        "warningCodeDigits", "expires", "contactExpires", "contactRaw", "viaRaw", "requestURIHostRaw",
    ]

    var fields: JSON { fixture.fields }
    var name: String { fixture.name }

    /// The value an accessor returns; an issue when it throws.
    func value<T>(_ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T) -> T? {
        switch attempt(sourceLocation: sourceLocation, body) {
        case .success(let value): return value
        case .failure(let error):
            Issue.record("\(name): \(what) threw \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    func check() {
        let m = message
        if let kind = fields["kind"]?.string { #expect(m.isRequest == (kind == "request"), "\(name)") }
        if let method = fields["method"]?.string { #expect(m.method?.name == method, "\(name)") }
        if let uri = fields["requestURI"]?.string { #expect(m.requestURI?.description == uri, "\(name)") }
        if let version = fields["sipVersion"]?.string { #expect(m.version == version, "\(name)") }
        if let code = fields["statusCode"]?.int { #expect(m.statusCode == code, "\(name)") }
        if let reason = fields["reasonPhrase"]?.string { #expect(m.reasonPhrase == reason, "\(name)") }
        if fields["methodIsKnown"]?.bool == false {
            if case .other? = m.method {} else { Issue.record("\(name): method \(String(describing: m.method)) should be an extension method") }
        }
        if fields["methodIsREGISTER"]?.bool == false { #expect(m.method != .register, "\(name)") }
        checkCallID()
        checkCSeq()
        checkVias()
        checkAddress("from") { try m.from() }
        checkAddress("to") { try m.to() }
        checkScalars()
        checkContacts()
        checkRequestURI()
        checkOtherHeaders()
        checkBody()
    }

    private func checkCallID() {
        let m = message
        if let ids = fields["callIDs"]?.array {
            #expect(m.headers.values(.callID) == ids.compactMap(\.string), "\(name)")
            #expect(thrownError { try m.callID() } == .duplicateHeader("Call-ID"), "\(name)")
        } else if let id = fields["callID"] {
            if id.isNull {
                #expect(thrownError { try m.callID() } == .missingHeader("Call-ID"), "\(name)")
            } else {
                #expect(value("callID()") { try m.callID() } == id.string, "\(name)")
            }
        }
    }

    private func checkCSeq() {
        let m = message
        if let values = fields["cseqValues"]?.array {
            #expect(m.headers.lines(.cseq) == values.compactMap(\.string), "\(name)")
            #expect(thrownError { try m.cseq() } == .duplicateHeader("CSeq"), "\(name)")
            return
        }
        guard let sequence = fields["cseq"] else { return }
        if sequence.isNull {
            #expect(thrownError { try m.cseq() } == .missingHeader("CSeq"), "\(name)")
        } else if let number = sequence.int {
            let cseq = value("cseq()") { try m.cseq() }
            #expect(cseq.map { Int($0.sequence) } == number, "\(name)")
            if let method = fields["cseqMethod"]?.string { #expect(cseq?.method.name == method, "\(name)") }
        } else {
            // An integer beyond 2^53 (kept as a string in the manifest): beyond 2^32-1, an error.
            #expect(isBadHeaderValue(thrownError { try m.cseq() }, "CSeq"), "\(name)")
        }
        if let raw = fields["cseqRaw"]?.string { #expect(m.headers.first(.cseq)?.hasPrefix(raw) == true, "\(name)") }
    }

    private func checkVias() {
        let m = message
        if let count = fields["viaCount"] {
            if let count = count.int {
                #expect(value("vias()") { try m.vias() }?.count == count, "\(name)")
            } else {
                #expect(thrownError { try m.vias() } != nil, "\(name): Via should not decode")
            }
        }
        if fields["topViaTransport"]?.string != nil || fields["topViaSentBy"]?.string != nil {
            let top = value("topVia()") { try m.topVia() }
            if let transport = fields["topViaTransport"]?.string { #expect(top?.transport == transport, "\(name)") }
            if let sentBy = fields["topViaSentBy"]?.string { #expect(top?.sentBy == sentBy, "\(name)") }
            if let branch = fields["topViaBranch"] { #expect(top?.branch == branch.string, "\(name)") }
            if let received = fields["topViaReceived"] { #expect(top?.received == received.string, "\(name)") }
            if let parameters = fields["topViaParams"]?.object, let top {
                checkParameters(top.parameters, parameters, "top Via")
            }
        }
        let vias = fields["vias"] != nil || fields["viaTransports"] != nil || fields["lastViaBranch"] != nil
            ? value("vias()") { try m.vias() } ?? [] : []
        if let expected = fields["vias"]?.array {
            #expect(vias.count == expected.count, "\(name)")
            for (via, want) in zip(vias, expected) {
                #expect(via.transport == want["transport"]?.string, "\(name)")
                #expect(via.sentBy == want["sentBy"]?.string, "\(name)")
                #expect(via.branch == want["branch"]?.string, "\(name)")
                if let received = want["received"] { #expect(via.received == received.string, "\(name)") }
            }
        }
        if let transports = fields["viaTransports"]?.array {
            #expect(vias.map(\.transport) == transports.compactMap(\.string), "\(name)")
        }
        if let branch = fields["lastViaBranch"]?.string { #expect(vias.last?.branch == branch, "\(name)") }
        if let received = fields["lastViaReceived"]?.string { #expect(vias.last?.received == received, "\(name)") }
        if let spellings = fields["viaHeaderNameSpellings"]?.array {
            // The distinct spellings of the Via lines (the header name is a token: the manifest's
            // trailing spaces belong to the `name SP* ":"` separator).
            let names = m.headers.all.filter { HeaderName($0.name) == .via }.map(\.name)
            let expected = spellings.compactMap(\.string).map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(Set(names) == Set(expected), "\(name)")
            #expect(names.count == fields["viaCount"]?.int, "\(name)")
        }
    }

    private func checkAddress(_ prefix: String, _ accessor: () throws -> NameAddress) {
        let m = message
        let header = prefix == "from" ? HeaderName.from : HeaderName.to
        if let values = fields["\(prefix)Values"]?.array {
            #expect(m.headers.lines(header) == values.compactMap(\.string), "\(name)")
            #expect(thrownError(accessor) == .duplicateHeader(header.canonicalName), "\(name)")
            return
        }
        if let raw = fields["\(prefix)Raw"]?.string {
            #expect(m.headers.first(header).map(collapsingWhitespace) == collapsingWhitespace(raw), "\(name)")
        }
        guard let uri = fields["\(prefix)URI"] else { return }
        if uri.isNull {
            #expect(thrownError(accessor) != nil, "\(name): \(prefix) should not decode")
            return
        }
        guard let address = value("\(prefix)()", accessor) else { return }
        #expect(address.uri.description == uri.string, "\(name)")
        if let displayName = fields["\(prefix)DisplayName"] { #expect(address.displayName == displayName.string, "\(name) \(prefix) display name") }
        if let tag = fields["\(prefix)Tag"] { #expect(address.tag == tag.string, "\(name) \(prefix) tag") }
        if let user = fields["\(prefix)UserUnescaped"]?.string { #expect(address.uri.sipURI?.unescapedUser == user, "\(name)") }
        if let parameters = fields["\(prefix)HeaderParams"]?.object { checkParameters(address.parameters, parameters, "\(prefix) header") }
    }

    private func checkScalars() {
        let m = message
        if let values = fields["maxForwardsValues"]?.array {
            #expect(m.headers.lines(.maxForwards) == values.compactMap(\.string), "\(name)")
            #expect(thrownError { try m.maxForwards() } == .duplicateHeader("Max-Forwards"), "\(name)")
        } else if let hops = fields["maxForwards"] {
            #expect(value("maxForwards()") { try m.maxForwards() } == hops.int, "\(name)")
        }
        if let raw = fields["maxForwardsRaw"]?.string { #expect(m.headers.first(.maxForwards) == raw, "\(name)") }
        if let length = fields["contentLength"] {
            #expect(value("contentLength()") { try m.contentLength() } == length.int, "\(name)")
        }
        if fields["contentLengthRaw"] != nil { #expect(m.headers.first(.contentLength) != nil, "\(name)") }
    }

    private func checkContacts() {
        let m = message
        guard fields["contactCount"] != nil || fields["contacts"] != nil || fields["contactURI"] != nil else { return }
        let contact: ContactValue?
        switch attempt({ try m.contact() }) {
        case .success(let value): contact = value
        case .failure(let error):
            if fields["contactCount"]?.isNull != true { Issue.record("\(name): contact() threw \(error)") }
            return
        }
        var addresses: [NameAddress] = []
        if case .addresses(let list)? = contact { addresses = list }
        if let count = fields["contactCount"]?.int {
            #expect(addresses.count == count, "\(name)")
            if count == 0 { #expect(contact == nil || contact == .addresses([]), "\(name)") }
        }
        if let contacts = fields["contacts"]?.array {
            let expected = contacts.compactMap(\.string).map { $0.hasPrefix("<") ? String($0.dropFirst().dropLast()) : $0 }
            #expect(addresses.map(\.uri.description) == expected, "\(name)")
        }
        if let users = fields["contactUsersUnescaped"]?.array {
            #expect(addresses.map { $0.uri.sipURI?.unescapedUser } == users.map(\.string), "\(name)")
        }
        if let distinct = fields["distinctBindings"]?.int {
            #expect(addresses.count == distinct, "\(name)")
            for (i, a) in addresses.enumerated() {
                for b in addresses[(i + 1)...] { #expect(!a.uri.isEquivalent(to: b.uri), "\(name): \(a) vs \(b)") }
            }
        }
        guard let first = addresses.first else {
            if fields["contactURI"] != nil { Issue.record("\(name): no Contact address") }
            return
        }
        if let uri = fields["contactURI"]?.string { #expect(first.uri.description == uri, "\(name)") }
        if let display = fields["contactDisplayName"] { #expect(first.displayName == display.string, "\(name)") }
        if let parameters = fields["contactParams"]?.object { checkParameters(first.parameters, parameters, "Contact header") }
        let sip = first.uri.sipURI
        if let parameters = fields["contactURIParams"]?.object {
            checkParameters(sip?.parameters ?? ParameterList(), parameters, "Contact URI")
        }
        if let headers = fields["contactURIHeaders"]?.object {
            checkParameters(sip?.headers ?? ParameterList(), headers, "Contact URI headers")
        }
        if let headers = fields["contactURIHeadersUnescaped"]?.object {
            for (key, value) in headers {
                #expect(sip?.headers[key].map(PercentEncoding.decode) == value.string, "\(name): URI header \(key)")
            }
        }
        if let user = fields["contactUserUnescaped"]?.string { #expect(sip?.unescapedUser == user, "\(name)") }
        if let parameters = fields["contactURIParamsUnescaped"]?.object {
            // Escapes are resolved once (RFC 4475 §3.1.1.3: v%61lue%25%34%31 is value%41, not valueA).
            let decoded = (sip?.parameters.all ?? []).map {
                (PercentEncoding.decode($0.name).lowercased(), $0.value.map(PercentEncoding.decode))
            }
            #expect(decoded.count == parameters.count, "\(name)")
            for (key, value) in parameters {
                let match = decoded.first { $0.0 == key.lowercased() }
                #expect(match != nil, "\(name): Contact URI parameter \(key)")
                #expect(match?.1 == value.string, "\(name): Contact URI parameter \(key)")
            }
        }
    }

    private func checkRequestURI() {
        let m = message
        guard m.isRequest else { return }
        let sip = m.requestURI?.sipURI
        if let host = fields["requestURIHost"]?.string { #expect(sip?.host == host, "\(name)") }
        if let port = fields["requestURIPort"] { #expect(sip?.port.map(Int.init) == port.int, "\(name)") }
        if let user = fields["requestURIUser"]?.string { #expect(sip?.user == user, "\(name)") }
        if let user = fields["requestURIUserUnescaped"]?.string { #expect(sip?.unescapedUser == user, "\(name)") }
        if let parameters = fields["requestURIParams"]?.object { checkParameters(sip?.parameters ?? ParameterList(), parameters, "Request-URI") }
        if let headers = fields["requestURIHeaders"]?.object { checkParameters(sip?.headers ?? ParameterList(), headers, "Request-URI headers") }
        if let scheme = fields["requestURIScheme"]?.string { #expect(m.requestURI?.scheme.lowercased() == scheme.lowercased(), "\(name)") }
        if let line = fields["requestLine"]?.string { #expect(firstLine(of: fixture.bytes) == line, "\(name)") }
    }

    private func checkOtherHeaders() {
        let m = message
        if let type = fields["contentType"]?.string {
            #expect(m.headers.first(.contentType) == type, "\(name)")
            let parsed = value("contentType()") { try m.contentType() }.flatMap { $0 }
            let essence = type.split(separator: ";")[0].trimmingCharacters(in: .whitespaces)
            #expect(parsed.map { "\($0.type)/\($0.subtype)" } == essence, "\(name)")
        }
        if let boundary = fields["multipartBoundary"]?.string {
            let type = value("contentType()") { try m.contentType() }.flatMap { $0 }
            #expect(type?.parameters["boundary"] == boundary, "\(name)")
        }
        if let headers = fields["unknownHeaders"]?.object {
            for (header, expected) in headers {
                let actual = m.headers[header]
                #expect(actual.map(collapsingWhitespace) == expected.string.map(collapsingWhitespace), "\(name): \(header)")
                #expect(actual?.contains("\r") == false && actual?.contains("\n") == false, "\(name): \(header) unfolded")
            }
        }
        if let header = fields["unknownHeaderName"]?.string { #expect(m.headers.contains(HeaderName(header)), "\(name)") }
        if let routes = fields["route"]?.array {
            let decoded = value("routes()") { try m.routes() } ?? []
            #expect(decoded.map(\.description) == routes.compactMap(\.string), "\(name)")
        }
        if let routes = fields["recordRoute"]?.array {
            let decoded = value("recordRoutes()") { try m.recordRoutes() } ?? []
            #expect(decoded.map(\.description) == routes.compactMap(\.string), "\(name)")
        }
        if let accept = fields["accept"]?.array {
            let decoded = value("accept()") { try m.accept() } ?? []
            #expect(decoded.map { "\($0.type)/\($0.subtype)" } == accept.compactMap(\.string), "\(name)")
        }
        if let tags = fields["require"]?.array {
            #expect(value("require()") { try m.require() } == tags.compactMap(\.string), "\(name)")
        }
        if let tags = fields["proxyRequire"]?.array {
            #expect(value("proxyRequire()") { try m.proxyRequire() } == tags.compactMap(\.string), "\(name)")
        }
        if let credentials = fields["authorization"]?.string {
            #expect(m.headers.first(.authorization) == credentials, "\(name)")
            let decoded = value("authorization()") { try m.authorization() }
            #expect(decoded?.first?.scheme == credentials.split(separator: " ").first.map(String.init), "\(name)")
        }
        if let date = fields["date"]?.string { #expect(m.headers.first(.date) == date, "\(name)") }
        if let subject = fields["subject"]?.string { #expect(m.headers.first(.subject) == subject, "\(name)") }
        if let missing = fields["missingHeaders"]?.array {
            for header in missing.compactMap(\.string) { #expect(!m.headers.contains(HeaderName(header)), "\(name): \(header)") }
        }
        if let schemes = fields["schemes"]?.object {
            if let to = schemes["to"]?.string { #expect(value("to()") { try m.to() }?.uri.scheme == to, "\(name)") }
            if let from = schemes["from"]?.string { #expect(value("from()") { try m.from() }?.uri.scheme == from, "\(name)") }
            if let contact = schemes["contact"]?.string {
                let decoded = value("contact()") { try m.contact() }
                if case .addresses(let list)?? = decoded { #expect(list.first?.uri.scheme == contact, "\(name)") } else { Issue.record("\(name): no Contact") }
            }
        }
        if let line = fields["statusLine"]?.string {
            #expect(firstLine(of: fixture.bytes) == line, "\(name)")
            #expect(firstLine(of: m.serialized()) == line, "\(name): serialized status line")
        }
        if let hex = fields["reasonPhraseUTF8Hex"]?.string {
            let actual = (m.reasonPhrase ?? "").utf8.map { String(format: "%02X", $0) }.joined()
            #expect(actual.hasSuffix(hex), "\(name)")
        }
    }

    private func checkBody() {
        let m = message
        if let bodyLength = fields["bodyLength"]?.int {
            // Datagram framing: Content-Length octets when declared (extra octets discarded), else all of them.
            let declared = fields["contentLength"]?.int
            #expect(m.body.count == declared.map { min($0, bodyLength) } ?? bodyLength, "\(name)")
            if let start = fixture.bytes.headerSectionEnd {
                #expect(m.body == Array(fixture.bytes[start..<(start + m.body.count)]), "\(name): body octets as received")
            }
        }
        if let body = fields["body"]?.string { #expect(m.body == body.bytes, "\(name)") }
        if let count = fields["bodyNulOctets"]?.int { #expect(m.body.filter { $0 == 0 }.count == count, "\(name)") }
        if let count = fields["bodyBareLF"]?.int {
            let bare = m.body.indices.filter { m.body[$0] == 10 && ($0 == 0 || m.body[$0 - 1] != 13) }
            #expect(bare.count == count, "\(name)")
        }
        if let count = fields["bodyBareCR"]?.int {
            let bare = m.body.indices.filter { m.body[$0] == 13 && ($0 + 1 == m.body.count || m.body[$0 + 1] != 10) }
            #expect(bare.count == count, "\(name)")
        }
        if let parts = fields["bodyParts"]?.array {
            for part in parts {
                if let type = part["contentType"]?.string { #expect(m.body.contains(subsequence: Array("Content-Type: \(type)".utf8)), "\(name)") }
                if let content = part["content"]?.string { #expect(m.body.contains(subsequence: content.bytes), "\(name)") }
            }
        }
        if let trailing = fields["trailingOctets"]?.int, let end = fixture.bytes.headerSectionEnd {
            #expect(fixture.bytes.count - end == trailing, "\(name)")
            #expect(m.body.isEmpty, "\(name): trailing octets are not a body")
            if let prefix = fields["trailingOctetsBeginWith"]?.string {
                #expect(Array(fixture.bytes[end...]).starts(with: prefix.bytes), "\(name)")
                #expect(!m.serialized().contains(subsequence: prefix.bytes), "\(name): trailing octets must not be forwarded")
            }
        }
        if let origin = fields["sdpOrigin"]?.string { #expect(m.body.contains(subsequence: origin.bytes), "\(name)") }
        if let lines = fields["sdpConnection"]?.array {
            for line in lines.compactMap(\.string) { #expect(m.body.contains(subsequence: line.bytes), "\(name)") }
        }
    }

    private func checkParameters(_ list: ParameterList, _ expected: [String: JSON], _ what: String) {
        #expect(list.count == expected.count, "\(name): \(what) parameters \(list)")
        for (key, value) in expected {
            let parameter = list.first(named: key)
            #expect(parameter != nil, "\(name): \(what) parameter \(key) missing in \(list)")
            #expect(parameter?.value == value.string, "\(name): \(what) parameter \(key)")
        }
    }

    private func firstLine(of bytes: [UInt8]) -> String {
        let end = bytes.firstIndex(of: 13) ?? bytes.count
        return String(decoding: bytes[..<end], as: UTF8.self)
    }
}

@Suite("Torture messages: every fixture, as the manifest describes it")
struct ManifestTortureTests {
    @Test("manifest lists 62 fixtures, all present with the recorded sizes")
    func inventory() {
        #expect(Fixture.all.count == 62)
        #expect(Fixture.all.filter { $0.file.hasPrefix("rfc4475/") }.count == 50)
        #expect(Fixture.all.filter { $0.file.hasPrefix("rfc5118/") }.count == 12)
        for fixture in Fixture.all {
            #expect(fixture.bytes.count == fixture.entry["bytes"]?.int, "\(fixture.file)")
            #expect(fixture.bytes.headerSectionEnd != nil || fixture.entry["headerSectionTerminated"]?.bool == false, "\(fixture.file)")
        }
        #expect(Fixture.valid.count + Fixture.invalid.count == Fixture.all.count)
    }

    @Test("every field key in the manifest is checked (or deliberately left to hand-written tests)")
    func everyFieldKeyIsCovered() {
        var keys = Set<String>()
        for fixture in Fixture.all { keys.formUnion(fixture.fields.object.map { Array($0.keys) } ?? []) }
        let uncovered = keys.subtracting(ManifestFieldChecker.handledKeys).subtracting(ManifestFieldChecker.ignoredKeys)
        #expect(uncovered.isEmpty, "unchecked manifest keys: \(uncovered.sorted())")
    }

    @Test("valid messages parse (datagram), validate, and have the manifest's fields", arguments: Fixture.valid)
    func validMessage(_ fixture: Fixture) throws {
        let result = parseResult(fixture.bytes)
        if let statuses = TortureExpectation.requiredRejection(fixture) {
            switch result {
            case .failure(let error):
                #expect(statuses.contains(error.suggestedStatus), "\(fixture.name): \(error)")
            case .success(let message):
                let error = thrownError { try message.validate() }
                #expect(error != nil, "\(fixture.name) must be rejected with \(statuses)")
                if let error { #expect(statuses.contains(error.suggestedStatus), "\(fixture.name): \(error)") }
                ManifestFieldChecker(message: message, fixture: fixture).check()
            }
            return
        }
        if let (declared, available) = TortureExpectation.unintendedShortBody(fixture) {
            // RFC 3261 §18.3: a datagram that ends before the declared body is an error (400 for requests).
            #expect(result == .failure(.contentLengthMismatch(declared: declared, available: available)), "\(fixture.name)")
            return
        }
        let message = try result.get()
        #expect(thrownError { try message.validate() } == nil, "\(fixture.name) must validate")
        ManifestFieldChecker(message: message, fixture: fixture).check()

        // The three entry points agree.
        let fromPointer = fixture.bytes.withUnsafeBytes { raw in parseResult(raw) }
        #expect(fromPointer == .success(message), "\(fixture.name): UnsafeRawBufferPointer entry point")
        #expect(try SIPMessage(parsing: fixture.bytes) == message, "\(fixture.name): SIPMessage(parsing:)")
    }

    @Test("invalid messages are rejected by parse or validate with the status the RFC names", arguments: Fixture.invalid)
    func invalidMessage(_ fixture: Fixture) throws {
        let allowed = TortureExpectation.allowedStatuses(fixture)
        let liberal = fixture.entry["liberalAcceptAllowed"]?.bool == true
        switch parseResult(fixture.bytes) {
        case .failure(let error):
            if let allowed { #expect(allowed.contains(error.suggestedStatus), "\(fixture.name): \(error) → \(error.suggestedStatus)") }
        case .success(let message):
            if let error = thrownError({ try message.validate() }) {
                if let allowed { #expect(allowed.contains(error.suggestedStatus), "\(fixture.name): \(error) → \(error.suggestedStatus)") }
            } else if liberal, let interpretation = LiberalInterpretation.checks[fixture.name] {
                // RFC 4475 lets a liberal element accept this one, provided it makes the reasonable inference.
                try interpretation(message)
            } else {
                Issue.record("\(fixture.name): invalid message accepted by parse and validate()")
            }
        }
    }
}

func parseResult(_ bytes: UnsafeRawBufferPointer) -> Result<SIPMessage, SIPParseError> {
    do throws(SIPParseError) {
        return .success(try SIPParser().parse(bytes, framing: .datagram))
    } catch {
        return .failure(error)
    }
}

/// What a liberal parser must make of the invalid messages RFC 4475 allows it to accept.
enum LiberalInterpretation {
    static let checks: [String: @Sendable (SIPMessage) throws -> Void] = [
        // §3.1.2.6: infer the terminating quote reasonably.
        "quotbal": { (m: SIPMessage) throws in
            let to = try m.to()
            #expect(to.uri.description == "sip:j.user@example.com")
        },
        // §3.1.2.7: ignore the brackets.
        "ltgtruri": { (m: SIPMessage) throws in #expect(m.requestURI?.description == "sip:user@example.com") },
        // §3.1.2.8: ignore the embedded LWS.
        "lwsruri": { (m: SIPMessage) throws in #expect(m.requestURI?.description == "sip:user@example.com;lr") },
        // §3.1.2.9 / §3.1.2.10: ignore the extra SP characters.
        "lwsstart": { (m: SIPMessage) throws in
            #expect(m.requestURI?.description == "sip:user@example.com")
            #expect(m.version == "SIP/2.0")
        },
        "trws": { (m: SIPMessage) throws in
            #expect(m.requestURI?.description == "sip:remote-target@example.com")
            #expect(m.version == "SIP/2.0")
        },
        // §3.1.2.11: the escaped headers stay in the URI (where a proxy can strip them) and never become header fields.
        "escruri": { (m: SIPMessage) throws in
            #expect(m.requestURI?.sipURI?.headers["Route"] == "%3Csip:example.com%3E")
            #expect(!m.headers.contains(.route))
        },
        // §3.1.2.12: the Date value is kept (or ignored); nothing else changes.
        "baddate": { (m: SIPMessage) throws in #expect(m.headers.first(.date) == "Fri, 01 Jan 2010 16:00:00 EST") },
        // §3.1.2.13: infer the angle brackets: the escaped Route is a header of the Contact URI.
        "regbadct": { (m: SIPMessage) throws in
            guard case .addresses(let contacts)? = try m.contact() else { Issue.record("no Contact"); return }
            #expect(contacts.count == 1)
            #expect(contacts.first?.uri.sipURI?.headers["Route"] == "%3Csip:sip.example.com%3E")
            #expect(contacts.first?.parameters.isEmpty == true)
        },
        // §3.1.2.14: ignore the spaces.
        "badaspec": { (m: SIPMessage) throws in #expect(try m.to().uri.description == "sip:t.watson@example.org") },
        // §3.1.2.15: infer the quotes.
        "baddn": { (m: SIPMessage) throws in
            #expect(try m.from().displayName == "Bell, Alexander")
            #expect(try m.to().displayName == "Watson, Thomas")
        },
    ]
}

// MARK: - RFC 4475 §3.1.1: valid messages, hand-written

@Suite("RFC 4475 §3.1.1 valid messages")
struct ValidTortureTests {
    @Test("wsinv §3.1.1.1: folding, compact forms, odd case, escaped quotes, unknown headers")
    func wsinv() throws {
        let m = try Fixture.message("wsinv")
        try m.validate()
        #expect(m.method == .invite)
        #expect(m.requestURI?.description == "sip:vivekg@chair-dnrc.example.com;unknownparam")
        let ruri = try #require(m.requestURI?.sipURI)
        #expect(ruri.parameters.contains(named: "unknownparam"))
        #expect(ruri.parameters["unknownparam"] == nil)

        // Names are kept as spelled, in order; lookups ignore case and know compact forms.
        #expect(m.headers.all.map(\.name) == [
            "TO", "from", "MaX-fOrWaRdS", "Call-ID", "Content-Length", "cseq", "Via", "s", "NewFangledHeader",
            "UnknownHeaderWithUnusualValue", "Content-Type", "Route", "v", "m",
        ])
        #expect(m.headers.count(.via) == 2)
        #expect(m.headers.contains(.subject))
        #expect(m.headers.first(.subject) == "")
        #expect(m.headers["Subject"] == "")
        #expect(m.headers["s"] == "")
        #expect(m.headers["m"] == m.headers.first(.contact))

        #expect(try m.callID() == "wsinv.ndaksdj@192.0.2.1")
        #expect(try m.maxForwards() == 68)
        #expect(try m.cseq() == CSeq(9, .invite))
        #expect(try m.contentLength() == 150)
        #expect(m.body.count == 150)
        #expect(m.body.starts(with: "v=0\r\n".bytes))

        // From: "J Rosenberg \\\"" — the quoted-pairs \\ and \" unescape to a backslash and a quote.
        let from = try m.from()
        #expect(from.displayName == "J Rosenberg \\\"")
        #expect(from.uri.description == "sip:jdrosen@example.com")
        #expect(from.tag == "98asjd8")
        let to = try m.to()
        #expect(to.displayName == nil)
        #expect(to.uri.description == "sip:vivekg@chair-dnrc.example.com")
        #expect(to.tag == "1918181833n")

        // Via split across a folded header and the compact `v:` header holding two values.
        let vias = try m.vias()
        #expect(vias.map(\.transport) == ["UDP", "TCP", "UDP"])
        #expect(vias.map(\.sentBy) == ["192.0.2.2", "spindle.example.com", "192.168.255.111"])
        #expect(vias.map(\.branch) == ["390skdjuw", "z9hG4bK9ikj8", "z9hG4bK30239"])
        #expect(vias.allSatisfy { $0.protocolName == "SIP" && $0.protocolVersion == "2.0" })
        #expect(try m.topVia() == vias[0])
        #expect(vias[0].hasRFC3261Branch == false)
        #expect(vias[1].hasRFC3261Branch)

        // m: "Quoted string \"\"" <sip:jdrosen@example.com> ; newparam = newvalue ; secondparam ; q = 0.33
        guard case .addresses(let contacts)? = try m.contact() else { Issue.record("no Contact"); return }
        #expect(contacts.count == 1)
        let contact = try #require(contacts.first)
        #expect(contact.displayName == "Quoted string \"\"")
        #expect(contact.uri.description == "sip:jdrosen@example.com")
        #expect(contact.parameters["newparam"] == "newvalue")
        #expect(contact.parameters.contains(named: "secondparam"))
        #expect(contact.parameters["secondparam"] == nil)
        #expect(contact.q == 0.33)
        #expect(contact.parameters.count == 3)

        let routes = try m.routes()
        #expect(routes.count == 1)
        let route = try #require(routes.first?.uri.sipURI)
        #expect(route.host == "services.example.com")
        #expect(route.isLooseRouter)
        #expect(route.parameters["unknownwith"] == "value")
        #expect(route.parameters.contains(named: "unknown-no-value"))

        // Unknown headers are opaque: kept, unfolded (the fold is whitespace, RFC 3261 §7.3.1).
        let newFangled = try #require(m.headers["NewFangledHeader"])
        #expect(!newFangled.contains("\r") && !newFangled.contains("\n"))
        #expect(newFangled.hasPrefix("newfangled value"))
        #expect(newFangled.hasSuffix("continued newfangled value"))
        #expect(collapsingWhitespace(newFangled) == "newfangled value continued newfangled value")
        #expect(m.headers["UnknownHeaderWithUnusualValue"] == ";;,,;;,;")
        #expect(m.headers.values(HeaderName("UnknownHeaderWithUnusualValue")) == [";;,,;;,;"])
        #expect(m.headers.first(HeaderName("newfangledheader")) == newFangled)
    }

    @Test("wsinv: header values do not start or end with the whitespace of a fold")
    func wsinvFoldedValuesAreTrimmed() throws {
        let m = try Fixture.message("wsinv")
        // "TO :\r\n sip:vivekg@…" and "Route:\r\n <sip:…>": the value begins after HCOLON = … ":" SWS,
        // and SWS includes the fold (RFC 3261 §7.3.1, §25.1).
        for header in m.headers.all {
            #expect(header.value.first != " " && header.value.first != "\t", "\(header.name): '\(header.value)'")
            #expect(header.value.last != " " && header.value.last != "\t", "\(header.name): '\(header.value)'")
        }
        #expect(m.headers.first(.route) == "<sip:services.example.com;lr;unknownwith=value;unknown-no-value>")
        #expect(m.headers.first(.to).map(collapsingWhitespace) == "sip:vivekg@chair-dnrc.example.com ; tag = 1918181833n")
    }

    @Test("intmeth §3.1.1.2: unusual method, URI, display names, Call-ID and header names")
    func intmeth() throws {
        let m = try Fixture.message("intmeth")
        try m.validate()
        let method = "!interesting-Method0123456789_*+`.%indeed'~"
        #expect(m.method == .other(method))
        #expect(m.method?.name == method)
        #expect(try m.cseq() == CSeq(139122385, .other(method)))
        let ruri = try #require(m.requestURI?.sipURI)
        #expect(ruri.user == "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
        #expect(ruri.password == "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)")
        #expect(ruri.host == "example.com")
        #expect(try m.topVia().branch == "z9hG4bK-.!%66*_+`'~")

        // "BEL:\<07> NUL:\<00> DEL:\<7F>": quoted-pairs of control octets.
        #expect(try m.to().displayName == "BEL:\u{07} NUL:\u{00} DEL:\u{7F}")
        #expect(try m.to().uri.description == "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com")
        let from = try m.from()
        #expect(from.displayName == "token1~` token2'+_ token3*%!.-")
        #expect(from.tag == "_token~1'+`*%!-.")
        let param = try #require(from.parameters.first(named: "fromParam''~+*_!.-%"))
        #expect(param.unquotedValue == "работающий")
        #expect(try m.callID() == "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{")
        #expect(try m.maxForwards() == 255)
        #expect(m.headers["extensionHeader-!.%*+_`'~"] == "\u{FEFF}大停電")
        #expect(m.headers.all.map(\.name).contains("extensionHeader-!.%*+_`'~"))
    }

    @Test("esc01 §3.1.1.3: %-escapes in user parts and URI parameters, unescaped once")
    func esc01() throws {
        let m = try Fixture.message("esc01")
        try m.validate()
        let ruri = try #require(m.requestURI?.sipURI)
        #expect(ruri.user == "sips%3Auser%40example.com")
        #expect(ruri.unescapedUser == "sips:user@example.com")
        #expect(ruri.host == "example.net")
        let to = try #require(try m.to().uri.sipURI)
        #expect(to.user == "%75se%72")
        #expect(to.unescapedUser == "user")
        #expect(to.isEquivalent(to: try SIPURI("sip:user@example.com")))
        #expect(try m.from().uri.sipURI?.unescapedUser == "I have spaces")
        #expect(m.headers.first(.contentType) == "application/sdp")  // `C:` compact form
        #expect(try m.callID() == "esc01.239409asdfakjkn23onasd0-3234")  // `i:` compact form

        guard case .addresses(let contacts)? = try m.contact() else { Issue.record("no Contact"); return }
        let contact = try #require(contacts.first?.uri.sipURI)
        #expect(contact.unescapedUser == "caller")
        #expect(contact.parameters.count == 2)
        #expect(contact.parameters["n%61me"] == "v%61lue%25%34%31")
        // Unescaping is never recursive: value%41, not valueA.
        #expect(contact.parameters["n%61me"].map(PercentEncoding.decode) == "value%41")
        #expect(contact.isEquivalent(to: try SIPURI("sip:caller@host5.example.net;%6C%72;name=value%2541")))
    }

    @Test("esc01: %6C%72 is the lr parameter (escapes are equivalent to the characters, RFC 4475 §3.1.1.3)")
    func esc01EscapedLooseRouteParameter() throws {
        let m = try Fixture.message("esc01")
        guard case .addresses(let contacts)? = try m.contact() else { Issue.record("no Contact"); return }
        let contact = try #require(contacts.first?.uri.sipURI)
        #expect(contact.isLooseRouter)
    }

    @Test("escnull §3.1.1.4: %00 in user parts does not shorten them; two distinct bindings")
    func escnull() throws {
        let m = try Fixture.message("escnull")
        try m.validate()
        #expect(try m.contentLength() == 0)  // `L:0`: compact form in upper case, no space
        let to = try #require(try m.to().uri.sipURI)
        #expect(to.unescapedUser == "null-\u{00}-null")
        #expect(to.unescapedUser?.utf8.count == 11)
        #expect(try m.from().uri.sipURI?.unescapedUser == "null-\u{00}-null")
        guard case .addresses(let contacts)? = try m.contact() else { Issue.record("no Contact"); return }
        #expect(contacts.count == 2)
        #expect(contacts.map { $0.uri.sipURI?.user } == ["%00", "%00%00"])
        #expect(contacts.map { $0.uri.sipURI?.unescapedUser } == ["\u{00}", "\u{00}\u{00}"])
        #expect(!contacts[0].uri.isEquivalent(to: contacts[1].uri))
    }

    @Test("esc02 §3.1.1.5: % that is not an escape: method, display names, header names")
    func esc02() throws {
        let m = try Fixture.message("esc02")
        try m.validate()
        #expect(m.method == .other("RE%47IST%45R"))
        #expect(m.method != .register)
        #expect(try m.cseq().method == .other("RE%47IST%45R"))
        #expect(try m.to().displayName == "%Z%45")
        #expect(try m.from().displayName == "%Z%45")
        #expect(try m.topVia().branch == "z9hG4bK209%fzsnel234")
        // C%6Fntact is an unknown header, not Contact: two Contact values, not three.
        guard case .addresses(let contacts)? = try m.contact() else { Issue.record("no Contact"); return }
        #expect(contacts.map(\.uri.description) == ["sip:alias1@host1.example.com", "sip:alias3@host3.example.com"])
        #expect(m.headers.count(.contact) == 2)
        #expect(m.headers["C%6Fntact"] == "<sip:alias2@host2.example.com>")
        #expect(HeaderName("C%6Fntact") != .contact)
    }

    @Test("lwsdisp §3.1.1.6: no LWS between display name and <")
    func lwsdisp() throws {
        let m = try Fixture.message("lwsdisp")
        try m.validate()
        let from = try m.from()
        #expect(from.displayName == "caller")
        #expect(from.uri.description == "sip:caller@example.com")
        #expect(from.tag == "323")
    }

    @Test("longreq §3.1.1.7: long values, many parameters, 34 Via values spelled 16 ways")
    func longreq() throws {
        let m = try Fixture.message("longreq")
        try m.validate()
        let to = try m.to()
        #expect(to.displayName == "I have a user name of " + String(repeating: "extreme", count: 10) + " proportion")
        let toURI = try #require(to.uri.sipURI)
        #expect(toURI.port == 6000)
        #expect(toURI.parameters.count == 3)
        #expect(toURI.parameters["unknownparam1"] == "very" + String(repeating: "long", count: 20) + "value")
        #expect(toURI.parameters["longparam" + String(repeating: "name", count: 25)] == "shortvalue")
        #expect(toURI.parameters.contains(named: "very" + String(repeating: "long", count: 25) + "ParameterNameWithNoValue"))
        let from = try m.from()
        #expect(from.tag == "12" + String(repeating: "982", count: 50) + "424")
        #expect(from.parameters.count == 3)
        #expect(from.uri.sipURI?.user == String(repeating: "amazinglylongcallername", count: 5))
        #expect(try m.callID() == "longreq.one" + String(repeating: "really", count: 20) + "longcallid")

        let vias = try m.vias()
        #expect(vias.count == 34)
        #expect(m.headers.count(.via) == 34)
        #expect(vias.first?.sentBy == "sip33.example.com")
        #expect(vias.first?.branch == nil)
        #expect(vias.dropLast().map(\.host) == (1...33).reversed().map { "sip\($0).example.com" })
        #expect(vias.last?.received == "192.0.2.5")
        #expect(vias.last?.branch == "very" + String(repeating: "long", count: 50) + "branchvalue")
        let unknown = "Unknown-" + String(repeating: "Long", count: 20) + "-Name"
        #expect(m.headers.contains(HeaderName(unknown)))
        #expect(m.headers[unknown.uppercased()] == m.headers[unknown])
        #expect(m.body.count == 150)
    }

    @Test("dblreq §3.1.1.8: octets after Content-Length in a datagram are discarded")
    func dblreq() throws {
        let bytes = Fixture.bytes("dblreq")
        let m = try SIPParser().parse(bytes, framing: .datagram)
        try m.validate()
        #expect(m.method == .register)
        #expect(try m.callID() == "dblreq.0ha0isndaksdj99sdfafnl3lk233412")  // `I:` compact form
        #expect(try m.contentLength() == 0)
        #expect(m.body.isEmpty)
        #expect(!m.headers.contains(.contentType))
        #expect(m.headers.count == 8)
        let forwarded = m.serialized()
        #expect(!forwarded.contains(subsequence: "INVITE".bytes))
        #expect(!forwarded.contains(subsequence: "v=0".bytes))
        // On a stream the same bytes are not one exact message.
        #expect(parseResult(bytes, framing: .stream) == .failure(.contentLengthMismatch(declared: 0, available: 450)))
    }

    @Test("semiuri §3.1.1.9: ; and escaped @ in the Request-URI user part")
    func semiuri() throws {
        let m = try Fixture.message("semiuri")
        try m.validate()
        let ruri = try #require(m.requestURI?.sipURI)
        #expect(ruri.user == "user;par=u%40example.net")
        #expect(ruri.unescapedUser == "user;par=u@example.net")
        #expect(ruri.host == "example.com")
        #expect(ruri.parameters.isEmpty)
        #expect(ruri.port == nil)
        let accept = try m.accept()
        #expect(accept.map(\.description) == [
            "application/sdp", "application/pkcs7-mime", "multipart/mixed", "multipart/signed", "message/sip", "message/sipfrag",
        ])
    }

    @Test("transports §3.1.1.10: five Via transports, UNKNOWN included")
    func transports() throws {
        let m = try Fixture.message("transports")
        try m.validate()
        let vias = try m.vias()
        #expect(vias.map(\.transport) == ["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"])
        #expect(vias.map(\.host) == ["t1.example.com", "t2.example.com", "t3.example.com", "t4.example.com", "t5.example.com"])
        #expect(vias.allSatisfy { $0.hasRFC3261Branch })
        #expect(try m.callID() == "transports.kijh4akdnaqjkwendsasfdj")  // two spaces after the colon
    }

    @Test("mpart01 §3.1.1.11: binary multipart body kept octet for octet")
    func mpart01() throws {
        let bytes = Fixture.bytes("mpart01")
        let m = try SIPParser().parse(bytes, framing: .datagram)
        try m.validate()
        let start = try #require(bytes.headerSectionEnd)
        #expect(m.body.count == 553)
        #expect(m.body == Array(bytes[start...]))
        #expect(m.body.filter { $0 == 0 }.count == 2)
        let type = try #require(try m.contentType())
        #expect(type.type == "multipart" && type.subtype == "mixed")
        #expect(type.parameters["boundary"] == "7a9cbec02ceef655")
        #expect(try m.topVia().rport == .requested)
        #expect(m.headers.contains(.identity))
        // Serialized and re-parsed (also on a stream), the body is unchanged.
        let again = try SIPParser().parse(m.serialized(), framing: .stream)
        #expect(again.body == m.body)
        #expect(again == m)
    }

    @Test("unreason §3.1.1.12: UTF-8 reason phrase")
    func unreason() throws {
        let m = try Fixture.message("unreason")
        try m.validate()
        #expect(m.statusCode == 200)
        #expect(m.reasonPhrase == "= 2**3 * 5**2 но сто девяносто девять - простое")
        #expect(m.method == nil && m.requestURI == nil)
        #expect(m.serialized().starts(with: "SIP/2.0 200 = 2**3 * 5**2 но сто девяносто девять - простое\r\n".bytes))
    }

    @Test("noreason §3.1.1.13: empty reason phrase")
    func noreason() throws {
        let m = try Fixture.message("noreason")
        try m.validate()
        #expect(m.statusCode == 100)
        #expect(m.reasonPhrase == "")
        #expect(m.startLine == .response(version: "SIP/2.0", statusCode: 100, reasonPhrase: ""))
        #expect(m.serialized().starts(with: "SIP/2.0 100 \r\n".bytes))
    }
}

// MARK: - RFC 4475 §3.1.2: invalid messages, hand-written

@Suite("RFC 4475 §3.1.2 invalid messages")
struct InvalidTortureTests {
    @Test("badinv01 §3.1.2.1: empty Via and Contact parameters are errors")
    func badinv01() throws {
        let m = try Fixture.message("badinv01")
        #expect(isBadHeaderValue(thrownError { try m.vias() }, "Via"))
        #expect(isBadHeaderValue(thrownError { try m.contact() }, "Contact"))
        #expect(thrownError { try m.validate() }?.suggestedStatus == 400)
    }

    @Test("clerr §3.1.2.2: Content-Length larger than the datagram → 400; a stream waits for more")
    func clerr() throws {
        let bytes = Fixture.bytes("clerr")
        let error = thrownError { try SIPParser().parse(bytes, framing: .datagram) }
        #expect(error == .contentLengthMismatch(declared: 9999, available: 154))
        #expect(error?.suggestedStatus == 400)
        var framer = SIPStreamFramer()
        framer.append(bytes)
        #expect(try framer.next() == nil)
        #expect(framer.bufferedCount == bytes.count)
    }

    @Test("ncl §3.1.2.3: negative Content-Length is an error, never a count")
    func ncl() throws {
        let bytes = Fixture.bytes("ncl")
        let error = thrownError { try SIPParser().parse(bytes, framing: .datagram) }
        #expect(isBadHeaderValue(error, "Content-Length"))
        #expect(error?.suggestedStatus == 400)
        var framer = SIPStreamFramer()
        framer.append(bytes)
        #expect(thrownError { try framer.next() } != nil)
        // Non-numeric: the same.
        let text = bytes.replacingFirst("Content-Length: -999", with: "Content-Length: abc")
        #expect(isBadHeaderValue(thrownError { try SIPParser().parse(text) }, "Content-Length"))
    }

    @Test("scalar02 §3.1.2.4: overlarge CSeq, Max-Forwards, Expires, contact expires: errors, no crash")
    func scalar02() throws {
        let m = try Fixture.message("scalar02")
        #expect(isBadHeaderValue(thrownError { try m.cseq() }, "CSeq"))
        #expect(isBadHeaderValue(thrownError { try m.maxForwards() }, "Max-Forwards"))
        // Expires beyond 2^32-1: an error, or clamped to 2^32-1.
        switch attempt({ try m.expires() }) {
        case .success(let value): #expect(value == UInt32.max)
        case .failure(let error): #expect(isBadHeaderValue(error, "Expires"))
        }
        guard case .addresses(let contacts)? = try m.contact() else { Issue.record("no Contact"); return }
        #expect(contacts.first?.parameters["expires"] == "280297596632815")
        #expect(contacts.first?.expires == nil || contacts.first?.expires == UInt32.max)
        let error = thrownError { try m.validate() }
        #expect(isBadHeaderValue(error, "CSeq"))
        #expect(error?.suggestedStatus == 400)
    }

    @Test("scalarlg §3.1.2.5: response with overlarge scalars is rejected (to be discarded)")
    func scalarlg() throws {
        let m = try Fixture.message("scalarlg")
        #expect(m.statusCode == 503)
        #expect(isBadHeaderValue(thrownError { try m.cseq() }, "CSeq"))
        #expect(m.headers.first(.retryAfter) == "949302838503028349304023988")
        #expect(m.headers.first(.warning) == "1812 overture \"In Progress\"")
        #expect(thrownError { try m.validate() } != nil)
    }

    @Test("quotbal §3.1.2.6: unterminated quoted display name")
    func quotbal() throws {
        let m = try Fixture.message("quotbal")
        let error = thrownError { try m.to() }
        #expect(isBadHeaderValue(error, "To"))
        #expect(thrownError { try m.validate() }?.suggestedStatus == 400)
        #expect(try m.from().tag == "93334")  // the other headers are fine
    }

    @Test("ltgtruri §3.1.2.7: <> around the Request-URI → 400")
    func ltgtruri() {
        let error = thrownError { try SIPParser().parse(Fixture.bytes("ltgtruri")) }
        #expect(error != nil)
        #expect(error?.suggestedStatus == 400)
    }

    @Test("lwsruri / lwsstart / trws §3.1.2.8–10: whitespace in the Request-Line → 400", arguments: ["lwsruri", "lwsstart", "trws"])
    func requestLineWhitespace(_ name: String) {
        let error = thrownError { try SIPParser().parse(Fixture.bytes(name)) }
        #expect(isBadStartLine(error), "\(String(describing: error))")
        #expect(error?.suggestedStatus == 400)
    }

    @Test("escruri §3.1.2.11: escaped headers in the Request-URI never become header fields")
    func escruri() throws {
        switch parseResult(Fixture.bytes("escruri")) {
        case .failure(let error):
            #expect(error.suggestedStatus == 400)
        case .success(let m):
            if let error = thrownError({ try m.validate() }) {
                #expect(error.suggestedStatus == 400)
            } else {
                #expect(m.requestURI?.sipURI?.headers["Route"] == "%3Csip:example.com%3E")
                #expect(!m.headers.contains(.route))
                #expect(try m.routes().isEmpty)
            }
        }
    }

    @Test("badaspec §3.1.2.14: spaces inside <> do not break the parser; To is rejected")
    func badaspec() throws {
        let m = try Fixture.message("badaspec")
        #expect(try m.from().displayName == "Bell, Alexander")
        switch attempt({ try m.to() }) {
        case .failure(let error): #expect(error.suggestedStatus == 400)
        case .success(let to): #expect(to.uri.description == "sip:t.watson@example.org")  // liberal: spaces ignored
        }
    }

    @Test("baddn §3.1.2.15: as archived (no empty line) the datagram is truncated")
    func baddnAsArchived() throws {
        let bytes = Fixture.bytes("baddn")
        #expect(bytes.headerSectionEnd == nil)
        #expect(bytes.suffix(6) == ArraySlice("l: 0\r\n".bytes))
        let error = thrownError { try SIPParser().parse(bytes, framing: .datagram) }
        #expect(error == .incompleteHeaders)
        #expect(error?.suggestedStatus == 400)
        var framer = SIPStreamFramer()
        framer.append(bytes)
        #expect(try framer.next() == nil)  // a stream waits for the end of the headers
    }

    @Test("baddn §3.1.2.15: with the header section terminated, unquoted non-token display names are rejected")
    func baddnDisplayNames() throws {
        let m = try SIPParser().parse(Fixture.bytes("baddn") + "\r\n".bytes)
        let from = attempt({ try m.from() })
        let to = attempt({ try m.to() })
        // Reject (400), or infer the quotes — never a wrong address.
        switch from {
        case .failure(let error): #expect(error.suggestedStatus == 400)
        case .success(let address):
            #expect(address.displayName == "Bell, Alexander")
            #expect(address.uri.description == "sip:a.g.bell@example.com")
        }
        switch to {
        case .failure(let error): #expect(error.suggestedStatus == 400)
        case .success(let address):
            #expect(address.displayName == "Watson, Thomas")
            #expect(address.uri.description == "sip:t.watson@example.org")
        }
        if case .failure = from {} else if case .failure = to {} else {
            Issue.record("both display names accepted; validate() must then not fail either")
        }
    }

    @Test("badvers §3.1.2.16: SIP/7.0 → 505 Version Not Supported")
    func badvers() throws {
        let m = try Fixture.message("badvers")
        #expect(m.version == "SIP/7.0")
        let error = thrownError { try m.validate() }
        #expect(error == .unsupportedVersion("SIP/7.0"))
        #expect(error?.suggestedStatus == 505)
        #expect(error?.reasonPhrase.hasPrefix("Version Not Supported") == true)
        #expect(try m.topVia().protocolVersion == "7.0")
    }

    @Test("mismatch01 §3.1.2.17: CSeq method differs from the request method → 400")
    func mismatch01() throws {
        let m = try Fixture.message("mismatch01")
        let error = thrownError { try m.validate() }
        #expect(error == .cseqMethodMismatch(cseq: "INVITE", request: "OPTIONS"))
        #expect(error?.suggestedStatus == 400)
    }

    @Test("mismatch02 §3.1.2.18: unknown method with mismatched CSeq → 501 or 400")
    func mismatch02() throws {
        let m = try Fixture.message("mismatch02")
        #expect(m.method == .other("NEWMETHOD"))
        let error = thrownError { try m.validate() }
        #expect(error == .cseqMethodMismatch(cseq: "INVITE", request: "NEWMETHOD"))
        #expect([400, 501].contains(error?.suggestedStatus ?? 0))
    }

    @Test("bigcode §3.1.2.19: status code 4294967301 is rejected without overflow")
    func bigcode() {
        let error = thrownError { try SIPParser().parse(Fixture.bytes("bigcode")) }
        #expect(isBadStartLine(error))
        for code in ["700", "099", "1000", "99", "-20", "2x0"] {
            let text = crlf("SIP/2.0 \(code) Odd", "Via: SIP/2.0/UDP h;branch=z9hG4bK1", "Content-Length: 0", "")
            #expect(isBadStartLine(thrownError { try SIPParser().parse(text) }), "status \(code)")
        }
    }
}

// MARK: - RFC 4475 §3.2–3.4: transaction / application layer semantics

@Suite("RFC 4475 §3.2–3.4 semantics")
struct SemanticTortureTests {
    @Test("badbranch §3.2.1: a branch that is only the magic cookie is no RFC 3261 transaction id")
    func badbranch() throws {
        let m = try Fixture.message("badbranch")
        try m.validate()  // the parser must not break
        let via = try m.topVia()
        #expect(via.branch == "z9hG4bK")
        #expect(via.hasRFC3261Branch == false, "z9hG4bK alone identifies no transaction (fall back to RFC 2543 matching)")
    }

    @Test("insuf §3.3.1: missing Call-ID, From, To → 400, without breaking")
    func insuf() throws {
        let m = try Fixture.message("insuf")
        #expect(thrownError { try m.callID() } == .missingHeader("Call-ID"))
        #expect(thrownError { try m.from() } == .missingHeader("From"))
        #expect(thrownError { try m.to() } == .missingHeader("To"))
        #expect(try m.maxForwards() == nil)
        #expect(thrownError { try m.validate() }?.suggestedStatus == 400)
        #expect(m.body.count == 152)
    }

    @Test("unkscm §3.3.2: unknown Request-URI scheme parses, then 416")
    func unkscm() throws {
        let m = try Fixture.message("unkscm")
        guard case .absolute(let uri)? = m.requestURI else { Issue.record("not an absolute URI"); return }
        #expect(uri.scheme == "nobodyKnowsThisScheme")
        #expect(uri.specific == "totallyopaquecontent")
        let error = thrownError { try m.validate() }
        #expect(error == .unsupportedURIScheme("nobodyKnowsThisScheme"))
        #expect(error?.suggestedStatus == 416)
        #expect(try m.to().uri.description == "sip:user@example.com")
    }

    @Test("novelsc §3.3.3: known but atypical scheme → 416")
    func novelsc() throws {
        let m = try Fixture.message("novelsc")
        #expect(m.requestURI?.description == "soap.beep://192.0.2.103:3002")
        #expect(m.requestURI?.scheme == "soap.beep")
        #expect(thrownError { try m.validate() }?.suggestedStatus == 416)
    }

    @Test("unksm2 §3.3.4: non-SIP schemes in To, From, Contact parse")
    func unksm2() throws {
        let m = try Fixture.message("unksm2")
        try m.validate()
        #expect(try m.to().uri == .absolute(AbsoluteURI(scheme: "isbn", specific: "2983792873")))
        #expect(try m.from().uri.description == "http://www.example.com")
        #expect(try m.from().tag == "3234233")
        guard case .addresses(let contacts)? = try m.contact() else { Issue.record("no Contact"); return }
        #expect(contacts.first?.uri.scheme == "name")
        #expect(contacts.first?.uri.description == "name:John_Smith")
    }

    @Test("bext01 §3.3.5: Require / Proxy-Require list unknown options")
    func bext01() throws {
        let m = try Fixture.message("bext01")
        try m.validate()
        #expect(try m.require() == ["nothingSupportsThis", "nothingSupportsThisEither"])
        #expect(try m.proxyRequire() == ["noProxiesSupportThis", "norDoAnyProxiesSupportThis"])
        #expect(try m.supported().isEmpty)
        #expect(try m.topVia().transport == "TLS")
    }

    @Test("invut §3.3.6: unknown Content-Type parses")
    func invut() throws {
        let m = try Fixture.message("invut")
        try m.validate()
        let type = try #require(try m.contentType())
        #expect(type.type == "application" && type.subtype == "unknownformat")
        #expect(!type.matches(.sdp))
        #expect(m.body == "<audio>\r\n <pcmu port=\"443\"/>\r\n</audio>\r\n".bytes)
    }

    @Test("regaut01 §3.3.7: unknown Authorization scheme is kept")
    func regaut01() throws {
        let m = try Fixture.message("regaut01")
        try m.validate()
        let credentials = try m.authorization()
        #expect(credentials.count == 1)
        #expect(credentials.first?.scheme == "NoOneKnowsThisScheme")
        #expect(credentials.first?.value("opaque-data") == "here")
        #expect(try m.contentLength() == 0)  // "Content-Length:0"
    }

    @Test("multi01 §3.3.8: several values of single-value headers → 400")
    func multi01() throws {
        let m = try Fixture.message("multi01")
        #expect(thrownError { try m.callID() } == .duplicateHeader("Call-ID"))
        #expect(thrownError { try m.cseq() } == .duplicateHeader("CSeq"))
        #expect(thrownError { try m.from() } == .duplicateHeader("From"))
        #expect(thrownError { try m.to() } == .duplicateHeader("To"))
        #expect(thrownError { try m.maxForwards() } == .duplicateHeader("Max-Forwards"))
        #expect(m.headers.lines(.callID) == ["multi01.98asdh@192.0.2.1", "multi01.98asdh@192.0.2.2"])
        guard case .addresses(let contacts)? = try m.contact() else { Issue.record("no Contact"); return }
        #expect(contacts.count == 2)  // Contact may repeat
        #expect(thrownError { try m.validate() }?.suggestedStatus == 400)
    }

    @Test("mcl01 §3.3.9: conflicting Content-Length values are a framing error (datagram and stream)")
    func mcl01() throws {
        let bytes = Fixture.bytes("mcl01")
        let error = thrownError { try SIPParser().parse(bytes, framing: .datagram) }
        #expect(error == .duplicateHeader("Content-Length"))
        #expect(error?.suggestedStatus == 400)
        var framer = SIPStreamFramer()
        framer.append(bytes)
        #expect(thrownError { try framer.next() } == .duplicateHeader("Content-Length"))
    }

    @Test("bcast §3.3.10: broadcast sent-by in the second Via parses")
    func bcast() throws {
        let m = try Fixture.message("bcast")
        try m.validate()
        let vias = try m.vias()
        #expect(vias.count == 2)
        #expect(vias[1].host == "255.255.255.255")
        #expect(vias[1].port == nil)
    }

    @Test("zeromf §3.3.11: Max-Forwards 0 parses")
    func zeromf() throws {
        let m = try Fixture.message("zeromf")
        try m.validate()
        #expect(try m.maxForwards() == 0)
    }

    @Test("cparam01 §3.3.12: addr-spec Contact: ;unknownparam is a contact-param")
    func cparam01() throws {
        let m = try Fixture.message("cparam01")
        try m.validate()
        guard case .addresses(let contacts)? = try m.contact() else { Issue.record("no Contact"); return }
        let contact = try #require(contacts.first)
        #expect(contact.uri.description == "sip:+19725552222@gw1.example.net")
        #expect(contact.uri.sipURI?.parameters.isEmpty == true)
        #expect(contact.parameters.contains(named: "unknownparam"))
    }

    @Test("cparam02 §3.3.13: name-addr Contact: ;unknownparam is a URI parameter")
    func cparam02() throws {
        let m = try Fixture.message("cparam02")
        try m.validate()
        guard case .addresses(let contacts)? = try m.contact() else { Issue.record("no Contact"); return }
        let contact = try #require(contacts.first)
        #expect(contact.uri.description == "sip:+19725552222@gw1.example.net;unknownparam")
        #expect(contact.uri.sipURI?.parameters.contains(named: "unknownparam") == true)
        #expect(contact.parameters.isEmpty)
    }

    @Test("regescrt §3.3.14: escaped Route header inside the Contact URI")
    func regescrt() throws {
        let m = try Fixture.message("regescrt")
        try m.validate()
        #expect(try m.contentLength() == 0)  // `L:0`
        guard case .addresses(let contacts)? = try m.contact() else { Issue.record("no Contact (`M:`)"); return }
        let uri = try #require(contacts.first?.uri.sipURI)
        #expect(uri.description == "sip:user@example.com?Route=%3Csip:sip.example.com%3E")
        #expect(uri.headers["Route"] == "%3Csip:sip.example.com%3E")
        #expect(uri.headers["route"] == "%3Csip:sip.example.com%3E")
        #expect(uri.headers["Route"].map(PercentEncoding.decode) == "<sip:sip.example.com>")
        #expect(!m.headers.contains(.route))
    }

    @Test("sdp01 §3.3.15: Accept without application/sdp")
    func sdp01() throws {
        let m = try Fixture.message("sdp01")
        try m.validate()
        let accept = try m.accept()
        #expect(accept.count == 1)
        #expect(accept.first.map { "\($0.type)/\($0.subtype)" } == "text/nobodyKnowsThis")
        #expect(accept.contains { $0.matches(.sdp) } == false)
    }

    @Test("inv2543 §3.4.1: RFC 2543 request: no branch, no tag, no Content-Length, no Max-Forwards")
    func inv2543() throws {
        let bytes = Fixture.bytes("inv2543")
        let m = try SIPParser().parse(bytes, framing: .datagram)
        try m.validate()
        let via = try m.topVia()
        #expect(via.branch == nil)
        #expect(via.hasRFC3261Branch == false)
        #expect(try m.from().tag == nil)
        #expect(try m.maxForwards() == nil)
        #expect(try m.contentLength() == nil)
        #expect(m.body.count == 105)
        #expect(m.body == Array(bytes[try #require(bytes.headerSectionEnd)...]))
        // To is an addr-spec: ;user=phone is a header parameter, not a URI parameter.
        let to = try m.to()
        #expect(to.uri.description == "sip:+16505552222@ss1.example.net")
        #expect(to.parameters["user"] == "phone")
        // From is a name-addr: ;user=phone belongs to the URI.
        #expect(try m.from().uri.sipURI?.parameters["user"] == "phone")
        let recordRoute = try m.recordRoutes()
        #expect(recordRoute.first?.uri.sipURI?.parameters["maddr"] == "ss1.example.com")
        // On a stream, Content-Length is mandatory.
        #expect(parseResult(bytes, framing: .stream) == .failure(.missingContentLength))
    }
}

// MARK: - RFC 5118: IPv6

@Suite("RFC 5118 IPv6 messages")
struct IPv6TortureTests {
    @Test("§4.1 ipv6-good: IPv6 references in Request-URI, Via, Contact")
    func good() throws {
        let m = try Fixture.message("ipv6-good")
        try m.validate()
        let ruri = try #require(m.requestURI?.sipURI)
        #expect(ruri.host == "[2001:db8::10]")
        #expect(ruri.bareHost == "2001:db8::10")
        #expect(ruri.port == nil)
        let via = try m.topVia()
        #expect(via.host == "[2001:db8::9:1]")
        #expect(via.port == nil)
        guard case .addresses(let contacts)? = try m.contact() else { Issue.record("no Contact"); return }
        #expect(contacts.first?.uri.sipURI?.host == "[2001:db8::1]")
        #expect(contacts.first?.uri.sipURI?.user == "caller")
    }

    @Test("§4.2 ipv6-bad: IPv6 address without [] in the Request-URI → 400")
    func bad() {
        let error = thrownError { try SIPParser().parse(Fixture.bytes("ipv6-bad")) }
        #expect(error != nil)
        #expect(isMalformedURI(error) || isBadStartLine(error), "\(String(describing: error))")
        #expect(error?.suggestedStatus == 400)
        #expect(isMalformedURI(thrownError { try URI("sip:2001:db8::10") }))
    }

    @Test("§4.3 port-ambiguous: [2001:db8::10:5070] is an address without a port")
    func portAmbiguous() throws {
        let m = try Fixture.message("port-ambiguous")
        try m.validate()
        let ruri = try #require(m.requestURI?.sipURI)
        #expect(ruri.host == "[2001:db8::10:5070]")
        #expect(ruri.port == nil)
    }

    @Test("§4.4 port-unambiguous: [2001:db8::10]:5070")
    func portUnambiguous() throws {
        let m = try Fixture.message("port-unambiguous")
        try m.validate()
        let ruri = try #require(m.requestURI?.sipURI)
        #expect(ruri.host == "[2001:db8::10]")
        #expect(ruri.port == 5070)
        #expect(ruri.hostPort == "[2001:db8::10]:5070")
    }

    @Test("§4.5 via received=[IPv6] with delimiters")
    func receivedWithDelimiters() throws {
        let m = try Fixture.message("via-received-param-with-delim")
        try m.validate()
        let via = try m.topVia()
        #expect(via.received == "[2001:db8::9:255]")
        #expect(via.branch == "z9hG4bKas3-111")
        #expect(try m.vias().count == 1)
    }

    @Test("§4.5 via received=IPv6 without delimiters (the RFC 3261 grammar: via-received = IPv6address)")
    func receivedWithoutDelimiters() throws {
        let m = try Fixture.message("via-received-param-no-delim")
        #expect(thrownError { try m.validate() } == nil)
        let top = try m.topVia()
        #expect(top.received == "2001:db8::9:255")
        #expect(top.branch == "z9hG4bKas3")
        let vias = try m.vias()
        #expect(vias.count == 1)
        #expect(vias.first?.received == "2001:db8::9:255")
    }

    @Test("§4.6 ipv6-in-sdp: the RFC's Content-Length (268) exceeds the 251-octet body")
    func ipv6InSDP() throws {
        let bytes = Fixture.bytes("ipv6-in-sdp")
        #expect(parseResult(bytes) == .failure(.contentLengthMismatch(declared: 268, available: 251)))
        // With the length corrected the message is fine; the SDP addresses have no [].
        let fixed = bytes.replacingFirst("Content-Length: 268", with: "Content-Length: 251")
        let m = try SIPParser().parse(fixed)
        try m.validate()
        #expect(m.body.count == 251)
        #expect(m.body.contains(subsequence: "c=IN IP6 2001:db8::20".bytes))
        #expect(m.requestURI?.sipURI?.host == "[2001:db8::10]")
        #expect(try m.topVia().host == "[2001:db8::20]")
    }

    @Test("§4.7 mult-ip-in-header: IPv4 and IPv6 Via values, port after ], IPv4 received")
    func multipleAddressesInHeaders() throws {
        let m = try Fixture.message("mult-ip-in-header")
        try m.validate()
        let vias = try m.vias()
        #expect(vias.map(\.host) == ["[2001:db8::9:1]", "192.0.2.1", "[2001:db8::9:255]"])
        #expect(vias.map(\.port) == [6050, nil, nil])
        #expect(vias.map(\.transport) == ["UDP", "UDP", "TCP"])
        #expect(vias[2].received == "192.0.2.200")
    }

    @Test("§4.8 mult-ip-in-sdp: datagram body cut at the declared 181 octets")
    func multipleAddressesInSDP() throws {
        let bytes = Fixture.bytes("mult-ip-in-sdp")
        let m = try SIPParser().parse(bytes)
        try m.validate()
        #expect(m.body.count == 181)
        #expect(m.body == Array(bytes[try #require(bytes.headerSectionEnd)...].prefix(181)))
    }

    @Test("§4.9 ipv4-mapped-ipv6: ::ffff:a.b.c.d references")
    func ipv4Mapped() throws {
        let m = try Fixture.message("ipv4-mapped-ipv6")
        try m.validate()
        let vias = try m.vias()
        #expect(vias.map(\.host) == ["[::ffff:192.0.2.10]", "[::ffff:192.0.2.2]"])
        #expect(vias.first?.port == 19823)
        guard case .addresses(let contacts)? = try m.contact() else { Issue.record("no Contact"); return }
        #expect(contacts.first?.uri.sipURI?.host == "[::ffff:192.0.2.2]")
        #expect(m.body.count == 236)
    }

    @Test("§4.10 three colons (tolerated) and two colons", arguments: [
        ("ipv6-bug-abnf-3-colons", "[2001:db8:::192.0.2.1]"), ("ipv6-correct-abnf-2-colons", "[2001:db8::192.0.2.1]"),
    ])
    func abnfBug(_ name: String, _ host: String) throws {
        let m = try Fixture.message(name)
        try m.validate()
        #expect(m.requestURI?.sipURI?.host == host)
        #expect(try m.to().uri.sipURI?.host == host)
    }
}

import SIPMessage
import SIPTransaction
@testable import SIPCore

/// Helpers for the SUBSCRIBE/NOTIFY, message-summary and REFER suites (adopt the protocol to
/// use them unqualified; kept off the module's top level, which other suites share).
protocol EventsFixture {}

extension EventsFixture {
    /// Parses a message written as lines (joined with CRLF; Content-Length added).
    func parse(_ lines: [String], body: String = "") -> SIPMessage {
        let text = lines.joined(separator: "\r\n") + "\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
        do { return try SIPMessage(parsing: text) } catch { preconditionFailure("test message does not parse: \(error)\n\(text)") }
    }

    /// A message as the peer would receive it: serialized and parsed again.
    func onTheWire(_ message: SIPMessage) -> SIPMessage {
        (try? SIPMessage(parsing: message.serialized())) ?? message
    }

    /// Alice's phone subscribes to her mailbox.
    func subscribe(event: String? = "message-summary", expires: String? = "3600", toTag: String? = nil, cseq: UInt32 = 1,
                   contact: String? = "<sip:alice@192.0.2.50:5060>", user: String = "alice",
                   extra: [String] = []) -> SIPMessage {
        var lines = [
            "SUBSCRIBE sip:\(user)@switchboard.example SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.50:5060;branch=z9hG4bKsub\(cseq)",
            "Max-Forwards: 70",
            "From: <sip:alice@switchboard.example>;tag=phone1",
            "To: <sip:\(user)@switchboard.example>" + (toTag.map { ";tag=\($0)" } ?? ""),
            "Call-ID: mwi-1@192.0.2.50",
            "CSeq: \(cseq) SUBSCRIBE",
        ]
        if let contact { lines.append("Contact: \(contact)") }
        if let event { lines.append("Event: \(event)") }
        if let expires { lines.append("Expires: \(expires)") }
        return parse(lines + extra)
    }

    /// The phone's response to a NOTIFY we sent.
    func response(to request: SIPMessage, _ status: Int) -> SIPMessage {
        onTheWire(SIPMessage.response(to: onTheWire(request), status: status))
    }

    var notifierContact: NameAddress { NameAddress(uri: .sip(SIPURI(user: "mwi", host: "192.0.2.1", port: 5060))) }

    /// A notifier with the message-summary package (account host `switchboard.example`),
    /// min 60 s, max 3600 s.
    func makeNotifier() -> Notifier {
        Notifier(configuration: NotifierConfiguration(contact: notifierContact, minExpires: 60, maxExpires: 3600),
                 packages: [MessageSummaryPackage(accountHost: "switchboard.example")])
    }

    func at(seconds: Double) -> SIPInstant { SIPInstant.zero + .milliseconds(Int64(seconds * 1000)) }

    /// The RFC 3842 example body (message summary in the RFC's example NOTIFY).
    var rfcExampleBody: String {
        "Messages-Waiting: yes\r\nMessage-Account: sip:alice@vmail.example.com\r\nVoice-Message: 2/8 (0/2)\r\n"
    }
}

/// Makes Vias with branches `z9hG4bKn1`, `z9hG4bKn2` … in order, as the transaction layer's
/// `newBranch()` would (deterministically).
struct ViaFactory {
    private(set) var made = 0

    mutating func next() -> Via {
        made += 1
        return Via(transport: "UDP", host: "192.0.2.1", port: 5060, branch: "z9hG4bKn\(made)")
    }
}

extension NotifierAction {
    /// The NOTIFY of a `.sendNotify`, nil otherwise.
    var notify: SIPMessage? {
        if case .sendNotify(_, let request) = self { return request.message }
        return nil
    }

    /// The response of a `.respond`, nil otherwise.
    var response: SIPMessage? {
        if case .respond(let message) = self { return message }
        return nil
    }
}

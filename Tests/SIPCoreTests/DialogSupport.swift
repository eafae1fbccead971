import SIPMessage
import SIPTransaction
@testable import SIPCore

/// Helpers for the dialog and session-timer suites, available unqualified in suites that
/// adopt this protocol (kept off the module's top level, which other SIPCore suites share).
protocol DialogFixture {}

extension DialogFixture {
    /// Parses a message written with `\n` line ends (converted to CRLF).
    func message(_ lines: [String], body: String = "") -> SIPMessage {
        let text = lines.joined(separator: "\r\n") + "\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
        do { return try SIPMessage(parsing: text) } catch { preconditionFailure("test message does not parse: \(error)\n\(text)") }
    }

    /// The INVITE Alice sends Bob through two record-routing proxies.
    func aliceInvite(recordRoute: [String] = ["<sip:p2.example.com;lr>", "<sip:p1.example.com;lr>"],
                     requestURI: String = "sip:bob@example.com", contact: String? = "<sip:alice@192.0.2.10:5060>",
                     cseq: UInt32 = 314159, extra: [String] = []) -> SIPMessage {
        var lines = [
            "INVITE \(requestURI) SIP/2.0",
            "Via: SIP/2.0/UDP p2.example.com;branch=z9hG4bKp2",
            "Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKalice",
            "Max-Forwards: 68",
            "From: \"Alice\" <sip:alice@example.org>;tag=1928301774",
            "To: <sip:bob@example.com>",
            "Call-ID: a84b4c76e66710@192.0.2.10",
            "CSeq: \(cseq) INVITE",
        ]
        for route in recordRoute { lines.append("Record-Route: \(route)") }
        if let contact { lines.append("Contact: \(contact)") }
        lines += extra
        return message(lines)
    }

    /// Our response to `request` with `tag`, our Contact and `extra` headers.
    func answer(_ request: SIPMessage, _ status: Int, tag: String = "bobtag", contact: String = "<sip:bob@192.0.2.20:5060>",
                extra: [String] = []) -> SIPMessage {
        var response = SIPMessage.response(to: request, status: status, toTag: tag)
        response.headers.append(.contact, contact)
        for line in extra {
            let parts = line.split(separator: ":", maxSplits: 1)
            response.headers.append(String(parts[0]), String(parts[1].dropFirst()))
        }
        // Round trip, so headers parse as received ones would.
        return (try? SIPMessage(parsing: response.serialized())) ?? response
    }

    /// The UAC's view: the INVITE we sent (one Via, no Record-Route) and responses to it.
    func ourInvite(requestURI: String = "sip:bob@example.com", cseq: UInt32 = 1) -> SIPMessage {
        message([
            "INVITE \(requestURI) SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKours",
            "Max-Forwards: 70",
            "From: <sip:ivr@switchboard.example>;tag=ourtag",
            "To: <sip:bob@example.com>",
            "Call-ID: call-1@switchboard.example",
            "CSeq: \(cseq) INVITE",
            "Contact: <sip:ivr@192.0.2.1:5060>",
        ])
    }

    /// A response from a fork of Bob: To tag `tag`, the given Record-Route (as the UAC sees it:
    /// the order the proxies added them, nearest to the UAS first) and Contact.
    func forkResponse(to invite: SIPMessage, _ status: Int, tag: String?, contact: String = "<sip:bob@192.0.2.20:5060>",
                      recordRoute: [String] = ["<sip:p2.example.com;lr>", "<sip:p1.example.com;lr>"]) -> SIPMessage {
        var lines = [
            "SIP/2.0 \(status) \(ReasonPhrase.standard(for: status))",
            "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKours",
            "From: <sip:ivr@switchboard.example>;tag=ourtag",
            "To: <sip:bob@example.com>" + (tag.map { ";tag=\($0)" } ?? ""),
            "Call-ID: call-1@switchboard.example",
            "CSeq: \((try? invite.cseq())?.sequence ?? 1) INVITE",
            "Contact: \(contact)",
        ]
        for route in recordRoute { lines.append("Record-Route: \(route)") }
        return message(lines)
    }

    /// A request from the peer within dialog `dialog` (as the peer would build it).
    func peerRequest(_ method: String, in dialog: Dialog, cseq: UInt32, contact: String? = nil, toTag: String? = nil) -> SIPMessage {
        var lines = [
            "\(method) \(dialog.localContact?.uri.description ?? "sip:us@192.0.2.1") SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bKpeer\(cseq)\(method)",
            "Max-Forwards: 70",
            "From: \(dialog.remoteParty.description)",
            "To: " + (toTag.map { dialog.localParty.with(parameter: "tag", $0).description } ?? dialog.localParty.description),
            "Call-ID: \(dialog.id.callID)",
            "CSeq: \(cseq) \(method)",
        ]
        if let contact { lines.append("Contact: \(contact)") }
        return message(lines)
    }

    var testVia: Via { Via(transport: "UDP", host: "192.0.2.1", port: 5060, branch: "z9hG4bKnew1") }

    func at(_ duration: Duration) -> SIPInstant { SIPInstant.zero + duration }
    func ms(_ value: Int) -> SIPInstant { at(.milliseconds(value)) }

    func uasDialog(recordRoute: [String] = ["<sip:p2.example.com;lr>", "<sip:p1.example.com;lr>"], status: Int = 200) -> Dialog? {
        let invite = aliceInvite(recordRoute: recordRoute)
        return try? Dialog.uas(request: invite, response: answer(invite, status))
    }
}

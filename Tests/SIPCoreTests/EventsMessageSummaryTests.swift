import Testing
import SIPMessage
import SIPTransaction
@testable import SIPCore

@Suite("message-summary (RFC 3842)")
struct EventsMessageSummaryTests: EventsFixture {
    @Test("The RFC 3842 example body parses as the RFC describes it and renders back byte for byte")
    func rfcExampleRoundTrip() throws {
        let body = Array(rfcExampleBody.utf8)
        let summary = try MessageSummary(parsing: body)
        #expect(summary.messagesWaiting)
        #expect(summary.account == "sip:alice@vmail.example.com")
        #expect(summary[.voice] == MessageCounts(new: 2, old: 8, urgentNew: 0, urgentOld: 2))
        #expect(summary[.fax] == nil)
        #expect(summary.rendered() == body)
        #expect(summary.text == rfcExampleBody)
    }

    @Test("Rendering from values: CRLF lines in §5.2 order; urgent counts only when given")
    func render() {
        let summary = MessageSummary(messagesWaiting: false, account: nil,
                                     counts: [(.voice, MessageCounts(new: 0, old: 3)),
                                              (.fax, MessageCounts(new: 1, old: 0, urgentNew: 1, urgentOld: 0))])
        #expect(summary.text == "Messages-Waiting: no\r\nVoice-Message: 0/3\r\nFax-Message: 1/0 (1/0)\r\n")
        let voicemail = MessageSummary(account: "sip:bob@switchboard.example", voice: MessageCounts(new: 4, old: 0))
        #expect(voicemail.text == "Messages-Waiting: yes\r\nMessage-Account: sip:bob@switchboard.example\r\nVoice-Message: 4/0\r\n")
        // A CR or LF in the account cannot start a new line.
        let hostile = MessageSummary(messagesWaiting: true, account: "sip:a@b\r\nVoice-Message: 9/9")
        #expect(hostile.text == "Messages-Waiting: yes\r\nMessage-Account: sip:a@bVoice-Message: 9/9\r\n")
    }

    @Test("Parsing is tolerant where the grammar allows (case, HCOLON/SLASH whitespace, bare LF, extensions) and stops at the blank line")
    func tolerantParse() throws {
        let text = "messages-waiting :  YES\nMESSAGE-ACCOUNT: sip:x@y\nvoice-message: 12 / 3 ( 1 / 0 )\nX-Extension-Message: 1/1\n"
            + "\r\nTo: <sip:alice@example.com>\r\nVoice-Message: 99/99\r\n"
        let summary = try MessageSummary(parsing: Array(text.utf8))
        #expect(summary.messagesWaiting)
        #expect(summary.account == "sip:x@y")
        #expect(summary[.voice] == MessageCounts(new: 12, old: 3, urgentNew: 1, urgentOld: 0))
        #expect(summary.counts.count == 1)
    }

    @Test("Malformed bodies are errors, not crashes")
    func malformed() throws {
        func error(_ text: String) -> MessageSummaryError? {
            do { _ = try MessageSummary(parsing: Array(text.utf8)); return nil } catch { return error }
        }
        #expect(error("Voice-Message: 1/2\r\n") == .missingStatus)
        #expect(error("") == .missingStatus)
        #expect(error("Messages-Waiting: maybe\r\n") == .badLine(1))
        #expect(error("Messages-Waiting: yes\r\ngarbage\r\n") == .badLine(2))
        #expect(error("Messages-Waiting: yes\r\nVoice-Message: 1\r\n") == .badLine(2))
        #expect(error("Messages-Waiting: yes\r\nVoice-Message: 1/2 (3)\r\n") == .badLine(2))
        #expect(error("Messages-Waiting: yes\r\nVoice-Message: -1/2\r\n") == .badLine(2))
        #expect(error("Messages-Waiting: yes\r\nVoice-Message: 4294967296/0\r\n") == .badLine(2))
        #expect(error("Messages-Waiting: yes\r\nMessage-Account:\r\n") == .badLine(2))
        #expect(error("Messages-Waiting: yes\r\nMessage-Account: sip:a@b\rVoice-Message: 1/1\r\n") == .badLine(2))
        #expect(error("Messages-Waiting: yes\r\nMessage-Account: alice at home\r\n") == .badLine(2))
        #expect(error("Messages-Waiting: yes\r\n" + String(repeating: "x", count: MessageSummary.maximumBodySize)) == .tooLarge)
        #expect(try MessageSummary(parsing: Array("Messages-Waiting: yes\r\nVoice-Message: 4294967295/0\r\n".utf8))[.voice]?.new
                == UInt32.max)
    }

    @Test("The package: name, type, resource = Request-URI user, default body says nothing waiting")
    func package() {
        let package = MessageSummaryPackage(accountHost: "switchboard.example")
        #expect(package.name == "message-summary")
        #expect(package.contentType.description == "application/simple-message-summary")
        #expect(package.defaultExpires == 3600)
        #expect(package.resource(of: subscribe(user: "sales%20desk")) == "sales desk")
        #expect(String(decoding: package.defaultBody(for: "bob"), as: UTF8.self)
                == "Messages-Waiting: no\r\nMessage-Account: sip:bob@switchboard.example\r\nVoice-Message: 0/0\r\n")
        #expect(MessageSummaryPackage().account(for: "bob") == nil)
    }

    @Test("Unsolicited NOTIFY: out of dialog, Event: message-summary, Subscription-State: active, exact text")
    func unsolicited() throws {
        let summary = try MessageSummary(parsing: Array(rfcExampleBody.utf8))
        let notify = MessageSummaryPackage.unsolicitedNotify(
            to: try URI("sip:alice@192.0.2.50:5060"), recipient: try NameAddress("<sip:alice@switchboard.example>"),
            from: try NameAddress("<sip:switchboard.example>;tag=mwi9"), callID: "u1@switchboard.example",
            via: Via(transport: "UDP", host: "192.0.2.1", port: 5060, branch: "z9hG4bKu1"),
            contact: notifierContact, summary: summary)
        #expect(notify.text == [
            "NOTIFY sip:alice@192.0.2.50:5060 SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKu1",
            "Max-Forwards: 70",
            "From: <sip:switchboard.example>;tag=mwi9",
            "To: <sip:alice@switchboard.example>",
            "Call-ID: u1@switchboard.example",
            "CSeq: 1 NOTIFY",
            "Contact: <sip:mwi@192.0.2.1:5060>",
            "Event: message-summary",
            "Subscription-State: active",
            "Content-Type: application/simple-message-summary",
            "Content-Length: 95",
            "", rfcExampleBody,
        ].joined(separator: "\r\n"))
        // As a phone receives it: it parses, and so does its body.
        let received = onTheWire(notify)
        #expect(try received.event() == EventValue(package: "message-summary"))
        #expect(try received.subscriptionState()?.state == "active")
        #expect(try MessageSummary(parsing: received.body) == summary)
    }
}

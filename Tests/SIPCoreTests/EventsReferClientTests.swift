import Testing
import SIPMessage
import SIPTransaction
@testable import SIPCore

@Suite("REFER issuer: blind transfer out of a call (RFC 3515)")
struct EventsReferClientTests: EventsFixture, DialogFixture {
    /// The caller's INVITE dialog, we being its UAS.
    func callDialog() throws -> Dialog {
        let invite = aliceInvite(recordRoute: [])
        return try Dialog.uas(request: invite, response: answer(invite, 200))
    }

    /// A NOTIFY from the transferee in `dialog`, built as the peer would: its `cseq`-th
    /// request after the INVITE (CSeq 314159).
    func notify(in dialog: Dialog, cseq: UInt32, event: String? = "refer;id=1", state: String? = "active;expires=60",
                body: String? = "SIP/2.0 100 Trying\r\n") -> SIPMessage {
        var lines = peerRequest("NOTIFY", in: dialog, cseq: 314_159 + cseq).serializedLines
        if let event { lines.append("Event: \(event)") }
        if let state { lines.append("Subscription-State: \(state)") }
        if body != nil { lines.append("Content-Type: message/sipfrag;version=2.0") }
        return parse(lines, body: body ?? "")
    }

    /// Sends a REFER to Carol in a fresh call dialog.
    func sent() throws -> (ReferClient, Dialog, DialogRequest) {
        var dialog = try callDialog()
        var client = ReferClient(timeout: .seconds(30))
        let refer = try client.makeRefer(to: try NameAddress("<sip:carol@example.com>"),
                                         referredBy: try NameAddress("<sip:ivr@switchboard.example>"), in: &dialog,
                                         via: Via(transport: "UDP", host: "192.0.2.1", port: 5060, branch: "z9hG4bKr1"),
                                         now: .zero)
        return (client, dialog, refer)
    }

    @Test("The REFER in the call's dialog, exactly (RFC 3515 §2.4.1)")
    func builds() throws {
        let (client, _, refer) = try sent()
        #expect(refer.message.text == [
            "REFER sip:alice@192.0.2.10:5060 SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKr1",
            "Max-Forwards: 70",
            "From: <sip:bob@example.com>;tag=bobtag",
            "To: \"Alice\" <sip:alice@example.org>;tag=1928301774",
            "Call-ID: a84b4c76e66710@192.0.2.10",
            "CSeq: 1 REFER",
            "Contact: <sip:bob@192.0.2.20:5060>",
            "Refer-To: <sip:carol@example.com>",
            "Referred-By: <sip:ivr@switchboard.example>",
            "Content-Length: 0",
            "", "",
        ].joined(separator: "\r\n"))
        #expect(client.sequence == 1)
        #expect(client.nextDeadline == at(seconds: 30))
        // It reads back as a recipient would read it.
        let parsed = try ReferRequest(onTheWire(refer.message))
        #expect(parsed.target.description == "sip:carol@example.com")
    }

    @Test("202, then sipfrag NOTIFYs: 100 and 180 are progress, 200 OK with terminated is success; each answered 200")
    func success() throws {
        var (client, dialog, refer) = try sent()
        #expect(client.receiveResponse(onTheWire(SIPMessage.response(to: refer.message, status: 202))) == .accepted(subscribed: true))
        #expect(dialog.receive(notify(in: dialog, cseq: 1)) == .accept)
        let trying = client.receiveNotify(notify(in: dialog, cseq: 1))
        #expect(trying.response.statusCode == 200)
        #expect(trying.progress == .trying(SipFragStatus(100)))
        let ringing = client.receiveNotify(notify(in: dialog, cseq: 2, body: "SIP/2.0 180 Ringing\r\n"))
        #expect(ringing.progress == .trying(SipFragStatus(180)))
        let done = client.receiveNotify(notify(in: dialog, cseq: 3, state: "terminated;reason=noresource",
                                               body: "SIP/2.0 200 OK\r\n"))
        #expect(done.response.statusCode == 200)
        #expect(done.progress == .succeeded(SipFragStatus(200)))
        #expect(client.isFinished)
        #expect(client.nextDeadline == nil)
        // Anything after the end: 481 (the subscription no longer exists, RFC 6665 §4.1.3).
        #expect(client.receiveNotify(notify(in: dialog, cseq: 4)).response.statusCode == 481)
    }

    @Test("The new call fails: SIP/2.0 486 Busy Here → failed(callFailed)")
    func callFails() throws {
        let (initial, dialog, _) = try sent()
        var client = initial
        let busy = client.receiveNotify(notify(in: dialog, cseq: 1, state: "terminated;reason=noresource",
                                               body: "SIP/2.0 486 Busy Here\r\n"))
        #expect(busy.response.statusCode == 200)
        #expect(busy.progress == .failed(.callFailed(SipFragStatus(486))))
    }

    @Test("A 4xx/5xx/6xx (or a timeout) to the REFER itself is a failure; a 1xx or another CSeq is not")
    func rejected() throws {
        for status in [403, 405, 500, 603] {
            var (client, _, refer) = try sent()
            #expect(client.receiveResponse(onTheWire(SIPMessage.response(to: refer.message, status: 100))) == nil)
            #expect(client.receiveResponse(onTheWire(SIPMessage.response(to: refer.message, status: status)))
                    == .failed(.rejected(status: status)))
            #expect(client.isFinished)
        }
        var (client, _, refer) = try sent()
        var other = onTheWire(SIPMessage.response(to: refer.message, status: 500))
        other.headers.set(.cseq, "9 REFER")
        #expect(client.receiveResponse(other) == nil)
        #expect(client.requestTimedOut() == .failed(.rejected(status: 408)))
        #expect(client.requestTimedOut() == nil)
    }

    @Test("Refer-Sub: false in the 2xx: accepted without reports, and finished (RFC 4488 §4)")
    func noReports() throws {
        var (client, _, refer) = try sent()
        var ok = SIPMessage.response(to: refer.message, status: 202)
        ok.headers.append("Refer-Sub", "false")
        #expect(client.receiveResponse(onTheWire(ok)) == .accepted(subscribed: false))
        #expect(client.isFinished)
    }

    @Test("Terminated before a final status → failed(subscriptionEnded); no final status in time → failed(timedOut)")
    func endsEarly() throws {
        let (initial, dialog, _) = try sent()
        var client = initial
        let ended = client.receiveNotify(notify(in: dialog, cseq: 1, state: "terminated;reason=timeout"))
        #expect(ended.progress == .failed(.subscriptionEnded(reason: "timeout")))
        var (slow, _, _) = try sent()
        #expect(slow.timerFired(now: at(seconds: 29)) == nil)
        #expect(slow.timerFired(now: at(seconds: 30)) == .failed(.timedOut))
        #expect(slow.timerFired(now: at(seconds: 31)) == nil)
    }

    @Test("NOTIFYs that are not ours get 481; malformed ones 400, and change nothing")
    func badNotifies() throws {
        let (initial, dialog, _) = try sent()
        var client = initial
        #expect(client.receiveNotify(notify(in: dialog, cseq: 1, event: "refer;id=99")).response.statusCode == 481)
        #expect(client.receiveNotify(notify(in: dialog, cseq: 1, event: "message-summary")).response.statusCode == 481)
        #expect(client.receiveNotify(notify(in: dialog, cseq: 1, event: nil)).response.statusCode == 481)
        #expect(client.receiveNotify(notify(in: dialog, cseq: 1, state: nil)).response.statusCode == 400)
        let junk = client.receiveNotify(notify(in: dialog, cseq: 1, body: "hello"))
        #expect(junk.response.statusCode == 400)
        #expect(junk.progress == nil)
        // Event without id is accepted (a REFER recipient may omit it for the first REFER).
        #expect(client.receiveNotify(notify(in: dialog, cseq: 2, event: "refer")).progress == .trying(SipFragStatus(100)))
        #expect(!client.isFinished)
    }

    @Test("No REFER in an ended dialog: makeRefer throws and arms nothing")
    func endedDialog() throws {
        var dialog = try callDialog()
        dialog.terminate()
        var client = ReferClient()
        #expect(throws: DialogError.terminated) {
            try client.makeRefer(to: try NameAddress("<sip:carol@example.com>"), in: &dialog,
                                 via: Via(transport: "UDP", host: "192.0.2.1", branch: "z9hG4bKr2"), now: .zero)
        }
        #expect(client.sequence == nil)
        #expect(client.nextDeadline == nil)
        #expect(client.receiveNotify(notify(in: dialog, cseq: 1)).response.statusCode == 481)
    }
}

extension SIPMessage {
    /// The header lines and start line of this message, for building a variant of it.
    fileprivate var serializedLines: [String] {
        let text = String(decoding: serialized(), as: UTF8.self)
        return text.split(separator: "\r\n").map(String.init).filter { !$0.hasPrefix("Content-Length") }
    }
}

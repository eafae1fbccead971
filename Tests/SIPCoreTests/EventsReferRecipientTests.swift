import Testing
import SIPMessage
import SIPTransaction
@testable import SIPCore

@Suite("REFER recipient (RFC 3515, RFC 4488)")
struct EventsReferRecipientTests: EventsFixture, DialogFixture {
    /// A REFER from Alice in the call's dialog (we are the UAS of her INVITE).
    func refer(in dialog: Dialog, referTo: [String] = ["<sip:carol@example.com>"], cseq: UInt32 = 314160,
               extra: [String] = []) -> SIPMessage {
        var lines = [
            "REFER sip:bob@192.0.2.20:5060 SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKref\(cseq)",
            "Max-Forwards: 70",
            "From: \(dialog.remoteParty.description)",
            "To: \(dialog.localParty.description)",
            "Call-ID: \(dialog.id.callID)",
            "CSeq: \(cseq) REFER",
            "Contact: <sip:alice@192.0.2.10:5060>",
        ]
        lines += referTo.map { "Refer-To: " + $0 }
        return message(lines + extra)
    }

    func callDialog() throws -> Dialog {
        let invite = aliceInvite(recordRoute: [])
        return try Dialog.uas(request: invite, response: answer(invite, 200))
    }

    @Test("No Refer-To, two Refer-To lines, or a list in one → 400 (RFC 3515 §2.4.2)")
    func referToCount() throws {
        let dialog = try callDialog()
        for (lines, expected) in [([String](), ReferError.missingReferTo),
                                  (["<sip:carol@example.com>", "<sip:dave@example.com>"], .multipleReferTo),
                                  (["<sip:carol@example.com>, <sip:dave@example.com>"], .multipleReferTo),
                                  (["<not a uri"], .badHeader("Refer-To"))] {
            let request = refer(in: dialog, referTo: lines)
            #expect(throws: expected) { try ReferRequest(request) }
            let response = expected.response(to: request)
            #expect(response.statusCode == 400)
        }
        #expect(ReferError.multipleReferTo.response(to: refer(in: dialog)).reasonPhrase == "Multiple Refer-To")
    }

    @Test("Refer-To with embedded headers and method; Referred-By; Refer-Sub: false")
    func parsing() throws {
        let dialog = try callDialog()
        let request = refer(in: dialog, referTo: ["\"Carol\" <sip:carol@example.com;transport=tcp?Replaces=abc%40h%3Bto-tag%3D1%3Bfrom-tag%3D2>"],
                            extra: ["Referred-By: <sip:alice@example.org>", "Refer-Sub: false"])
        let parsed = try ReferRequest(request)
        #expect(parsed.target.description == "sip:carol@example.com;transport=tcp")
        #expect(parsed.method == .invite)
        #expect(parsed.embeddedHeader("replaces") == "abc@h;to-tag=1;from-tag=2")
        #expect(parsed.referredBy?.uri.description == "sip:alice@example.org")
        #expect(parsed.sequence == 314160)
        #expect(parsed.declinesSubscription)
        let compact = message(["REFER sip:bob@h SIP/2.0", "Via: SIP/2.0/UDP h;branch=z9hG4bK1", "From: <sip:a@h>;tag=1",
                               "To: <sip:b@h>;tag=2", "Call-ID: c", "CSeq: 9 REFER", "r: <sip:carol@example.com;method=BYE>"])
        let fromCompact = try ReferRequest(compact)
        #expect(fromCompact.target.description == "sip:carol@example.com")
        #expect(fromCompact.method == .bye)
        #expect(!fromCompact.declinesSubscription)
    }

    @Test("Accepted → 202, NOTIFY 100 Trying (active), then the final status as terminated;reason=noresource, exactly")
    func acceptedFlow() throws {
        var dialog = try callDialog()
        let request = refer(in: dialog)
        #expect(dialog.receive(request) == .accept)
        var subscription = ReferSubscription(refer: try ReferRequest(request), now: .zero)
        let accepted = subscription.acceptance(of: request)
        #expect(accepted.statusCode == 202)
        #expect(accepted.reasonPhrase == "Accepted")
        #expect(!accepted.headers.contains(HeaderName("Refer-Sub")))
        var vias = ViaFactory()
        let start = subscription.start(in: &dialog, now: .zero, newVia: { vias.next() })
        guard case .sendNotify(let trying)? = start.first, start.count == 1 else {
            Issue.record("expected one NOTIFY, got \(start)")
            return
        }
        #expect(trying.message.text == [
            "NOTIFY sip:alice@192.0.2.10:5060 SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKn1",
            "Max-Forwards: 70",
            "From: <sip:bob@example.com>;tag=bobtag",
            "To: \"Alice\" <sip:alice@example.org>;tag=1928301774",
            "Call-ID: a84b4c76e66710@192.0.2.10",
            "CSeq: 1 NOTIFY",
            "Contact: <sip:bob@192.0.2.20:5060>",
            "Event: refer;id=314160",
            "Subscription-State: active;expires=60",
            "Content-Type: message/sipfrag;version=2.0",
            "Content-Length: 20",
            "", "SIP/2.0 100 Trying\r\n",
        ].joined(separator: "\r\n"))
        // 180 while the 100's NOTIFY is unanswered waits; the 200 to it lets it go.
        #expect(subscription.report(SipFragStatus(180), in: &dialog, now: at(seconds: 1), newVia: { vias.next() }).isEmpty)
        let ringing = subscription.receiveNotifyResponse(response(to: trying.message, 200), in: &dialog, now: at(seconds: 2),
                                                         newVia: { vias.next() })
        guard case .sendNotify(let ringingNotify)? = ringing.first else {
            Issue.record("expected the 180 NOTIFY, got \(ringing)")
            return
        }
        #expect(ringingNotify.message.body == Array("SIP/2.0 180 Ringing\r\n".utf8))
        #expect(ringingNotify.message.headers.first(.subscriptionState) == "active;expires=58")
        // The final status goes at once, even with a NOTIFY in flight, and ends it (§2.4.7).
        let final = subscription.report(SipFragStatus(200), in: &dialog, now: at(seconds: 5), newVia: { vias.next() })
        #expect(final.count == 2)
        guard case .sendNotify(let ok)? = final.first else {
            Issue.record("expected the final NOTIFY, got \(final)")
            return
        }
        #expect(ok.message.headers.first(.subscriptionState) == "terminated;reason=noresource")
        #expect(ok.message.headers.first(.cseq) == "3 NOTIFY")
        #expect(ok.message.headers.first(.event) == "refer;id=314160")
        #expect(String(decoding: ok.message.body, as: UTF8.self) == "SIP/2.0 200 OK\r\n")
        #expect(final.last == .ended(.reported(SipFragStatus(200))))
        #expect(subscription.isEnded)
        #expect(subscription.nextDeadline == nil)
        #expect(subscription.report(SipFragStatus(486), in: &dialog, now: at(seconds: 6), newVia: { vias.next() }).isEmpty)
    }

    @Test("A failed transfer reports its status line: SIP/2.0 486 Busy Here, terminated")
    func busy() throws {
        var dialog = try callDialog()
        var subscription = ReferSubscription(refer: try ReferRequest(refer(in: dialog)), now: .zero)
        var vias = ViaFactory()
        _ = subscription.start(in: &dialog, now: .zero, newVia: { vias.next() })
        let final = subscription.report(SipFragStatus(486), in: &dialog, now: at(seconds: 3), newVia: { vias.next() })
        guard case .sendNotify(let busy)? = final.first else {
            Issue.record("expected a NOTIFY, got \(final)")
            return
        }
        #expect(busy.message.body == Array("SIP/2.0 486 Busy Here\r\n".utf8))
        #expect(busy.message.headers.first(.subscriptionState) == "terminated;reason=noresource")
    }

    @Test("No final status before expiry → NOTIFY terminated;reason=timeout with the last status")
    func expiry() throws {
        var dialog = try callDialog()
        var subscription = ReferSubscription(refer: try ReferRequest(refer(in: dialog)), now: .zero, duration: 30)
        var vias = ViaFactory()
        _ = subscription.start(in: &dialog, now: .zero, newVia: { vias.next() })
        #expect(subscription.nextDeadline == at(seconds: 30))
        #expect(subscription.timerFired(now: at(seconds: 29), in: &dialog, newVia: { vias.next() }).isEmpty)
        let actions = subscription.timerFired(now: at(seconds: 30), in: &dialog, newVia: { vias.next() })
        guard case .sendNotify(let last)? = actions.first else {
            Issue.record("expected a NOTIFY, got \(actions)")
            return
        }
        #expect(last.message.headers.first(.subscriptionState) == "terminated;reason=timeout")
        #expect(last.message.body == Array("SIP/2.0 100 Trying\r\n".utf8))
        #expect(actions.last == .ended(.expired))
    }

    @Test("A NOTIFY answered 481 ends the subscription; a hung-up dialog sends nothing and ends it")
    func failures() throws {
        var dialog = try callDialog()
        var subscription = ReferSubscription(refer: try ReferRequest(refer(in: dialog)), now: .zero)
        var vias = ViaFactory()
        guard case .sendNotify(let trying)? = subscription.start(in: &dialog, now: .zero, newVia: { vias.next() }).first else {
            Issue.record("expected a NOTIFY")
            return
        }
        #expect(subscription.receiveNotifyResponse(response(to: trying.message, 481), in: &dialog, now: .zero,
                                                   newVia: { vias.next() }) == [.ended(.notifyFailed(status: 481))])
        var hungUp = try callDialog()
        var other = ReferSubscription(refer: try ReferRequest(refer(in: hungUp)), now: .zero)
        hungUp.terminate()
        #expect(other.start(in: &hungUp, now: .zero, newVia: { vias.next() }) == [.ended(.cannotNotify(.terminated))])
    }

    @Test("Refer-Sub: false honoured → 202 with Refer-Sub: false and no NOTIFY (RFC 4488 §4)")
    func noSubscription() throws {
        var dialog = try callDialog()
        let request = refer(in: dialog, extra: ["Refer-Sub: false"])
        var subscription = ReferSubscription(refer: try ReferRequest(request), now: .zero)
        #expect(subscription.acceptance(of: request).headers.first(HeaderName("Refer-Sub")) == "false")
        var vias = ViaFactory()
        #expect(subscription.start(in: &dialog, now: .zero, newVia: { vias.next() }).isEmpty)
        #expect(subscription.report(SipFragStatus(200), in: &dialog, now: .zero, newVia: { vias.next() })
                == [.ended(.reported(SipFragStatus(200)))])
        #expect(vias.made == 0)
    }

    @Test("A REFER outside any dialog: the 202 (with our tag and Contact) creates the dialog the NOTIFYs use")
    func outOfDialog() throws {
        let request = message(["REFER sip:ivr@192.0.2.1 SIP/2.0", "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKo1",
                               "Max-Forwards: 70", "From: <sip:alice@example.org>;tag=a1", "To: <sip:ivr@switchboard.example>",
                               "Call-ID: refer-1@192.0.2.10", "CSeq: 20 REFER", "Contact: <sip:alice@192.0.2.10:5060>",
                               "Refer-To: <sip:carol@example.com>"])
        var subscription = ReferSubscription(refer: try ReferRequest(request), now: .zero)
        let accepted = subscription.acceptance(of: request, localTag: "r1", contact: notifierContact)
        #expect(accepted.headers.first(.to) == "<sip:ivr@switchboard.example>;tag=r1")
        var dialog = try Dialog.uas(subscription: request, response: onTheWire(accepted))
        dialog.localContact = notifierContact
        #expect(dialog.id == DialogID(callID: "refer-1@192.0.2.10", localTag: "r1", remoteTag: "a1"))
        var vias = ViaFactory()
        guard case .sendNotify(let trying)? = subscription.start(in: &dialog, now: .zero, newVia: { vias.next() }).first else {
            Issue.record("expected a NOTIFY")
            return
        }
        #expect(trying.message.requestURI?.description == "sip:alice@192.0.2.10:5060")
        #expect(trying.message.headers.first(.to) == "<sip:alice@example.org>;tag=a1")
        #expect(trying.message.headers.first(.event) == "refer;id=20")
        // Only SUBSCRIBE and REFER, and only 2xx, create such dialogs.
        #expect(throws: DialogError.statusCannotCreateDialog(100)) {
            try Dialog.uas(subscription: request, response: SIPMessage.response(to: request, status: 100))
        }
        #expect(throws: DialogError.methodCannotCreateDialog("OPTIONS")) {
            let options = message(["OPTIONS sip:a@h SIP/2.0", "Via: SIP/2.0/UDP h;branch=z9hG4bK1", "From: <sip:a@h>;tag=1",
                                   "To: <sip:b@h>", "Call-ID: c", "CSeq: 1 OPTIONS"])
            return try Dialog.uas(subscription: options, response: SIPMessage.response(to: options, status: 200, toTag: "t"))
        }
    }

    @Test("sipfrag status lines render and parse; junk is refused")
    func sipfrag() {
        #expect(SipFragStatus.trying.rendered() == Array("SIP/2.0 100 Trying\r\n".utf8))
        #expect(SipFragStatus(503).description == "SIP/2.0 503 Service Unavailable")
        #expect(SipFragStatus(parsing: Array("SIP/2.0 486 Busy Here\r\nVia: x\r\n".utf8)) == SipFragStatus(486))
        #expect(SipFragStatus(parsing: Array("sip/2.0 200 Fine\n".utf8)) == SipFragStatus(200, reason: "Fine"))
        #expect(SipFragStatus(parsing: Array("SIP/2.0 200".utf8)) == SipFragStatus(200, reason: ""))
        #expect(SipFragStatus(parsing: Array("SIP/2.0 99 Low\r\n".utf8)) == nil)
        #expect(SipFragStatus(parsing: Array("SIP/2.0 700 High\r\n".utf8)) == nil)
        #expect(SipFragStatus(parsing: Array("INVITE sip:a@b SIP/2.0\r\n".utf8)) == nil)
        #expect(SipFragStatus(parsing: []) == nil)
        #expect(SipFragStatus(599, reason: "x\r\nInjected: 1").rendered() == Array("SIP/2.0 599 xInjected: 1\r\n".utf8))
    }
}

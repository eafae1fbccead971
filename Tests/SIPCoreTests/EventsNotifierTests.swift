import Testing
import SIPMessage
import SIPTransaction
@testable import SIPCore

@Suite("Notifier: SUBSCRIBE/NOTIFY (RFC 6665)")
struct EventsNotifierTests: EventsFixture {
    @Test("New SUBSCRIBE → 200 with Expires and Contact, then at once the first NOTIFY, exactly (§4.2.1.1, §4.2.1.2)")
    func subscribeThenInitialNotify() throws {
        var notifier = makeNotifier()
        var vias = ViaFactory()
        let actions = notifier.receiveSubscribe(subscribe(), localTag: "nt1", now: .zero, newVia: { vias.next() })
        #expect(actions.count == 3)
        let ok = try #require(actions.first?.response)
        #expect(ok.text == [
            "SIP/2.0 200 OK",
            "Via: SIP/2.0/UDP 192.0.2.50:5060;branch=z9hG4bKsub1",
            "From: <sip:alice@switchboard.example>;tag=phone1",
            "To: <sip:alice@switchboard.example>;tag=nt1",
            "Call-ID: mwi-1@192.0.2.50",
            "CSeq: 1 SUBSCRIBE",
            "Content-Length: 0",
            "Expires: 3600",
            "Contact: <sip:mwi@192.0.2.1:5060>",
            "", "",
        ].joined(separator: "\r\n"))
        let id = SubscriptionID(dialog: DialogID(callID: "mwi-1@192.0.2.50", localTag: "nt1", remoteTag: "phone1"),
                                event: "message-summary", eventID: nil)
        #expect(actions[1] == .subscribed(id, resource: "alice"))
        guard case .sendNotify(let notifyID, let request) = actions[2] else {
            Issue.record("expected a NOTIFY, got \(actions[2])")
            return
        }
        #expect(notifyID == id)
        #expect(request.nextHop.description == "sip:alice@192.0.2.50:5060")
        let body = "Messages-Waiting: no\r\nMessage-Account: sip:alice@switchboard.example\r\nVoice-Message: 0/0\r\n"
        #expect(request.message.text == [
            "NOTIFY sip:alice@192.0.2.50:5060 SIP/2.0",
            "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKn1",
            "Max-Forwards: 70",
            "From: <sip:alice@switchboard.example>;tag=nt1",
            "To: <sip:alice@switchboard.example>;tag=phone1",
            "Call-ID: mwi-1@192.0.2.50",
            "CSeq: 1 NOTIFY",
            "Contact: <sip:mwi@192.0.2.1:5060>",
            "Event: message-summary",
            "Subscription-State: active;expires=3600",
            "Content-Type: application/simple-message-summary",
            "Content-Length: \(body.utf8.count)",
            "", body,
        ].joined(separator: "\r\n"))
        #expect(notifier.subscriptions.count == 1)
        #expect(notifier.nextDeadline == at(seconds: 3600))
    }

    @Test("State supplied before the SUBSCRIBE is what the first NOTIFY carries")
    func suppliedStateFirst() throws {
        var notifier = makeNotifier()
        var vias = ViaFactory()
        let summary = MessageSummary(account: "sip:alice@switchboard.example", voice: MessageCounts(new: 3, old: 1))
        #expect(notifier.notifyChanged(event: "message-summary", resource: "alice", body: summary.rendered(),
                                       now: .zero, newVia: { vias.next() }).isEmpty)
        let actions = notifier.receiveSubscribe(subscribe(), localTag: "nt1", now: .zero, newVia: { vias.next() })
        let notify = try #require(actions.last?.notify)
        #expect(notify.body == summary.rendered())
        #expect(String(decoding: notify.body, as: UTF8.self).hasPrefix("Messages-Waiting: yes\r\n"))
    }

    @Test("A change notifies with the remaining time; a change while a NOTIFY is in flight waits for its 200 (§4.2.2)")
    func changeNotifiesRemaining() throws {
        var notifier = makeNotifier()
        var vias = ViaFactory()
        let first = try #require(notifier.receiveSubscribe(subscribe(), localTag: "nt1", now: .zero,
                                                           newVia: { vias.next() }).last?.notify)
        // Still in flight: the change is held.
        let waiting = MessageSummary(account: nil, voice: MessageCounts(new: 1, old: 0))
        #expect(notifier.notifyChanged(event: "message-summary", resource: "alice", body: waiting.rendered(),
                                       now: at(seconds: 10), newVia: { vias.next() }).isEmpty)
        // The 200 lets the latest state go, with 3600 - 100 s left.
        let latest = MessageSummary(account: nil, voice: MessageCounts(new: 2, old: 0))
        #expect(notifier.notifyChanged(event: "message-summary", resource: "alice", body: latest.rendered(),
                                       now: at(seconds: 20), newVia: { vias.next() }).isEmpty)
        let after = notifier.receiveNotifyResponse(response(to: first, 200), now: at(seconds: 100), newVia: { vias.next() })
        #expect(after.count == 1)
        let second = try #require(after.first?.notify)
        #expect(second.headers.first(.subscriptionState) == "active;expires=3500")
        #expect(second.headers.first(.cseq) == "2 NOTIFY")
        #expect(second.body == latest.rendered())
        // Answered: the next change goes out at once; 0.5 s left over rounds up.
        _ = notifier.receiveNotifyResponse(response(to: second, 200), now: at(seconds: 101), newVia: { vias.next() })
        let third = notifier.notifyChanged(event: "MESSAGE-SUMMARY", resource: "alice", body: waiting.rendered(),
                                           now: at(seconds: 199.5), newVia: { vias.next() })
        #expect(third.first?.notify?.headers.first(.subscriptionState) == "active;expires=3401")
        let thirdNotify = try #require(third.first?.notify)
        _ = notifier.receiveNotifyResponse(response(to: thirdNotify, 200), now: at(seconds: 200), newVia: { vias.next() })
        // The typed form for mailboxes says the same.
        let typed = notifier.notifyChanged(mailbox: "alice", summary: latest, now: at(seconds: 300), newVia: { vias.next() })
        #expect(typed.first?.notify?.body == latest.rendered())
        #expect(typed.first?.notify?.headers.first(.cseq) == "4 NOTIFY")
        // Another mailbox's change notifies nobody here.
        #expect(notifier.notifyChanged(event: "message-summary", resource: "bob", body: waiting.rendered(),
                                       now: at(seconds: 200), newVia: { vias.next() }).isEmpty)
    }

    @Test("Refresh in the dialog restarts the interval: 200 with Expires, then a NOTIFY (§4.2.1.2); a new Contact is the new target")
    func refresh() throws {
        var notifier = makeNotifier()
        var vias = ViaFactory()
        let initial = notifier.receiveSubscribe(subscribe(expires: "600"), localTag: "nt1", now: .zero, newVia: { vias.next() })
        let firstNotify = try #require(initial.last?.notify)
        _ = notifier.receiveNotifyResponse(response(to: firstNotify, 200), now: .zero, newVia: { vias.next() })
        let refresh = subscribe(expires: "600", toTag: "nt1", cseq: 2, contact: "<sip:alice@192.0.2.51:5062>")
        let actions = notifier.receiveSubscribe(refresh, localTag: "unused", now: at(seconds: 500), newVia: { vias.next() })
        #expect(actions.count == 2)
        let ok = try #require(actions.first?.response)
        #expect(ok.statusCode == 200)
        #expect(ok.headers.first(.expires) == "600")
        #expect(ok.headers.first(.to) == "<sip:alice@switchboard.example>;tag=nt1")
        let notify = try #require(actions.last?.notify)
        #expect(notify.requestURI?.description == "sip:alice@192.0.2.51:5062")
        #expect(notify.headers.first(.subscriptionState) == "active;expires=600")
        #expect(notify.headers.first(.cseq) == "2 NOTIFY")
        #expect(notifier.nextDeadline == at(seconds: 1100))
        // The old deadline passes without effect.
        #expect(notifier.timerFired(now: at(seconds: 600), newVia: { vias.next() }).isEmpty)
        #expect(notifier.subscriptions.count == 1)
    }

    @Test("Expiry without refresh → NOTIFY terminated;reason=timeout, then removal")
    func expiry() throws {
        var notifier = makeNotifier()
        var vias = ViaFactory()
        let id = try #require(notifier.receiveSubscribe(subscribe(expires: "120"), localTag: "nt1", now: .zero,
                                                        newVia: { vias.next() }).compactMap { action -> SubscriptionID? in
            if case .subscribed(let id, _) = action { return id }
            return nil
        }.first)
        #expect(notifier.nextDeadline == at(seconds: 120))
        #expect(notifier.timerFired(now: at(seconds: 119.999), newVia: { vias.next() }).isEmpty)
        let actions = notifier.timerFired(now: at(seconds: 120), newVia: { vias.next() })
        #expect(actions.count == 2)
        let notify = try #require(actions.first?.notify)
        #expect(notify.headers.first(.subscriptionState) == "terminated;reason=timeout")
        #expect(notify.headers.first(.event) == "message-summary")
        #expect(actions.last == .removed(id, .expired))
        #expect(notifier.subscriptions.isEmpty)
        #expect(notifier.nextDeadline == nil)
        // A SUBSCRIBE in the gone dialog now gets 481.
        let late = notifier.receiveSubscribe(subscribe(toTag: "nt1", cseq: 2), localTag: "x", now: at(seconds: 121),
                                             newVia: { vias.next() })
        #expect(late.first?.response?.statusCode == 481)
    }

    @Test("Unsubscribe (Expires: 0) → 200 Expires: 0, final NOTIFY terminated with the state, removal (§4.1.2.3)")
    func unsubscribe() throws {
        var notifier = makeNotifier()
        var vias = ViaFactory()
        _ = notifier.receiveSubscribe(subscribe(), localTag: "nt1", now: .zero, newVia: { vias.next() })
        let actions = notifier.receiveSubscribe(subscribe(expires: "0", toTag: "nt1", cseq: 2), localTag: "x",
                                                now: at(seconds: 30), newVia: { vias.next() })
        #expect(actions.count == 3)
        #expect(actions[0].response?.statusCode == 200)
        #expect(actions[0].response?.headers.first(.expires) == "0")
        let notify = try #require(actions[1].notify)
        #expect(notify.headers.first(.subscriptionState) == "terminated;reason=timeout")
        #expect(notify.headers.first(.contentType) == "application/simple-message-summary")
        guard case .removed(_, .unsubscribed) = actions[2] else {
            Issue.record("expected removal, got \(actions[2])")
            return
        }
        #expect(notifier.subscriptions.isEmpty)
    }

    @Test("Initial SUBSCRIBE with Expires: 0 is a fetch: 200, one terminated NOTIFY, no subscription (§4.4.3)")
    func fetch() throws {
        var notifier = makeNotifier()
        var vias = ViaFactory()
        let actions = notifier.receiveSubscribe(subscribe(expires: "0"), localTag: "nt1", now: .zero, newVia: { vias.next() })
        #expect(actions.count == 3)
        #expect(actions[0].response?.headers.first(.expires) == "0")
        #expect(actions[1].notify?.headers.first(.subscriptionState) == "terminated;reason=timeout")
        #expect(notifier.subscriptions.isEmpty)
    }

    @Test("Unknown package → 489 Bad Event with Allow-Events; no dialog, no NOTIFY (§4.2.1.1, §8.3.2)")
    func badEvent() throws {
        var notifier = makeNotifier()
        var vias = ViaFactory()
        let actions = notifier.receiveSubscribe(subscribe(event: "presence"), localTag: "nt1", now: .zero,
                                                newVia: { vias.next() })
        #expect(actions.count == 1)
        let response = try #require(actions.first?.response)
        #expect(response.statusCode == 489)
        #expect(response.reasonPhrase == "Bad Event")
        #expect(response.headers.first(.allowEvents) == "message-summary")
        #expect(response.headers.first(.to) == "<sip:alice@switchboard.example>;tag=nt1")
        #expect(notifier.subscriptions.isEmpty)
        #expect(vias.made == 0)
    }

    @Test("Missing or malformed Event, bad Expires, no Contact → 400; no Request-URI user → 404; not SUBSCRIBE → 405")
    func badRequests() {
        var notifier = makeNotifier()
        var vias = ViaFactory()
        func status(_ request: SIPMessage) -> Int? {
            notifier.receiveSubscribe(request, localTag: "nt1", now: .zero, newVia: { vias.next() }).first?.response?.statusCode
        }
        #expect(status(subscribe(event: nil)) == 400)
        #expect(status(subscribe(event: "message-summary;;")) == 400)
        #expect(status(subscribe(expires: "soon")) == 400)
        #expect(status(subscribe(contact: nil)) == 400)
        let noUser = parse(["SUBSCRIBE sip:switchboard.example SIP/2.0", "Via: SIP/2.0/UDP h;branch=z9hG4bKx",
                            "From: <sip:a@h>;tag=1", "To: <sip:switchboard.example>", "Call-ID: c", "CSeq: 1 SUBSCRIBE",
                            "Contact: <sip:a@h>", "Event: message-summary"])
        #expect(status(noUser) == 404)
        let publish = parse(["PUBLISH sip:alice@switchboard.example SIP/2.0", "Via: SIP/2.0/UDP h;branch=z9hG4bKp",
                             "From: <sip:a@h>;tag=1", "To: <sip:alice@switchboard.example>", "Call-ID: p", "CSeq: 1 PUBLISH",
                             "Event: message-summary"])
        let notAllowed = notifier.receiveSubscribe(publish, localTag: "nt1", now: .zero, newVia: { vias.next() }).first?.response
        #expect(notAllowed?.statusCode == 405)
        #expect(notAllowed?.headers.first(.allow) == "SUBSCRIBE")
        #expect(notifier.subscriptions.isEmpty)
    }

    @Test("Expires below Min-Expires → 423 with Min-Expires; above the maximum it is shortened (§4.2.1.1)")
    func intervals() throws {
        var notifier = makeNotifier()
        var vias = ViaFactory()
        let brief = notifier.receiveSubscribe(subscribe(expires: "59"), localTag: "nt1", now: .zero, newVia: { vias.next() })
        #expect(brief.count == 1)
        #expect(brief.first?.response?.statusCode == 423)
        #expect(brief.first?.response?.reasonPhrase == "Interval Too Brief")
        #expect(brief.first?.response?.headers.first(.minExpires) == "60")
        #expect(notifier.subscriptions.isEmpty)
        let long = notifier.receiveSubscribe(subscribe(expires: "86400"), localTag: "nt2", now: .zero, newVia: { vias.next() })
        #expect(long.first?.response?.headers.first(.expires) == "3600")
        #expect(long.last?.notify?.headers.first(.subscriptionState) == "active;expires=3600")
        // No Expires: the package default, one hour (RFC 3842 §3.4).
        var other = makeNotifier()
        let none = other.receiveSubscribe(subscribe(expires: nil), localTag: "nt3", now: .zero, newVia: { vias.next() })
        #expect(none.first?.response?.headers.first(.expires) == "3600")
        // A refresh that is too brief is refused and leaves the subscription as it was.
        let refresh = notifier.receiveSubscribe(subscribe(expires: "30", toTag: "nt2", cseq: 2), localTag: "x",
                                                now: at(seconds: 10), newVia: { vias.next() })
        #expect(refresh.first?.response?.statusCode == 423)
        #expect(notifier.nextDeadline == at(seconds: 3600))
    }

    @Test("NOTIFY answered 481 removes the subscription (§4.2.2); so do other errors and a timeout")
    func notifyFailures() throws {
        for status in [481, 408, 500, 603] {
            var notifier = makeNotifier()
            var vias = ViaFactory()
            let notify = try #require(notifier.receiveSubscribe(subscribe(), localTag: "nt1", now: .zero,
                                                                newVia: { vias.next() }).last?.notify)
            // A provisional response changes nothing.
            #expect(notifier.receiveNotifyResponse(response(to: notify, 100), now: .zero, newVia: { vias.next() }).isEmpty)
            let actions = notifier.receiveNotifyResponse(response(to: notify, status), now: .zero, newVia: { vias.next() })
            guard case .removed(_, .notifyFailed(status: status))? = actions.first else {
                Issue.record("status \(status): expected removal, got \(actions)")
                continue
            }
            #expect(notifier.subscriptions.isEmpty)
            #expect(notifier.nextDeadline == nil)
        }
        var notifier = makeNotifier()
        var vias = ViaFactory()
        _ = notifier.receiveSubscribe(subscribe(), localTag: "nt1", now: .zero, newVia: { vias.next() })
        let id = try #require(notifier.subscriptions.keys.first)
        #expect(notifier.notifyTimedOut(id) == [.removed(id, .notifyFailed(status: 408))])
        #expect(notifier.subscriptions.isEmpty)
    }

    @Test("Beyond maxSubscriptions a new SUBSCRIBE gets 503; a fetch still works; refreshes are unaffected")
    func capacity() throws {
        var notifier = Notifier(configuration: NotifierConfiguration(contact: notifierContact, maxSubscriptions: 1),
                                packages: [MessageSummaryPackage()])
        var vias = ViaFactory()
        #expect(notifier.receiveSubscribe(subscribe(), localTag: "nt1", now: .zero, newVia: { vias.next() })
            .first?.response?.statusCode == 200)
        #expect(notifier.receiveSubscribe(subscribe(user: "bob"), localTag: "nt2", now: .zero, newVia: { vias.next() })
            .first?.response?.statusCode == 503)
        #expect(notifier.receiveSubscribe(subscribe(expires: "0", user: "bob"), localTag: "nt3", now: .zero,
                                          newVia: { vias.next() }).first?.response?.statusCode == 200)
        #expect(notifier.receiveSubscribe(subscribe(toTag: "nt1", cseq: 2), localTag: "x", now: .zero,
                                          newVia: { vias.next() }).first?.response?.statusCode == 200)
        #expect(notifier.subscriptions.count == 1)
    }

    @Test("A stale response (other CSeq) is ignored")
    func staleResponse() throws {
        var notifier = makeNotifier()
        var vias = ViaFactory()
        let notify = try #require(notifier.receiveSubscribe(subscribe(), localTag: "nt1", now: .zero,
                                                            newVia: { vias.next() }).last?.notify)
        var stale = response(to: notify, 481)
        stale.headers.set(.cseq, "7 NOTIFY")
        #expect(notifier.receiveNotifyResponse(stale, now: .zero, newVia: { vias.next() }).isEmpty)
        #expect(notifier.subscriptions.count == 1)
    }

    @Test("In-dialog SUBSCRIBE: unknown dialog, other event id → 481; lower CSeq → 500")
    func inDialogChecks() throws {
        var notifier = makeNotifier()
        var vias = ViaFactory()
        _ = notifier.receiveSubscribe(subscribe(cseq: 5), localTag: "nt1", now: .zero, newVia: { vias.next() })
        func status(_ request: SIPMessage) -> Int? {
            notifier.receiveSubscribe(request, localTag: "x", now: .zero, newVia: { vias.next() }).first?.response?.statusCode
        }
        #expect(status(subscribe(toTag: "other", cseq: 6)) == 481)
        #expect(status(subscribe(event: "message-summary;id=2", toTag: "nt1", cseq: 6)) == 481)
        #expect(status(subscribe(toTag: "nt1", cseq: 4)) == 500)
        #expect(status(subscribe(toTag: "nt1", cseq: 6)) == 200)
    }

    @Test("Event id tells subscriptions apart and is echoed in every NOTIFY (§8.2.1)")
    func eventID() throws {
        var notifier = makeNotifier()
        var vias = ViaFactory()
        let actions = notifier.receiveSubscribe(subscribe(event: "Message-Summary;id=7"), localTag: "nt1", now: .zero,
                                                newVia: { vias.next() })
        let notify = try #require(actions.last?.notify)
        #expect(notify.headers.first(.event) == "Message-Summary;id=7")
        let id = try #require(notifier.subscriptions.keys.first)
        #expect(id.event == "message-summary")
        #expect(id.eventID == "7")
        #expect(notifier.subscriptionID(for: id.dialog) == id)
    }

    @Test("terminate(_:reason:) sends the final NOTIFY with that reason and removes")
    func integratorTerminates() throws {
        var notifier = makeNotifier()
        var vias = ViaFactory()
        _ = notifier.receiveSubscribe(subscribe(), localTag: "nt1", now: .zero, newVia: { vias.next() })
        let id = try #require(notifier.subscriptions.keys.first)
        let actions = notifier.terminate(id, reason: .noresource, now: at(seconds: 5), newVia: { vias.next() })
        #expect(actions.first?.notify?.headers.first(.subscriptionState) == "terminated;reason=noresource")
        #expect(actions.last == .removed(id, .terminated(.noresource)))
        #expect(notifier.terminate(id, reason: .noresource, now: at(seconds: 5), newVia: { vias.next() }).isEmpty)
    }

    @Test("A Via without a branch cannot make a NOTIFY: the subscription is removed, nothing sent, no crash")
    func viaWithoutBranch() {
        var notifier = makeNotifier()
        let actions = notifier.receiveSubscribe(subscribe(), localTag: "nt1", now: .zero,
                                                newVia: { Via(transport: "UDP", host: "192.0.2.1") })
        #expect(actions.count == 3)
        guard case .removed(_, .cannotNotify(.missingBranch)) = actions[2] else {
            Issue.record("expected removal, got \(actions[2])")
            return
        }
        #expect(notifier.subscriptions.isEmpty)
    }
}

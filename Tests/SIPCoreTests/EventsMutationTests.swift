import Testing
import SIPMessage
import SIPTransaction
import TestSupport
@testable import SIPCore

@Suite("Events under mutated input: answers, never crashes")
struct EventsMutationTests: EventsFixture, DialogFixture {
    @Test("Mutated message-summary and sipfrag bodies: parse or refuse; what parses renders back to itself")
    func bodies() {
        let corpus = [Array(rfcExampleBody.utf8), Array("SIP/2.0 486 Busy Here\r\n".utf8)]
        var mutator = SIPMutator(random: SplitMix64(seed: 3842), corpus: corpus)
        var parsed = 0
        for round in 0..<2000 {
            let input = mutator.mutate(corpus[round % 2])
            if let summary = try? MessageSummary(parsing: input) {
                parsed += 1
                // Rendering keeps everything parsing read.
                #expect((try? MessageSummary(parsing: summary.rendered())) == summary, "round \(round): \(String(decoding: input, as: UTF8.self).debugDescription) → \(summary.text.debugDescription)")
            }
            if let status = SipFragStatus(parsing: input) {
                #expect((100...699).contains(status.status))
                #expect(SipFragStatus(parsing: status.rendered()) == SipFragStatus(status.status, reason: status.reason.withoutLineBreaks))
            }
        }
        #expect(parsed > 100)  // the mutations do not simply break every body
    }

    @Test("Mutated SUBSCRIBEs and REFERs: every one is answered with exactly one final response first")
    func requests() throws {
        let subscribeBytes = subscribe().serialized()
        let dialog = try Dialog.uas(request: aliceInvite(recordRoute: []), response: answer(aliceInvite(recordRoute: []), 200))
        let referBytes = message([
            "REFER sip:bob@192.0.2.20:5060 SIP/2.0", "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKr",
            "From: \(dialog.remoteParty)", "To: \(dialog.localParty)", "Call-ID: \(dialog.id.callID)", "CSeq: 314160 REFER",
            "Refer-To: <sip:carol@example.com?Replaces=a%40b%3Bto-tag%3D1%3Bfrom-tag%3D2>", "Referred-By: <sip:alice@example.org>",
        ]).serialized()
        var mutator = SIPMutator(random: SplitMix64(seed: 6665), corpus: [subscribeBytes, referBytes])
        var notifier = makeNotifier()
        var vias = ViaFactory()
        var answered = 0
        for round in 0..<1500 {
            let bytes = mutator.mutate(round % 2 == 0 ? subscribeBytes : referBytes)
            guard let request = try? SIPMessage(parsing: bytes), request.isRequest else { continue }
            if request.method == .subscribe {
                let actions = notifier.receiveSubscribe(request, localTag: "m\(round)", now: at(seconds: Double(round)),
                                                        newVia: { vias.next() })
                guard let status = actions.first?.response?.statusCode else {
                    Issue.record("round \(round): no response first: \(actions)")
                    continue
                }
                #expect(status >= 200, "round \(round)")
                #expect(actions.dropFirst().allSatisfy { $0.response == nil }, "round \(round)")
                answered += 1
            } else if request.method == .refer {
                do {
                    let refer = try ReferRequest(request)
                    let accepted = ReferSubscription(refer: refer, now: .zero).acceptance(of: request)
                    #expect(accepted.statusCode == 202)
                } catch {
                    #expect(error.response(to: request).statusCode == 400)
                }
                answered += 1
            }
        }
        #expect(answered > 500)
        // Whatever was accepted expires cleanly.
        _ = notifier.timerFired(now: at(seconds: 100_000), newVia: { vias.next() })
        #expect(notifier.subscriptions.isEmpty)
        #expect(notifier.nextDeadline == nil)
    }
}

import Testing
import TestSupport
import SIPMessage
@testable import SIPCore

@Suite("Dialog receiving (RFC 3261 §12.2.2, §14)")
struct DialogReceivingTests: DialogFixture {
    /// A table with one confirmed UAS dialog (remote CSeq 314159).
    func table() throws -> (DialogTable, Dialog) {
        let dialog = try #require(uasDialog())
        var table = DialogTable()
        table.insert(dialog)
        return (table, dialog)
    }

    @Test("A request matching the dialog is accepted and raises the remote CSeq")
    func accepted() throws {
        var (table, dialog) = try table()
        let info = peerRequest("INFO", in: dialog, cseq: 314160)
        #expect(table.route(info) == .inDialog(dialog.id))
        #expect(table[dialog.id]?.remoteSequence == 314160)
    }

    @Test("A lower CSeq gets 500 and leaves the remote CSeq (§12.2.2)")
    func lowerCSeq() throws {
        var (table, dialog) = try table()
        let old = peerRequest("INFO", in: dialog, cseq: 314158)
        let routing = table.route(old)
        #expect(routing == .reject(.outOfOrder))
        #expect(table[dialog.id]?.remoteSequence == 314159)
        if case .reject(let rejection) = routing {
            let response = rejection.response(to: old)
            #expect(response.statusCode == 500)
            #expect(response.reasonPhrase == "Server Internal Error")
        }
    }

    @Test("No matching dialog: 481 for a request with a To tag; out-of-dialog BYE/UPDATE/INFO/PRACK get 481; INVITE goes to the UAS core")
    func unknownDialog() throws {
        var (table, dialog) = try table()
        let stray = peerRequest("BYE", in: dialog, cseq: 314160, toTag: "someoneelse")
        let routing = table.route(stray)
        #expect(routing == .reject(.noDialog))
        if case .reject(let rejection) = routing {
            #expect(rejection.response(to: stray).statusCode == 481)
        }
        var untagged = dialog
        untagged.localParty = NameAddress(uri: dialog.localParty.uri)
        for method in ["BYE", "UPDATE", "INFO", "PRACK"] {
            #expect(table.route(peerRequest(method, in: untagged, cseq: 1)) == .reject(.noDialog))
        }
        #expect(table.route(aliceInvite()) == .outsideDialog)
        #expect(table.route(peerRequest("OPTIONS", in: untagged, cseq: 1)) == .outsideDialog)
        // ACKs are never answered.
        #expect(table.route(peerRequest("ACK", in: dialog, cseq: 1, toTag: "someoneelse")) == .discard)
    }

    @Test("A request with unparsable From gets 400, not a crash")
    func malformed() {
        var table = DialogTable()
        let bad = SIPMessage.request(.bye, uri: .sip(SIPURI(host: "h")), headers: SIPHeaders([
            ("Via", "SIP/2.0/UDP h;branch=z9hG4bK1"), ("From", "<<<"), ("To", "<sip:a@b>;tag=1"), ("Call-ID", "c"), ("CSeq", "2 BYE"),
        ]))
        #expect(table.route(bad) == .reject(DialogRejection(status: 400)))
    }

    @Test("Broken in-dialog requests get 400 or are dropped, never a crash")
    func brokenRequests() throws {
        var (table, dialog) = try table()
        let good = peerRequest("INFO", in: dialog, cseq: 314160)
        var noCSeq = good
        noCSeq.headers.remove(.cseq)
        #expect(table.route(noCSeq) == .reject(DialogRejection(status: 400)))
        var badCSeq = good
        badCSeq.headers.set(.cseq, "many INFO")
        #expect(table.route(badCSeq) == .reject(DialogRejection(status: 400)))
        var twoCallIDs = good
        twoCallIDs.headers.append(.callID, "other")
        #expect(table.route(twoCallIDs) == .reject(DialogRejection(status: 400)))
        var noTo = peerRequest("ACK", in: dialog, cseq: 314159)
        noTo.headers.remove(.to)
        #expect(table.route(noTo) == .discard)
        let response = SIPMessage.response(to: good, status: 200)
        #expect(table.route(response) == .discard)
        #expect(table[dialog.id]?.remoteSequence == 314159)
    }

    @Test("Our 2xx to their re-INVITE may carry a new Contact, which becomes ours")
    func localContactRefresh() throws {
        var (table, dialog) = try table()
        let reinvite = peerRequest("INVITE", in: dialog, cseq: 314160)
        #expect(table.route(reinvite) == .inDialog(dialog.id))
        table[dialog.id]?.sentResponse(answer(reinvite, 200, contact: "<sip:bob@192.0.2.21:5070>"), to: .invite, sequence: 314160)
        #expect(table[dialog.id]?.localContact?.uri.description == "sip:bob@192.0.2.21:5070")
    }

    @Test("Target refresh: a re-INVITE's and an UPDATE's Contact replace the remote target")
    func targetRefreshIncoming() throws {
        var (table, dialog) = try table()
        let reinvite = peerRequest("INVITE", in: dialog, cseq: 314160, contact: "<sip:alice@198.51.100.7:5062>")
        #expect(table.route(reinvite) == .inDialog(dialog.id))
        #expect(table[dialog.id]?.remoteTarget.description == "sip:alice@198.51.100.7:5062")
        #expect(table[dialog.id]?.pendingRemoteInvite == 314160)
        table[dialog.id]?.sentResponse(answer(reinvite, 200), to: .invite, sequence: 314160)
        #expect(table[dialog.id]?.pendingRemoteInvite == nil)
        let update = peerRequest("UPDATE", in: dialog, cseq: 314161, contact: "<sip:alice@203.0.113.9>")
        #expect(table.route(update) == .inDialog(dialog.id))
        #expect(table[dialog.id]?.remoteTarget.description == "sip:alice@203.0.113.9")
        // INFO is not a target refresh.
        #expect(table.route(peerRequest("INFO", in: dialog, cseq: 314162, contact: "<sip:x@192.0.2.200>")) == .inDialog(dialog.id))
        #expect(table[dialog.id]?.remoteTarget.description == "sip:alice@203.0.113.9")
    }

    @Test("Target refresh: the 2xx to our re-INVITE replaces the remote target (§12.2.1.2)")
    func targetRefreshResponse() throws {
        var dialog = try #require(uasDialog())
        let reinvite = try dialog.makeRequest(.invite, via: testVia).message
        var ok = SIPMessage.response(to: reinvite, status: 200)
        ok.headers.append(.contact, "<sip:alice@198.51.100.8>")
        dialog.receiveResponse(ok)
        #expect(dialog.remoteTarget.description == "sip:alice@198.51.100.8")
        #expect(dialog.pendingLocalInvite == nil)
    }

    @Test("BYE ends the dialog; later requests get 481; 481/408 to our request ends it too")
    func byeEnds() throws {
        var (table, dialog) = try table()
        #expect(table.route(peerRequest("BYE", in: dialog, cseq: 314160)) == .inDialog(dialog.id))
        #expect(table[dialog.id]?.state == .terminated)
        #expect(table.route(peerRequest("INFO", in: dialog, cseq: 314161)) == .reject(.noDialog))
        table.removeTerminated()
        #expect(table.count == 0)

        var other = try #require(uasDialog())
        let info = try other.makeRequest(.info, via: testVia).message
        other.receiveResponse(SIPMessage.response(to: info, status: 481))
        #expect(other.state == .terminated)
    }

    @Test("Glare: an INVITE while our re-INVITE is pending gets 491 (§14.2)")
    func glare491() throws {
        var (table, dialog) = try table()
        let ours = try #require(table[dialog.id]).makeRequestCopy(via: testVia)
        table[dialog.id] = ours.dialog
        #expect(table[dialog.id]?.pendingLocalInvite == 1)
        let theirs = peerRequest("INVITE", in: dialog, cseq: 314160, contact: "<sip:alice@192.0.2.10>")
        let routing = table.route(theirs)
        #expect(routing == .reject(.requestPending))
        if case .reject(let rejection) = routing { #expect(rejection.response(to: theirs).statusCode == 491) }
        // Once our INVITE has its final response, their INVITE is accepted.
        table[dialog.id]?.receiveResponse(SIPMessage.response(to: ours.request, status: 491))
        #expect(table.route(peerRequest("INVITE", in: dialog, cseq: 314161)) == .inDialog(dialog.id))
    }

    @Test("An INVITE overlapping their unanswered INVITE gets 500 with Retry-After 0–10 s (§14.2)")
    func overlapping500() throws {
        var (table, dialog) = try table()
        #expect(table.route(peerRequest("INVITE", in: dialog, cseq: 314160)) == .inDialog(dialog.id))
        let second = peerRequest("INVITE", in: dialog, cseq: 314161)
        let routing = table.route(second, retryAfter: 25)
        #expect(routing == .reject(DialogRejection(status: 500, retryAfter: 10)))
        if case .reject(let rejection) = routing {
            #expect(rejection.response(to: second).headers.first(.retryAfter) == "10")
        }
    }

    @Test("ACK for our 2xx is reported with the INVITE's CSeq and not CSeq-checked")
    func ackRouting() throws {
        var (table, dialog) = try table()
        #expect(table.route(peerRequest("ACK", in: dialog, cseq: 314159)) == .ack(dialog.id, inviteSequence: 314159))
    }

    @Test("Glare backoff without Retry-After: owner of the Call-ID 2.1–4 s, the other 0–2 s, in 10 ms units (§14.1)")
    func backoff() throws {
        var generator = SplitMix64(seed: 42)
        var ownerValues: Set<Duration> = []
        for _ in 0..<500 {
            let owner = GlareBackoff.delay(isCallIDOwner: true, using: &generator)
            #expect(owner >= .milliseconds(2100) && owner <= .seconds(4))
            #expect(owner.components.attoseconds % 10_000_000_000_000_000 == 0)
            ownerValues.insert(owner)
            let other = GlareBackoff.delay(isCallIDOwner: false, using: &generator)
            #expect(other >= .zero && other <= .seconds(2))
        }
        #expect(ownerValues.count > 50)
        #expect(GlareBackoff.range(isCallIDOwner: true) == 2100...4000)
        #expect(GlareBackoff.range(isCallIDOwner: false) == 0...2000)
        let invite = ourInvite()
        let uac = try Dialog.uac(request: invite, response: forkResponse(to: invite, 200, tag: "b"))
        #expect(GlareBackoff.isCallIDOwner(uac))
        #expect(!GlareBackoff.isCallIDOwner(try #require(uasDialog())))
    }
}

extension Dialog {
    /// A copy of this dialog after building a re-INVITE, and the re-INVITE.
    func makeRequestCopy(via: Via) throws -> (dialog: Dialog, request: SIPMessage) {
        var copy = self
        let request = try copy.makeRequest(.invite, via: via)
        return (copy, request.message)
    }
}


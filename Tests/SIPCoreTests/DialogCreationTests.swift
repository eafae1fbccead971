import Testing
import SIPMessage
@testable import SIPCore

@Suite("Dialog creation (RFC 3261 §12.1)")
struct DialogCreationTests: DialogFixture {
    @Test("UAS: 2xx creates a confirmed dialog; route set = Record-Route in order, remote target = Contact, remote CSeq (§12.1.1)")
    func uasConfirmed() throws {
        let invite = aliceInvite()
        let dialog = try Dialog.uas(request: invite, response: answer(invite, 200))
        #expect(dialog.state == .confirmed)
        #expect(dialog.role == .uas)
        #expect(dialog.id == DialogID(callID: "a84b4c76e66710@192.0.2.10", localTag: "bobtag", remoteTag: "1928301774"))
        #expect(dialog.routeSet.map(\.uri.description) == ["sip:p2.example.com;lr", "sip:p1.example.com;lr"])
        #expect(dialog.remoteTarget.description == "sip:alice@192.0.2.10:5060")
        #expect(dialog.remoteSequence == 314159)
        #expect(dialog.localSequence == nil)
        #expect(dialog.remoteParty.tag == "1928301774")
        #expect(dialog.localParty.tag == "bobtag")
        #expect(dialog.localContact?.uri.description == "sip:bob@192.0.2.20:5060")
        #expect(!dialog.isSecure)
    }

    @Test("UAS: 1xx with our To tag creates an early dialog whose INVITE is pending until the 2xx")
    func uasEarly() throws {
        let invite = aliceInvite()
        var dialog = try Dialog.uas(request: invite, response: answer(invite, 180))
        #expect(dialog.state == .early)
        #expect(dialog.pendingRemoteInvite == 314159)
        dialog.sentResponse(answer(invite, 200), to: .invite, sequence: 314159)
        #expect(dialog.state == .confirmed)
        #expect(dialog.pendingRemoteInvite == nil)
    }

    @Test("UAS: a non-2xx final response ends the early dialog (§12.3)")
    func uasEarlyFails() throws {
        let invite = aliceInvite()
        var dialog = try Dialog.uas(request: invite, response: answer(invite, 183))
        dialog.sentResponse(answer(invite, 486), to: .invite, sequence: 314159)
        #expect(dialog.state == .terminated)
    }

    @Test("Secure flag only over TLS with a SIPS Request-URI (§12.1.1)")
    func secureFlag() throws {
        let sips = aliceInvite(requestURI: "sips:bob@example.com")
        #expect(try Dialog.uas(request: sips, response: answer(sips, 200), overTLS: true).isSecure)
        #expect(try !Dialog.uas(request: sips, response: answer(sips, 200), overTLS: false).isSecure)
        let sip = aliceInvite()
        #expect(try !Dialog.uas(request: sip, response: answer(sip, 200), overTLS: true).isSecure)
    }

    @Test("UAS: an INVITE without Contact cannot create a dialog (→ 400), no crash")
    func uasWithoutContact() {
        let invite = aliceInvite(contact: nil)
        #expect(throws: DialogError.badHeader("Contact")) { try Dialog.uas(request: invite, response: answer(invite, 200)) }
    }

    @Test("Only 101–299 to INVITE create dialogs")
    func statusAndMethod() {
        let invite = aliceInvite()
        #expect(throws: DialogError.statusCannotCreateDialog(100)) { try Dialog.uas(request: invite, response: answer(invite, 100)) }
        #expect(throws: DialogError.statusCannotCreateDialog(404)) { try Dialog.uas(request: invite, response: answer(invite, 404)) }
        let options = message(["OPTIONS sip:bob@example.com SIP/2.0", "Via: SIP/2.0/UDP h;branch=z9hG4bK1",
                               "From: <sip:a@b>;tag=1", "To: <sip:bob@example.com>", "Call-ID: x", "CSeq: 1 OPTIONS",
                               "Contact: <sip:a@h>"])
        #expect(throws: DialogError.methodCannotCreateDialog("OPTIONS")) { try Dialog.uas(request: options, response: answer(options, 200)) }
    }

    @Test("UAC: 2xx creates a confirmed dialog; route set = Record-Route reversed, remote target = Contact (§12.1.2)")
    func uacConfirmed() throws {
        let invite = ourInvite(cseq: 7)
        let dialog = try Dialog.uac(request: invite, response: forkResponse(to: invite, 200, tag: "b1"))
        #expect(dialog.state == .confirmed)
        #expect(dialog.role == .uac)
        #expect(dialog.id == DialogID(callID: "call-1@switchboard.example", localTag: "ourtag", remoteTag: "b1"))
        #expect(dialog.routeSet.map(\.uri.description) == ["sip:p1.example.com;lr", "sip:p2.example.com;lr"])
        #expect(dialog.remoteTarget.description == "sip:bob@192.0.2.20:5060")
        #expect(dialog.localSequence == 7)
        #expect(dialog.remoteSequence == nil)
        #expect(dialog.localContact?.uri.description == "sip:ivr@192.0.2.1:5060")
    }

    @Test("UAC: 1xx with tag → early; 1xx without tag → no dialog; 2xx without tag → dialog with empty remote tag")
    func uacEarlyAndTagless() throws {
        let invite = ourInvite()
        #expect(try Dialog.uac(request: invite, response: forkResponse(to: invite, 180, tag: "b1")).state == .early)
        #expect(throws: DialogError.noDialogCreated) { try Dialog.uac(request: invite, response: forkResponse(to: invite, 180, tag: nil)) }
        #expect(try Dialog.uac(request: invite, response: forkResponse(to: invite, 200, tag: nil)).id.remoteTag == "")
    }

    @Test("UAC: the 2xx confirming an early dialog recomputes route set and remote target (§12.1.2, §13.2.2.4)")
    func uacConfirmRecomputes() throws {
        let invite = ourInvite()
        var dialog = try Dialog.uac(request: invite, response: forkResponse(to: invite, 183, tag: "b1", contact: "<sip:early@192.0.2.30>",
                                                                            recordRoute: ["<sip:p1.example.com;lr>"]))
        #expect(dialog.pendingLocalInvite == 1)
        dialog.receiveResponse(forkResponse(to: invite, 200, tag: "b1"))
        #expect(dialog.state == .confirmed)
        #expect(dialog.pendingLocalInvite == nil)
        #expect(dialog.remoteTarget.description == "sip:bob@192.0.2.20:5060")
        #expect(dialog.routeSet.map(\.uri.description) == ["sip:p1.example.com;lr", "sip:p2.example.com;lr"])
    }

    @Test("DialogID from an incoming request (To tag local) and response (From tag local)")
    func ids() {
        let invite = ourInvite()
        #expect(DialogID(incomingRequest: invite) == nil)  // no To tag: outside any dialog
        #expect(DialogID(incomingResponse: forkResponse(to: invite, 200, tag: "b1"))
                == DialogID(callID: "call-1@switchboard.example", localTag: "ourtag", remoteTag: "b1"))
    }
}

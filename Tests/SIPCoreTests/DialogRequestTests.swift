import Testing
import SIPMessage
@testable import SIPCore

@Suite("Dialog requests (RFC 3261 §12.2.1.1, §13.2.2.4)")
struct DialogRequestTests: DialogFixture {
    @Test("Loose routing: Request-URI = remote target, Route = route set; From/To tags, Call-ID, CSeq+1, Via, Max-Forwards 70")
    func looseRouting() throws {
        var dialog = try #require(uasDialog())
        let bye = try dialog.makeRequest(.bye, via: testVia)
        let m = bye.message
        #expect(m.method == .bye)
        #expect(m.requestURI?.description == "sip:alice@192.0.2.10:5060")
        #expect(try m.routes().map(\.uri.description) == ["sip:p2.example.com;lr", "sip:p1.example.com;lr"])
        #expect(bye.nextHop.description == "sip:p2.example.com;lr")
        #expect(try m.from().tag == "bobtag")
        #expect(try m.to().tag == "1928301774")
        #expect(try m.to().uri.description == "sip:alice@example.org")
        #expect(try m.callID() == "a84b4c76e66710@192.0.2.10")
        #expect(try m.cseq() == CSeq(1, .bye))  // the UAS's local sequence number was empty
        #expect(try m.vias() == [testVia])
        #expect(try m.maxForwards() == 70)
        #expect(try m.contact() == nil)  // BYE carries no Contact
        #expect(dialog.localSequence == 1)
        let info = try dialog.makeRequest(.info, via: testVia)
        #expect(try info.message.cseq() == CSeq(2, .info))
    }

    @Test("Strict routing: Request-URI = first route (headers and method stripped), Route = rest + remote target")
    func strictRouting() throws {
        var dialog = try #require(uasDialog(recordRoute: ["<sip:strict.example.com;method=INVITE?x=y>", "<sip:p1.example.com;lr>"]))
        let request = try dialog.makeRequest(.bye, via: testVia)
        #expect(request.message.requestURI?.description == "sip:strict.example.com")
        #expect(try request.message.routes().map(\.uri.description) == ["sip:p1.example.com;lr", "sip:alice@192.0.2.10:5060"])
        #expect(request.nextHop.description == "sip:strict.example.com")  // §8.1.2
    }

    @Test("Empty route set: Request-URI = remote target, no Route, next hop = remote target")
    func noRoutes() throws {
        var dialog = try #require(uasDialog(recordRoute: []))
        let request = try dialog.makeRequest(.options, via: testVia)
        #expect(request.message.requestURI?.description == "sip:alice@192.0.2.10:5060")
        #expect(!request.message.headers.contains(.route))
        #expect(request.nextHop.description == "sip:alice@192.0.2.10:5060")
    }

    @Test("UAC: CSeq continues from the INVITE's; re-INVITE and UPDATE carry Contact and body; re-INVITE is pending")
    func reInviteAndUpdate() throws {
        let invite = ourInvite(cseq: 41)
        var dialog = try Dialog.uac(request: invite, response: forkResponse(to: invite, 200, tag: "b1"))
        let sdp = Array("v=0\r\n".utf8)
        let reinvite = try dialog.makeRequest(.invite, via: testVia, headers: [("Supported", "timer")], body: sdp, contentType: .sdp)
        #expect(try reinvite.message.cseq() == CSeq(42, .invite))
        #expect(reinvite.message.requestURI?.description == "sip:bob@192.0.2.20:5060")
        #expect(try reinvite.message.routes().map(\.uri.description) == ["sip:p1.example.com;lr", "sip:p2.example.com;lr"])
        #expect(reinvite.message.headers.first(.contact) == "<sip:ivr@192.0.2.1:5060>")
        #expect(reinvite.message.headers.first(.supported) == "timer")
        #expect(reinvite.message.body == sdp)
        #expect(try reinvite.message.contentType() == .sdp)
        #expect(try reinvite.message.contentLength() == sdp.count)
        #expect(dialog.pendingLocalInvite == 42)
        let update = try dialog.makeRequest(.update, via: testVia)
        #expect(try update.message.cseq() == CSeq(43, .update))
        #expect(update.message.headers.contains(.contact))
    }

    @Test("ACK for 2xx: the INVITE's CSeq number with method ACK; local CSeq unchanged; same routing (§13.2.2.4)")
    func ackFor2xx() throws {
        let invite = ourInvite(cseq: 5)
        var dialog = try Dialog.uac(request: invite, response: forkResponse(to: invite, 200, tag: "b1"))
        let ack = try dialog.makeACK(inviteSequence: 5, via: testVia)
        #expect(ack.message.method == .ack)
        #expect(try ack.message.cseq() == CSeq(5, .ack))
        #expect(ack.message.requestURI?.description == "sip:bob@192.0.2.20:5060")
        #expect(try ack.message.routes().count == 2)
        #expect(dialog.localSequence == 5)
        #expect(try dialog.makeRequest(.bye, via: testVia).message.cseq() == CSeq(6, .bye))
    }

    @Test("Refusals: no branch, ACK via makeRequest, terminated dialog, exhausted CSeq")
    func refusals() throws {
        var dialog = try #require(uasDialog())
        #expect(throws: DialogError.missingBranch) { try dialog.makeRequest(.bye, via: Via(host: "h")) }
        #expect(throws: DialogError.methodCannotCreateDialog("ACK")) { try dialog.makeRequest(.ack, via: testVia) }
        dialog.localSequence = UInt32.max
        #expect(throws: DialogError.sequenceExhausted) { try dialog.makeRequest(.bye, via: testVia) }
        dialog.terminate()
        #expect(throws: DialogError.terminated) { try dialog.makeRequest(.bye, via: testVia) }
        #expect(throws: DialogError.terminated) { try dialog.makeACK(inviteSequence: 1, via: testVia) }
    }

    @Test("A built request serializes and parses back")
    func roundTrip() throws {
        var dialog = try #require(uasDialog())
        let request = try dialog.makeRequest(.invite, via: testVia)
        let parsed = try SIPMessage(parsing: request.message.serialized())
        #expect(parsed.method == .invite)
        #expect(try parsed.cseq() == CSeq(1, .invite))
        #expect(DialogID(incomingRequest: parsed).map { DialogID(callID: $0.callID, localTag: $0.remoteTag, remoteTag: $0.localTag) } == dialog.id)
    }
}

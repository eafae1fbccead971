import Testing
import SIPMessage
@testable import SIPTransaction

/// RFC 3261 §17.2.2, Figure 8: every arrow, on a virtual clock.
@Suite("Non-INVITE server transaction (RFC 3261 Figure 8)")
struct NonInviteServerTests {
    @Test("request: to the TU once; retransmissions in Trying absorbed; no 100 Trying from the layer")
    func trying() {
        let rig = Rig()
        let request = makeRequest("OPTIONS")
        #expect(summaries(rig.receive(request)) == ["request OPTIONS"])
        #expect(rig.receive(request).isEmpty)
        #expect(rig.layer.nextDeadline == nil)
        #expect(rig.advance(to: at(.seconds(5))).isEmpty)
    }

    @Test("Trying -1xx from TU-> Proceeding: retransmissions get the last provisional; -final-> Completed")
    func proceeding() {
        let rig = Rig()
        let request = makeRequest("REGISTER")
        let id = rig.serverTransaction(for: request)
        #expect(summaries(rig.respond(response(100, to: request, toTag: nil), to: id)) == ["send 100"])
        #expect(summaries(rig.receive(request)) == ["send 100"])
        #expect(summaries(rig.respond(response(183, to: request), to: id)) == ["send 183"])
        #expect(summaries(rig.receive(request)) == ["send 183"])
        rig.advance(to: ms(3000))
        #expect(summaries(rig.respond(response(200, to: request), to: id)) == ["send 200"])
        #expect(rig.layer.nextDeadline == ms(3000 + 32000))
        #expect(summaries(rig.receive(request)) == ["send 200"])
        #expect(timed(rig.advance(to: at(.seconds(60)))) == ["35000 terminated"])
    }

    @Test("Trying -final from TU-> Completed: retransmissions get the final response; Timer J 64·T1; later responses dropped")
    func completed() {
        let rig = Rig()
        let request = makeRequest("OPTIONS")
        let id = rig.serverTransaction(for: request)
        let ok = response(200, to: request)
        let outputs = rig.respond(ok, to: id)
        #expect(summaries(outputs) == ["send 200"])
        #expect(outputs.first?.sentTo == udpPeer)
        #expect(rig.respond(response(500, to: request), to: id).isEmpty)
        rig.advance(to: ms(1000))
        let again = rig.receive(request)
        #expect(again.first?.sent == ok)
        #expect(timed(rig.advance(to: at(.seconds(60)))) == ["32000 terminated"])
        // After Timer J the same request is new to the layer.
        #expect(summaries(rig.receive(request)) == ["request OPTIONS"])
    }

    @Test("over TCP: Timer J is zero")
    func reliable() {
        let rig = Rig()
        let request = makeRequest("MESSAGE", transport: "TCP")
        let id = rig.serverTransaction(for: request, from: tcpPeer)
        #expect(summaries(rig.respond(response(202, to: request), to: id)) == ["send 202", "terminated"])
        #expect(rig.layer.activeCount == 0)
    }

    @Test("transport error: Proceeding and Completed inform the TU and end; Trying sends nothing, so nothing happens")
    func transportErrors() {
        let rig = Rig()
        let first = makeRequest("OPTIONS", branch: "z9hG4bKn1")
        rig.serverTransaction(for: first)
        #expect(rig.transportFailed(udpPeer).isEmpty)

        let second = makeRequest("OPTIONS", branch: "z9hG4bKn2")
        let id2 = rig.serverTransaction(for: second)
        rig.respond(response(100, to: second, toTag: nil), to: id2)
        let third = makeRequest("OPTIONS", branch: "z9hG4bKn3")
        let id3 = rig.serverTransaction(for: third)
        rig.respond(response(200, to: third), to: id3)
        let outputs = rig.transportFailed(udpPeer)
        #expect(Set(summaries(outputs)) == ["transport error", "terminated"])
        #expect(outputs.contains(.transportError(nil, id2)))
        #expect(outputs.contains(.transportError(nil, id3)))
        #expect(outputs.contains(.terminated(client: nil, server: id2)))
        #expect(outputs.contains(.terminated(client: nil, server: id3)))
        #expect(rig.layer.activeCount == 1)
    }
}

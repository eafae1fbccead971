import SIPMessage
import Testing
@testable import SIPTransport

@Suite("Salvaging unparsable requests for a 400")
struct SalvageTests {
    @Test("a request with a broken header keeps Via, From, To, Call-ID, CSeq")
    func salvage() throws {
        let text = "INVITE sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKx\r\n" +
            "From: <sip:b@example.com>;tag=9\r\nTo: <sip:a@example.com>\r\nCall-ID: abc\r\nCSeq: 1 INVITE\r\n" +
            "Max-Forwards: what\r\nContent-Length: 0\r\n\r\n"
        let salvaged = try #require(SalvagedRequest(Array(text.utf8)))
        #expect(salvaged.method == "INVITE")
        #expect(salvaged.topVia.branch == "z9hG4bKx")
        let response = salvaged.response(status: 400, reason: "Bad Request (x)")
        #expect(response.statusCode == 400)
        #expect(response.headers.all.map(\.name) == ["Via", "From", "To", "Call-ID", "CSeq", "Content-Length"])
        #expect(try response.callID() == "abc")
    }

    @Test("folded Via and compact forms")
    func folded() throws {
        let text = "OPTIONS sip:a@example.com SIP/2.0\r\nv: SIP/2.0/UDP\r\n  192.0.2.1;branch=z9hG4bKy\r\ni: q\r\n\r\n"
        let salvaged = try #require(SalvagedRequest(Array(text.utf8)))
        #expect(salvaged.topVia.host == "192.0.2.1")
        #expect(salvaged.copiedHeaders.count == 2)
    }

    @Test("nothing to answer", arguments: [
        "ACK sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n\r\n",
        "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n\r\n",
        "OPTIONS sip:a@example.com SIP/2.0\r\nTo: <sip:a@example.com>\r\n\r\n",
        "OPTIONS sip:a@example.com SIP/2.0\r\nVia: garbage here\r\n\r\n",
        "\u{1}\u{2}\u{3}",
        "",
    ])
    func dropped(text: String) {
        #expect(SalvagedRequest(Array(text.utf8)) == nil)
    }

    @Test("a stamped Via replaces the top one in the 400")
    func stamped() throws {
        let text = "BYE sip:a@h SIP/2.0\r\nVia: SIP/2.0/UDP h1;rport;branch=z9hG4bK1, SIP/2.0/UDP h2;branch=z9hG4bK2\r\nCSeq: x\r\n\r\n"
        let salvaged = try #require(SalvagedRequest(Array(text.utf8)))
        let stampedVia = salvaged.topVia.with(parameter: "received", "192.0.2.1")
        let response = salvaged.response(status: 400, reason: "Bad Request", stampedVia: stampedVia)
        let vias = try response.vias()
        #expect(vias.count == 2)
        #expect(vias[0].received == "192.0.2.1")
        #expect(vias[1].host == "h2")
    }
}

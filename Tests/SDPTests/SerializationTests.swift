import Testing
import SDP

@Suite("Serialization")
struct SerializationTests {
    @Test("parse(serialize(x)) == x for every fixture", arguments: Fixtures.all.map(\.name))
    func roundTrip(_ name: String) throws {
        let text = try #require(Fixtures.all.first { $0.name == name }?.text)
        let parsed = try SessionDescription.parse(text)
        #expect(try SessionDescription.parse(parsed.serialize()) == parsed)
        #expect(try SessionDescription.parse(parsed.serializedBytes()) == parsed)
    }

    @Test("Canonical fixtures serialize back byte for byte, unknown lines included", arguments: Fixtures.all.map(\.name))
    func byteExact(_ name: String) throws {
        let text = try #require(Fixtures.all.first { $0.name == name }?.text)
        #expect(try SessionDescription.parse(text).serialize() == text)
    }

    @Test("Lines are written in RFC 8866 §5 order with CRLF ends")
    func order() throws {
        let scrambled = """
            v=0
            o=- 5 6 IN IP4 192.0.2.1
            s=-
            a=sendrecv
            k=clear:key
            z=2882844526 -1h
            t=0 0
            r=604800 3600 0
            b=AS:64
            c=IN IP4 192.0.2.1
            p=+1 555 0100
            e=ops@example.com
            u=http://example.com/
            i=info
            m=audio 4000 RTP/AVP 0
            a=rtpmap:0 PCMU/8000
            k=base64:a2V5
            b=AS:64
            c=IN IP4 192.0.2.2
            i=audio info

            """
        let expected = """
            v=0
            o=- 5 6 IN IP4 192.0.2.1
            s=-
            i=info
            u=http://example.com/
            e=ops@example.com
            p=+1 555 0100
            c=IN IP4 192.0.2.1
            b=AS:64
            t=0 0
            r=604800 3600 0
            z=2882844526 -1h
            k=clear:key
            a=sendrecv
            m=audio 4000 RTP/AVP 0
            i=audio info
            c=IN IP4 192.0.2.2
            b=AS:64
            k=base64:a2V5
            a=rtpmap:0 PCMU/8000

            """.crlf
        #expect(try SessionDescription.parse(scrambled).serialize() == expected)
    }

    @Test("A constructed description serializes exactly")
    func constructed() {
        let audio = MediaDescription(
            mediaType: "audio", port: 49170, portCount: 2, proto: "RTP/AVP", formats: ["0", "101"],
            attributes: [
                .rtpmap(RTPMap(payloadType: 0, encodingName: "PCMU", clockRate: 8000)),
                .rtpmap(RTPMap(payloadType: 101, encodingName: "telephone-event", clockRate: 8000)),
                .fmtp(payloadType: 101, parameters: "0-16"),
                .ptime(20),
                .direction(.recvonly),
                Attribute("empty", ""),
            ]
        )
        let sdp = SessionDescription(
            origin: Origin(username: "ivr", sessionID: 1, sessionVersion: 2, addrType: "IP6", address: "2001:db8::1"),
            connection: Connection(address: "2001:db8::1"),
            timings: [],
            media: [audio]
        )
        let expected = [
            "v=0", "o=ivr 1 2 IN IP6 2001:db8::1", "s=-", "c=IN IP6 2001:db8::1", "t=0 0",
            "m=audio 49170/2 RTP/AVP 0 101", "a=rtpmap:0 PCMU/8000", "a=rtpmap:101 telephone-event/8000",
            "a=fmtp:101 0-16", "a=ptime:20", "a=recvonly", "a=empty:", "",
        ].joined(separator: "\r\n")
        #expect(sdp.serialize() == expected)
        #expect(sdp.serializedBytes() == Array(expected.utf8))
        var parsed = try? SessionDescription.parse(expected)
        #expect(parsed?.media == [audio])
        #expect(parsed?.media.first?.attributes.last == Attribute("empty", ""))
        parsed?.timings = []
        #expect(parsed == sdp)
    }

    @Test("Every serialized line ends in CRLF and there is no bare LF")
    func lineEnds() throws {
        let bytes = try SessionDescription.parse(Fixtures.linphone.lf).serializedBytes()
        #expect(bytes.suffix(2) == [13, 10])
        for (index, byte) in bytes.enumerated() where byte == 10 {
            #expect(index > 0 && bytes[index - 1] == 13)
        }
    }
}

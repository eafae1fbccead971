import Testing
import SDP

@Suite("Codecs and typed attributes")
struct CodecTests {
    @Test("Well-known codecs, including the G.722 clock-rate quirk of RFC 3551")
    func constants() {
        #expect(Codec.pcmu.payloadType == 0)
        #expect(Codec.pcmu.description == "PCMU/8000")
        #expect(Codec.pcma.payloadType == 8)
        #expect(Codec.g722.payloadType == 9)
        #expect(Codec.g722.clockRate == 8000)
        #expect(Codec.telephoneEvent.fmtp == "0-16")
        #expect(Codec.telephoneEvent.isTelephoneEvent)
        #expect(!Codec.pcmu.isTelephoneEvent)
    }

    @Test("RFC 3551 static payload types", arguments: [
        (UInt8(0), "PCMU/8000"), (3, "GSM/8000"), (4, "G723/8000"), (6, "DVI4/16000"), (8, "PCMA/8000"),
        (9, "G722/8000"), (10, "L16/44100/2"), (13, "CN/8000"), (18, "G729/8000"), (31, "H261/90000"),
    ])
    func staticTable(payloadType: UInt8, name: String) {
        let codec = Codec.staticCodec(payloadType: payloadType)
        #expect(codec?.description == name)
        #expect(codec?.payloadType == payloadType)
    }

    @Test("Unassigned and dynamic payload types have no static codec", arguments: [UInt8(1), 2, 19, 35, 95, 96, 101, 127])
    func noStaticCodec(payloadType: UInt8) {
        #expect(Codec.staticCodec(payloadType: payloadType) == nil)
    }

    @Test("Matching: name case-insensitive, clock rate and channels exact, payload type and fmtp ignored")
    func matching() {
        #expect(Codec(encodingName: "pcmu", clockRate: 8000, payloadType: 96).matches(.pcmu))
        #expect(Codec(encodingName: "TELEPHONE-EVENT", clockRate: 8000).matches(.telephoneEvent))
        #expect(!Codec(encodingName: "telephone-event", clockRate: 48000).matches(.telephoneEvent))
        #expect(!Codec(encodingName: "PCMU", clockRate: 16000).matches(.pcmu))
        #expect(!Codec(encodingName: "opus", clockRate: 48000, channels: 2).matches(Codec(encodingName: "opus", clockRate: 48000)))
        #expect(!Codec(encodingName: "G7221", clockRate: 8000).matches(.g722))
    }

    @Test("A static payload type's rtpmap, when present, wins over the RFC 3551 table")
    func rtpmapWins() throws {
        let sdp = try SessionDescription.parse(Fixtures.simpleOffer(extraMediaLines: "a=rtpmap:3 PCMA/8000", payloadTypes: "3 0 96"))
        let media = sdp.media[0]
        #expect(media.codec(for: 3)?.encodingName == "PCMA")
        #expect(media.codec(for: 0)?.encodingName == "PCMU")
        #expect(media.codec(for: 96) == nil)
        #expect(media.codecs.map(\.description) == ["PCMA/8000", "PCMU/8000"])
    }

    @Test("rtpmap values", arguments: [
        ("96 opus/48000/2", RTPMap(payloadType: 96, encodingName: "opus", clockRate: 48000, channels: 2)),
        ("0 PCMU/8000", RTPMap(payloadType: 0, encodingName: "PCMU", clockRate: 8000)),
        ("101  telephone-event/8000 ", RTPMap(payloadType: 101, encodingName: "telephone-event", clockRate: 8000)),
        ("x PCMU/8000", nil), ("128 X/8000", nil), ("96 opus", nil), ("96 opus/0", nil),
        ("96 opus/48000/0", nil), ("96 /8000", nil), ("96 opus/99999999999", nil), ("96", nil), ("", nil),
        ("96 opus/48000/2/1", nil),
    ] as [(String, RTPMap?)])
    func rtpmapParsing(value: String, expected: RTPMap?) {
        #expect(RTPMap(attributeValue: value) == expected)
    }

    @Test("rtpmap writes channels only when given")
    func rtpmapWriting() {
        #expect(RTPMap(payloadType: 96, encodingName: "opus", clockRate: 48000, channels: 2).attributeValue == "96 opus/48000/2")
        #expect(Codec(encodingName: "opus", clockRate: 48000, channels: 2).rtpmap(payloadType: 111).attributeValue == "111 opus/48000/2")
        #expect(Codec.pcma.rtpmap(payloadType: 8).attributeValue == "8 PCMA/8000")
    }

    @Test("Direction mirroring (RFC 3264 §6.1) and intersection")
    func directions() {
        #expect(Direction.sendonly.reversed == .recvonly)
        #expect(Direction.recvonly.reversed == .sendonly)
        #expect(Direction.inactive.reversed == .inactive)
        #expect(Direction.sendrecv.reversed == .sendrecv)
        #expect(Direction.sendrecv.intersection(.recvonly) == .recvonly)
        #expect(Direction.sendonly.intersection(.recvonly) == .inactive)
        #expect(Direction(sends: true, receives: false) == .sendonly)
    }
}

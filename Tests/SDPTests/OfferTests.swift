import Testing
import SDP

@Suite("Our offers and their answers (RFC 3264 §5, §6)")
struct OfferTests {
    private func offer(_ codecs: [Codec] = Fixtures.supported, direction: Direction = .sendrecv) throws -> SessionDescription {
        try OfferAnswer.offer(codecs: codecs, local: Fixtures.local(), direction: direction).get()
    }

    @Test("The initial offer lists our codecs in order with static and preferred payload types")
    func initialOffer() throws {
        let sdp = try offer([.g722, .pcmu, .pcma, .telephoneEvent])
        #expect(sdp.serialize() == """
            v=0
            o=switchboard 42 7 IN IP4 192.0.2.50
            s=Switchboard
            c=IN IP4 192.0.2.50
            t=0 0
            m=audio 30000 RTP/AVP 9 0 8 101
            a=rtpmap:9 G722/8000
            a=rtpmap:0 PCMU/8000
            a=rtpmap:8 PCMA/8000
            a=rtpmap:101 telephone-event/8000
            a=fmtp:101 0-16
            a=ptime:20
            a=sendrecv

            """.crlf)
        #expect(try SessionDescription.parse(sdp.serialize()) == sdp)
    }

    @Test("Dynamic payload types: free preferred numbers kept, others get the lowest free from 96")
    func dynamicNumbers() throws {
        let opus = Codec(encodingName: "opus", clockRate: 48000, channels: 2)
        let clash = Codec(encodingName: "telephone-event", clockRate: 16000, payloadType: 101)
        let sdp = try offer([opus, .pcmu, .telephoneEvent, clash, .pcmu])
        #expect(sdp.media[0].formats == ["96", "0", "101", "97"])
        #expect(sdp.media[0].rtpmap(for: 97) == RTPMap(payloadType: 97, encodingName: "telephone-event", clockRate: 16000))
        #expect(sdp.media[0].rtpmap(for: 96)?.channels == 2)
    }

    @Test("Offer direction, IPv6 and failures")
    func offerVariants() throws {
        #expect(try offer(direction: .sendonly).media[0].direction == .sendonly)
        let ipv6 = try OfferAnswer.offer(codecs: [.pcmu], local: Fixtures.local(address: "2001:db8::50")).get()
        #expect(ipv6.connection?.addrType == "IP6")
        #expect(ipv6.origin.addrType == "IP6")
        #expect(OfferAnswer.offer(codecs: [.telephoneEvent], local: Fixtures.local()).failure == .noCodecs)
        #expect(OfferAnswer.offer(codecs: [], local: Fixtures.local()).failure == .noCodecs)
        #expect(OfferAnswer.offer(codecs: [.pcmu], local: Fixtures.local(ports: [])).failure == .noPortAvailable)
    }

    @Test("A valid answer yields the negotiated stream")
    func validAnswer() throws {
        let ours = try offer()
        let answer = try SessionDescription.parse("""
            v=0
            o=- 9 9 IN IP4 198.51.100.20
            s=-
            c=IN IP4 198.51.100.20
            t=0 0
            m=audio 5004 RTP/AVP 8 101
            a=rtpmap:8 PCMA/8000
            a=rtpmap:101 telephone-event/8000
            a=fmtp:101 0-15
            a=ptime:30

            """)
        let streams = try OfferAnswer.negotiated(offer: ours, answer: answer).get()
        let stream = try #require(streams.first?.stream)
        #expect(stream.codec.matches(.pcma))
        #expect(stream.codec.payloadType == 8)
        #expect(stream.telephoneEventPayloadType == 101)
        #expect(stream.remoteAddress == "198.51.100.20")
        #expect(stream.remotePort == 5004)
        #expect(stream.remoteRTCPPort == 5005)
        #expect(stream.localPort == 30000)
        #expect(stream.ptime == 30)
        #expect(stream.direction == .sendrecv)
    }

    @Test("Our direction is what we offered limited by the answer", arguments: [
        (Direction.sendrecv, "a=recvonly", Direction.sendonly),
        (.sendrecv, "a=sendonly", .recvonly),
        (.sendrecv, "a=inactive", .inactive),
        (.sendonly, "a=recvonly", .sendonly),
        (.sendonly, "a=inactive", .inactive),
    ])
    func answeredDirection(offered: Direction, answered: String, expected: Direction) throws {
        let ours = try offer(direction: offered)
        let answer = try SessionDescription.parse(Self.answer(formats: "0", extra: answered))
        let stream = try OfferAnswer.negotiated(offer: ours, answer: answer).get().first?.stream
        #expect(stream?.direction == expected)
    }

    @Test("The RFC 3264 §10.2 answer is accepted against the offer it answers")
    func rfc3264Answer() throws {
        let offer = try SessionDescription.parse(Fixtures.rfc3264OneOfNOffer)
        let answer = try SessionDescription.parse(Fixtures.rfc3264OneOfNAnswer)
        let stream = try OfferAnswer.negotiated(offer: offer, answer: answer).get().first?.stream
        #expect(stream?.codecs.map(\.description) == ["PCMU/8000", "G723/8000"])
        #expect(stream?.direction == .inactive)
        #expect(stream?.localPort == 62986)
        #expect(stream?.remoteAddress == "host.example.com")
    }

    @Test("Answers that break RFC 3264 §6 are refused", arguments: [
        ("m-line count", answer(formats: "0") + "m=audio 0 RTP/AVP 0\r\n", NegotiationError.mediaCountMismatch(offered: 1, answered: 2)),
        ("media type", answer(formats: "0").replacingFirst("m=audio", with: "m=video"), .mediaTypeMismatch(mediaIndex: 0, offered: "audio", answered: "video")),
        ("format not offered", answer(formats: "0 18"), .formatNotOffered(mediaIndex: 0, format: "18")),
        ("non-numeric format", answer(formats: "PCMU"), .formatNotOffered(mediaIndex: 0, format: "PCMU")),
        ("payload type rebound", answer(formats: "0 101", extra: "a=rtpmap:101 opus/48000/2"), .payloadTypeMismatch(mediaIndex: 0, payloadType: 101)),
        ("static type rebound", answer(formats: "8", extra: "a=rtpmap:8 PCMU/8000"), .payloadTypeMismatch(mediaIndex: 0, payloadType: 8)),
        ("all rejected", answer(formats: "0").replacingFirst("m=audio 5004", with: "m=audio 0"), .allStreamsRejected([.rejectedByAnswerer])),
        ("only events", answer(formats: "101"), .allStreamsRejected([.noCommonCodec(offered: ["PCMU/8000", "PCMA/8000", "G722/8000", "telephone-event/8000"], supported: ["telephone-event/8000"])])),
    ])
    func badAnswers(name: String, answerText: String, expected: NegotiationError) throws {
        let ours = try offer()
        let answer = try SessionDescription.parse(answerText)
        #expect(OfferAnswer.negotiated(offer: ours, answer: answer).failure == expected, "\(name)")
    }

    @Test("A stream we disabled must stay disabled in the answer")
    func disabledStreamAccepted() throws {
        var ours = try offer()
        ours.media.append(MediaDescription(mediaType: "video", port: 0, proto: "RTP/AVP", formats: ["31"]))
        let accepting = try SessionDescription.parse(Self.answer(formats: "0") + "m=video 6000 RTP/AVP 31\r\n")
        #expect(OfferAnswer.negotiated(offer: ours, answer: accepting).failure == .disabledStreamAccepted(mediaIndex: 1))
        let keeping = try SessionDescription.parse(Self.answer(formats: "0") + "m=video 0 RTP/AVP 31\r\n")
        let streams = try OfferAnswer.negotiated(offer: ours, answer: keeping).get()
        #expect(streams[1] == .rejected(.disabledByOfferer))
    }

    @Test("Error descriptions are readable")
    func errorDescriptions() {
        #expect(NegotiationError.formatNotOffered(mediaIndex: 0, format: "18").description == "m-line 1: the answer lists format 18, which was not offered")
        #expect(NegotiationError.mediaCountMismatch(offered: 1, answered: 2).description == "the answer has 2 m-lines but the offer had 1")
    }

    /// An answer from 198.51.100.20 port 5004 listing the given formats.
    static func answer(formats: String, extra: String = "") -> String {
        var text = "v=0\r\no=- 9 9 IN IP4 198.51.100.20\r\ns=-\r\nc=IN IP4 198.51.100.20\r\nt=0 0\r\nm=audio 5004 RTP/AVP \(formats)\r\n"
        if !extra.isEmpty { text += extra + "\r\n" }
        return text
    }
}

private func answer(formats: String, extra: String = "") -> String {
    OfferTests.answer(formats: formats, extra: extra)
}

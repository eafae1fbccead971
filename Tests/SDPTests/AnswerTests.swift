import Testing
import SDP

/// Answers a fixture with our usual codecs and ports, failing the test if it is refused.
private func answer(
    _ text: String, supported: [Codec] = Fixtures.supported, local: LocalMedia = Fixtures.local()
) throws -> (offer: SessionDescription, answer: Answer) {
    let offer = try SessionDescription.parse(text)
    let answer = try OfferAnswer.answer(to: offer, supported: supported, local: local).get()
    // Whatever we answer must itself parse back and satisfy our own answer checks.
    #expect(try SessionDescription.parse(answer.sessionDescription.serialize()) == answer.sessionDescription)
    #expect((try? OfferAnswer.negotiated(offer: offer, answer: answer.sessionDescription).get()) != nil)
    return (offer, answer)
}

/// The reason an offer is refused, or nil if it is answered.
private func rejection(_ text: String, supported: [Codec] = Fixtures.supported) throws -> RejectReason? {
    let offer = try SessionDescription.parse(text)
    guard case .failure(let reason) = OfferAnswer.answer(to: offer, supported: supported, local: Fixtures.local()) else { return nil }
    return reason
}

@Suite("Answering offers (RFC 3264 §6)")
struct AnswerTests {
    @Test("Linphone: PCMU chosen, telephone-event/8000 found among three rates, ptime defaults to 20")
    func linphone() throws {
        let (_, result) = try answer(Fixtures.linphone)
        let sdp = result.sessionDescription
        #expect(sdp.serialize() == """
            v=0
            o=switchboard 42 7 IN IP4 192.0.2.50
            s=Switchboard
            c=IN IP4 192.0.2.50
            t=0 0
            m=audio 30000 RTP/AVP 0 8 100
            a=rtpmap:0 PCMU/8000
            a=rtpmap:8 PCMA/8000
            a=rtpmap:100 telephone-event/8000
            a=fmtp:100 0-16
            a=ptime:20
            a=sendrecv

            """.crlf)
        let stream = try #require(result.acceptedStreams.first)
        #expect(stream.mediaIndex == 0)
        #expect(stream.codec == Codec(encodingName: "PCMU", clockRate: 8000, payloadType: 0))
        #expect(stream.codecs.map(\.payloadType) == [0, 8])
        #expect(stream.telephoneEventPayloadType == 100)
        #expect(stream.remoteAddress == "192.168.1.20")
        #expect(stream.remotePort == 7078)
        #expect(stream.remoteRTCPPort == 7079)
        #expect(stream.localPort == 30000)
        #expect(stream.ptime == 20)
        #expect(stream.direction == .sendrecv)
        #expect(!stream.isRemoteHold)
    }

    @Test("baresip: G.722 listed before G.711 is chosen; telephone-event 101 mirrored with our fmtp")
    func baresip() throws {
        let (_, result) = try answer(Fixtures.baresip)
        let media = result.sessionDescription.media[0]
        #expect(media.formats == ["9", "0", "8", "101"])
        #expect(media.rtpmap(for: 9) == RTPMap(payloadType: 9, encodingName: "G722", clockRate: 8000))
        #expect(media.fmtp(for: 101) == "0-16")
        let stream = try #require(result.acceptedStreams.first)
        #expect(stream.codec.matches(.g722))
        #expect(stream.codec.payloadType == 9)
        #expect(stream.telephoneEventPayloadType == 101)
    }

    @Test("G.722 first in the offer beats our own order")
    func g722PreferredWhenFirst() throws {
        let offer = Fixtures.simpleOffer(extraMediaLines: "a=rtpmap:9 G722/8000", payloadTypes: "9 0 8 101")
        let (_, result) = try answer(offer, supported: [.pcma, .pcmu, .g722, .telephoneEvent])
        #expect(result.acceptedStreams.first?.codec.matches(.g722) == true)
        #expect(result.sessionDescription.media[0].formats == ["9", "0", "8", "101"])
    }

    @Test("Asterisk: offerer's order restricted to what we support; unsupported codecs dropped")
    func asterisk() throws {
        let (_, result) = try answer(Fixtures.asterisk, supported: [.g722, .pcma, .telephoneEvent])
        let media = result.sessionDescription.media[0]
        #expect(media.formats == ["8", "9", "101"])
        #expect(media.rtpmaps.map(\.encodingName) == ["PCMA", "G722", "telephone-event"])
        #expect(media.fmtp(for: 18) == nil)
        #expect(result.acceptedStreams.first?.codec.matches(.pcma) == true)
        #expect(result.acceptedStreams.first?.codecs.map(\.description) == ["PCMA/8000", "G722/8000"])
    }

    @Test("The offer's ptime is mirrored")
    func ptimeMirrored() throws {
        let (_, result) = try answer(Fixtures.asterisk.replacingFirst("a=ptime:20", with: "a=ptime:30"))
        #expect(result.sessionDescription.media[0].ptime == 30)
        #expect(result.acceptedStreams.first?.ptime == 30)
    }

    @Test("Dynamic telephone-event payload types are mirrored", arguments: [UInt8(96), 101, 127])
    func telephoneEventMirrored(payloadType: UInt8) throws {
        let offer = Fixtures.simpleOffer(payloadTypes: "8 0 \(payloadType)")
            .replacingFirst("a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16", with: "a=rtpmap:\(payloadType) telephone-event/8000\r\na=fmtp:\(payloadType) 0-15")
        let (_, result) = try answer(offer)
        let media = result.sessionDescription.media[0]
        #expect(media.formats == ["8", "0", String(payloadType)])
        #expect(media.rtpmap(for: payloadType)?.encodingName == "telephone-event")
        #expect(media.fmtp(for: payloadType) == "0-16")
        #expect(result.acceptedStreams.first?.telephoneEventPayloadType == payloadType)
        #expect(result.acceptedStreams.first?.codec.matches(.pcma) == true)
    }

    @Test("A dynamic voice codec keeps the offerer's payload type number")
    func dynamicVoiceCodec() throws {
        let opus = Codec(encodingName: "opus", clockRate: 48000, channels: 2, payloadType: 111, fmtp: "useinbandfec=1")
        let (_, result) = try answer(Fixtures.linphone, supported: [opus, .pcmu])
        let media = result.sessionDescription.media[0]
        #expect(media.formats == ["96", "0"])
        #expect(media.rtpmap(for: 96)?.encodingName == "opus")
        #expect(media.fmtp(for: 96) == "useinbandfec=1")
        #expect(result.acceptedStreams.first?.codec.payloadType == 96)
    }

    @Test("telephone-event is left out when not offered or not supported")
    func telephoneEventAbsent() throws {
        let notOffered = try answer(Fixtures.rfc4317AudioVideo).answer
        #expect(notOffered.acceptedStreams.first?.telephoneEventPayloadType == nil)
        #expect(notOffered.sessionDescription.media[0].formats == ["0", "8"])
        let notSupported = try answer(Fixtures.baresip, supported: [.pcmu]).answer
        #expect(notSupported.sessionDescription.media[0].formats == ["0"])
        #expect(notSupported.acceptedStreams.first?.telephoneEventPayloadType == nil)
    }

    @Test("Answer direction mirrors the offer (RFC 3264 §6.1)", arguments: [
        ("a=sendonly", Direction.recvonly), ("a=recvonly", .sendonly), ("a=inactive", .inactive), ("a=sendrecv", .sendrecv), ("", .sendrecv),
    ])
    func directions(offered: String, answered: Direction) throws {
        let (_, result) = try answer(Fixtures.simpleOffer(direction: offered))
        #expect(result.sessionDescription.media[0].direction == answered)
        #expect(result.acceptedStreams.first?.direction == answered)
    }

    @Test("A session-level direction applies to media without its own")
    func sessionLevelDirection() throws {
        let offer = Fixtures.simpleOffer().replacingFirst("t=0 0\r\n", with: "t=0 0\r\na=sendonly\r\n")
        let (parsed, result) = try answer(offer)
        #expect(parsed.isOnHold)
        #expect(result.sessionDescription.media[0].direction == .recvonly)
    }

    @Test("Hold offers are detected", arguments: ["holdSendonly", "holdInactive", "holdNullAddress"])
    func holdDetected(name: String) throws {
        let text = try #require(Fixtures.all.first { $0.name == name }?.text)
        let (offer, result) = try answer(text)
        #expect(offer.isOnHold)
        #expect(offer.isOnHold(offer.media[0]))
        #expect(result.acceptedStreams.first?.isRemoteHold == true)
        #expect(result.acceptedStreams.first?.direction.sends == false)
    }

    @Test("RFC 2543 hold (c=0.0.0.0) with no direction is answered recvonly")
    func nullAddressHold() throws {
        let (_, result) = try answer(Fixtures.holdNullAddress)
        #expect(result.sessionDescription.media[0].direction == .recvonly)
        #expect(result.acceptedStreams.first?.remoteAddress == "0.0.0.0")
    }

    @Test("Ordinary offers are not on hold", arguments: ["linphone", "baresip", "asterisk", "ipv6"])
    func notOnHold(name: String) throws {
        let text = try #require(Fixtures.all.first { $0.name == name }?.text)
        let (offer, result) = try answer(text)
        #expect(!offer.isOnHold)
        #expect(result.acceptedStreams.first?.isRemoteHold == false)
    }

    @Test("Audio + video: video rejected with port 0, keeping type, proto and formats")
    func videoRejected() throws {
        let (_, result) = try answer(Fixtures.rfc4317AudioVideo)
        let sdp = result.sessionDescription
        #expect(sdp.media.count == 2)
        #expect(sdp.media[0].port == 30000)
        #expect(sdp.media[1] == MediaDescription(mediaType: "video", port: 0, proto: "RTP/AVP", formats: ["31", "32"]))
        #expect(result.streams[1] == .rejected(.notAudio(mediaType: "video")))
        #expect(sdp.serialize().hasSuffix("m=video 0 RTP/AVP 31 32\r\n"))
    }

    @Test("RFC 3264 §10.1: three m-lines answered in order, both video streams rejected")
    func rfc3264Basic() throws {
        let (_, result) = try answer(Fixtures.rfc3264BasicOffer)
        let media = result.sessionDescription.media
        #expect(media.map(\.mediaType) == ["audio", "video", "video"])
        #expect(media.map(\.port) == [30000, 0, 0])
        #expect(media.map(\.formats) == [["0"], ["31"], ["32"]])
        #expect(result.acceptedStreams.first?.remoteAddress == "host.anywhere.com")
    }

    @Test("RFC 3264 §10.2: the inactive one-of-N offer is answered like Bob does")
    func rfc3264OneOfN() throws {
        let g723 = Codec(encodingName: "G723", clockRate: 8000, payloadType: 4)
        let bob = LocalMedia(address: "host.example.com", username: "bob", sessionID: 2_890_844_730, sessionVersion: 2_890_844_731, sessionName: "", ports: .list([54344]))
        let (_, result) = try answer(Fixtures.rfc3264OneOfNOffer, supported: [.pcmu, g723], local: bob)
        var expected = try SessionDescription.parse(Fixtures.rfc3264OneOfNAnswer)
        // Our answers always carry ptime.
        expected.media[0].attributes.insert(.ptime(20), at: 2)
        #expect(result.sessionDescription == expected)
        #expect(result.acceptedStreams.first?.direction == .inactive)
        #expect(result.acceptedStreams.first?.isRemoteHold == true)
    }

    @Test("RFC 4317 §2.4: the telephone-event-only stream is rejected, the next port stays free")
    func rfc4317TwoStreams() throws {
        let (_, result) = try answer(Fixtures.rfc4317TwoAudioStreams, local: Fixtures.local(ports: [40000, 40002]))
        #expect(result.sessionDescription.media.map(\.port) == [40000, 0])
        #expect(result.sessionDescription.media[1].formats == ["98"])
        guard case .rejected(.noCommonCodec(let offered, _)) = result.streams[1] else {
            Issue.record("expected noCommonCodec, got \(result.streams[1])")
            return
        }
        #expect(offered == ["telephone-event/8000"])
    }

    @Test("Only G.729 offered: the whole offer is refused with 488 and a readable reason")
    func g729Only() throws {
        let reason = try #require(try rejection(Fixtures.g729Only))
        #expect(reason.statusCode == 488)
        #expect(reason.streams == [.noCommonCodec(offered: ["G729/8000"], supported: ["PCMU/8000", "PCMA/8000", "G722/8000", "telephone-event/8000"])])
        #expect(reason.message == "no acceptable audio stream: m-line 1 (audio RTP/AVP): no common codec (offered G729/8000; supported PCMU/8000, PCMA/8000, G722/8000, telephone-event/8000)")
    }

    @Test("Other refusals name every stream's reason")
    func otherRefusals() throws {
        let videoOnly = try #require(try rejection(Fixtures.rfc4317AudioVideo.replacingFirst("m=audio 49170", with: "m=audio 0")))
        #expect(videoOnly.streams == [.disabledByOfferer, .notAudio(mediaType: "video")])
        #expect(videoOnly.message.contains("m-line 2 (video RTP/AVP): media type 'video' is not supported"))

        let noMedia = try #require(try rejection("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n"))
        #expect(noMedia.streams.isEmpty)
        #expect(noMedia.message.contains("no m= lines"))

        let onlyEvents = try #require(try rejection(Fixtures.simpleOffer(payloadTypes: "101")))
        #expect(onlyEvents.message.contains("offered telephone-event/8000"))

        let unknownDynamic = try #require(try rejection(Fixtures.simpleOffer(payloadTypes: "96")))
        #expect(unknownDynamic.message.contains("payload type 96 (no rtpmap)"))
    }

    @Test("SRTP streams are rejected with port 0 and named in the reason")
    func srtp() throws {
        let reason = try #require(try rejection(Fixtures.srtp))
        #expect(reason.streams == [.unsupportedTransport(proto: "RTP/SAVP")])
        #expect(reason.message.contains("SRTP is not supported"))

        let withFallback = Fixtures.srtp + "m=audio 11802 RTP/AVP 0\r\n"
        let (_, result) = try answer(withFallback)
        #expect(result.sessionDescription.media.map(\.port) == [0, 30000])
        #expect(result.sessionDescription.media[0].proto == "RTP/SAVP")
        #expect(result.sessionDescription.media[0].attributes.isEmpty)
        #expect(result.acceptedStreams.first?.mediaIndex == 1)
    }

    @Test("RTP/AVPF is accepted and its proto mirrored")
    func avpf() throws {
        let (_, result) = try answer(Fixtures.simpleOffer().replacingFirst("RTP/AVP", with: "RTP/AVPF"))
        #expect(result.sessionDescription.media[0].proto == "RTP/AVPF")
        #expect(result.sessionDescription.media[0].port == 30000)
    }

    @Test("IPv6: our IPv6 address gives IP6 in o= and c=; the peer's IPv6 address is used")
    func ipv6() throws {
        let (_, result) = try answer(Fixtures.ipv6, local: Fixtures.local(address: "2001:db8::50"))
        let sdp = result.sessionDescription
        #expect(sdp.origin.addrType == "IP6")
        #expect(sdp.connection == Connection(addrType: "IP6", address: "2001:db8::50"))
        #expect(sdp.serialize().contains("c=IN IP6 2001:db8::50\r\n"))
        #expect(result.acceptedStreams.first?.remoteAddress == "2001:db8::10")
        #expect(result.acceptedStreams.first?.codec.matches(.g722) == true)

        let (_, ipv4Answer) = try answer(Fixtures.ipv6)
        #expect(ipv4Answer.sessionDescription.connection?.addrType == "IP4")
    }

    @Test("Media-level c= and a=rtcp override the defaults for the remote address and RTCP port")
    func remoteTransport() throws {
        let offer = Fixtures.simpleOffer(extraMediaLines: "c=IN IP4 198.51.100.99\na=rtcp:20555")
        let (_, result) = try answer(offer)
        #expect(result.acceptedStreams.first?.remoteAddress == "198.51.100.99")
        #expect(result.acceptedStreams.first?.remoteRTCPPort == 20555)
    }

    @Test("A stream the offer disabled (port 0) stays disabled")
    func disabledByOfferer() throws {
        let text = Fixtures.simpleOffer() + "m=audio 0 RTP/AVP 0\r\n"
        let (_, result) = try answer(text)
        #expect(result.streams[1] == .rejected(.disabledByOfferer))
        #expect(result.sessionDescription.media[1].port == 0)
    }

    @Test("Ports: the allocator gets the media index; no port means the stream is rejected")
    func portAssignment() throws {
        let twoAudio = Fixtures.simpleOffer() + "m=audio 20002 RTP/AVP 8\r\n"
        let allocator = LocalMedia(address: "192.0.2.50", sessionID: 1, sessionVersion: 1, ports: .allocator { index in index == 1 ? 31000 : nil })
        let (_, result) = try answer(twoAudio, local: allocator)
        #expect(result.sessionDescription.media.map(\.port) == [0, 31000])
        #expect(result.streams[0] == .rejected(.noPortAvailable))

        let (_, listed) = try answer(twoAudio, local: Fixtures.local(ports: [32000]))
        #expect(listed.sessionDescription.media.map(\.port) == [32000, 0])

        let offer = try SessionDescription.parse(Fixtures.simpleOffer())
        let none = OfferAnswer.answer(to: offer, supported: Fixtures.supported, local: Fixtures.local(ports: []))
        #expect(none.failure?.streams == [.noPortAvailable])
        let zero = LocalMedia(address: "192.0.2.50", sessionID: 1, sessionVersion: 1, ports: .allocator { _ in 0 })
        #expect(OfferAnswer.answer(to: offer, supported: Fixtures.supported, local: zero).failure?.streams == [.noPortAvailable])
    }

    @Test("Answer origin and session name come from LocalMedia")
    func origin() throws {
        let (_, result) = try answer(Fixtures.baresip)
        #expect(result.sessionDescription.origin == Origin(username: "switchboard", sessionID: 42, sessionVersion: 7, addrType: "IP4", address: "192.0.2.50"))
        #expect(result.sessionDescription.sessionName == "Switchboard")
    }

    @Test("A constructed offer without any connection address rejects the stream instead of crashing")
    func noConnection() {
        let offer = SessionDescription(
            origin: Origin(username: "-", sessionID: 1, sessionVersion: 1, addrType: "IP4", address: "192.0.2.1"),
            media: [MediaDescription(mediaType: "audio", port: 4000, proto: "RTP/AVP", formats: ["0"])]
        )
        let result = OfferAnswer.answer(to: offer, supported: Fixtures.supported, local: Fixtures.local())
        #expect(result.failure?.streams == [.noConnectionAddress])
    }
}

extension Result {
    /// The failure, if any.
    var failure: Failure? {
        guard case .failure(let error) = self else { return nil }
        return error
    }
}

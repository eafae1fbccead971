import Testing
@testable import SDP

@Suite("Parsing")
struct ParsingTests {
    @Test("Linphone offer: session fields, formats, rtpmap, fmtp and static payload types")
    func linphone() throws {
        let sdp = try SessionDescription.parse(Fixtures.linphone)
        #expect(sdp.version == 0)
        #expect(sdp.origin == Origin(username: "alice", sessionID: 2147, sessionVersion: 3612, addrType: "IP4", address: "192.168.1.20"))
        #expect(sdp.sessionName == "Talk")
        #expect(sdp.connection == Connection(addrType: "IP4", address: "192.168.1.20"))
        #expect(sdp.timings == [Timing(start: 0, stop: 0)])
        #expect(sdp.attributes == [Attribute("rtcp-xr", "rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics")])
        #expect(sdp.media.count == 1)
        let audio = try #require(sdp.media.first)
        #expect(audio.mediaType == "audio")
        #expect(audio.port == 7078)
        #expect(audio.portCount == nil)
        #expect(audio.proto == "RTP/AVP")
        #expect(audio.formats == ["96", "97", "98", "0", "8", "18", "101", "99", "100"])
        #expect(audio.payloadTypes == [96, 97, 98, 0, 8, 18, 101, 99, 100])
        #expect(audio.rtpmap(for: 96) == RTPMap(payloadType: 96, encodingName: "opus", clockRate: 48000, channels: 2))
        #expect(audio.rtpmap(for: 0) == nil)
        #expect(audio.fmtp(for: 96) == "useinbandfec=1")
        #expect(audio.fmtp(for: 18) == "annexb=yes")
        #expect(audio.fmtp(for: 0) == nil)
        #expect(audio.codec(for: 18) == Codec(encodingName: "G729", clockRate: 8000, payloadType: 18, fmtp: "annexb=yes"))
        #expect(audio.codec(for: 100) == Codec(encodingName: "telephone-event", clockRate: 8000, payloadType: 100))
        #expect(audio.attributes(named: "rtcp-fb").compactMap(\.value) == ["* trr-int 1000", "* ccm tmmbr"])
        #expect(audio.direction == nil)
        #expect(sdp.effectiveDirection(of: audio) == .sendrecv)
    }

    @Test("Typed attribute helpers: ptime, maxptime, direction, rtcp")
    func typedAttributes() throws {
        let asterisk = try #require(try SessionDescription.parse(Fixtures.asterisk).media.first)
        #expect(asterisk.ptime == 20)
        #expect(asterisk.maxptime == 150)
        #expect(asterisk.direction == .sendrecv)
        #expect(asterisk.rtcp == nil)

        let full = try SessionDescription.parse(Fixtures.everyLineType)
        #expect(full.media[0].rtcp == RTCPAttribute(port: 53020, connection: Connection(addrType: "IP4", address: "198.51.100.3")))
        let portOnly = try SessionDescription.parse(Fixtures.simpleOffer(extraMediaLines: "a=rtcp:20011\na=ptime:30"))
        #expect(portOnly.media[0].rtcp == RTCPAttribute(port: 20011))
        #expect(portOnly.media[0].ptime == 30)
        let malformed = try SessionDescription.parse(Fixtures.simpleOffer(extraMediaLines: "a=rtcp:abc\na=ptime:fast"))
        #expect(malformed.media[0].rtcp == nil)
        #expect(malformed.media[0].ptime == nil)
        #expect(malformed.media[0].hasAttribute(named: "ptime"))
    }

    @Test("Session-level direction is the default, media level overrides it")
    func directionLevels() throws {
        let text = """
            v=0
            o=- 1 1 IN IP4 192.0.2.1
            s=-
            c=IN IP4 192.0.2.1
            t=0 0
            a=sendonly
            m=audio 4000 RTP/AVP 0
            m=audio 4002 RTP/AVP 0
            a=inactive
            m=audio 4004 RTP/AVP 0
            a=recvonly

            """
        let sdp = try SessionDescription.parse(text)
        #expect(sdp.direction == .sendonly)
        #expect(sdp.media.map(\.direction) == [nil, .inactive, .recvonly])
        #expect(sdp.media.map(sdp.effectiveDirection(of:)) == [.sendonly, .inactive, .recvonly])
    }

    @Test("Everything of RFC 8866 §5 is read, unknown lines are kept")
    func everyLineType() throws {
        let sdp = try SessionDescription.parse(Fixtures.everyLineType)
        #expect(sdp.information == "SDP Offer #1")
        #expect(sdp.uri == "http://www.jdoe.example.com/home.html")
        #expect(sdp.emails == ["Jane Doe <jane@jdoe.example.com>"])
        #expect(sdp.phones == ["+1 617 555-6011"])
        #expect(sdp.bandwidths == [Bandwidth(type: "CT", value: 128)])
        #expect(sdp.timings == [
            Timing(start: 2_873_397_496, stop: 2_873_404_696, repeats: ["604800 3600 0 90000"]),
            Timing(start: 0, stop: 0),
        ])
        #expect(sdp.timeZones == "2882844526 -1h 2898848070 0")
        #expect(sdp.otherLines == [SDPLine(type: "k", value: "clear:secret"), SDPLine(type: "x", value: "an unknown line type")])
        #expect(sdp.attributes == [Attribute("recvonly"), Attribute("tool", "switchboard-test")])
        let audio = sdp.media[0]
        #expect(audio.information == "main audio")
        #expect(audio.connection == Connection(addrType: "IP4", address: "198.51.100.2"))
        #expect(audio.bandwidths == [Bandwidth(type: "AS", value: 64)])
        #expect(audio.otherLines == [SDPLine(type: "k", value: "prompt")])
        #expect(sdp.effectiveConnection(of: audio)?.address == "198.51.100.2")
        let video = sdp.media[1]
        #expect(video.port == 51372)
        #expect(video.portCount == 2)
        #expect(sdp.effectiveConnection(of: video)?.address == "198.51.100.1")
    }

    @Test("LF-only line ends, a missing final line end and blank lines are tolerated")
    func lineEndLeniency() throws {
        let reference = try SessionDescription.parse(Fixtures.baresip)
        #expect(try SessionDescription.parse(Fixtures.baresip.lf) == reference)
        // "\r\n" is a single Character, so dropLast() removes the whole final line end.
        #expect(try SessionDescription.parse(String(Fixtures.baresip.dropLast())) == reference)
        #expect(try SessionDescription.parse(String(Fixtures.baresip.lf.dropLast())) == reference)
        #expect(try SessionDescription.parse(Fixtures.baresip + "\r\n\r\n") == reference)
        let withBlank = Fixtures.baresip.replacingFirst("t=0 0\r\n", with: "t=0 0\r\n\r\n")
        #expect(withBlank != Fixtures.baresip)
        #expect(try SessionDescription.parse(withBlank) == reference)
        let mixed = Fixtures.baresip.replacingFirst("s=-\r\n", with: "s=-\n")
        #expect(try SessionDescription.parse(mixed) == reference)
    }

    @Test("Parses from any collection of bytes")
    func bytes() throws {
        let reference = try SessionDescription.parse(Fixtures.asterisk)
        #expect(try SessionDescription.parse(Array(Fixtures.asterisk.utf8)) == reference)
        #expect(try SessionDescription.parse(Fixtures.asterisk.utf8) == reference)
        #expect(try SessionDescription.parse(ArraySlice(Fixtures.asterisk.utf8)) == reference)
    }

    @Test("A missing t= line is taken as t=0 0")
    func missingTiming() throws {
        let text = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nm=audio 4000 RTP/AVP 0\r\n"
        let sdp = try SessionDescription.parse(text)
        #expect(sdp.timings == [Timing(start: 0, stop: 0)])
        #expect(sdp.serialize().contains("\r\nt=0 0\r\n"))
    }

    @Test("Empty s=, extra spaces between fields and session lines out of order are accepted")
    func otherLeniencies() throws {
        let text = """
            v=0
            o=-  1   2 IN IP4 192.0.2.1
            s=
            t=0 0
            a=tool:x
            c=IN  IP4 192.0.2.1
            m=audio  4000 RTP/AVP  0  8

            """
        let sdp = try SessionDescription.parse(text)
        #expect(sdp.sessionName == "")
        #expect(sdp.origin.sessionVersion == 2)
        #expect(sdp.connection?.address == "192.0.2.1")
        #expect(sdp.media[0].formats == ["0", "8"])
    }

    @Test("IPv6 connection and origin")
    func ipv6() throws {
        let sdp = try SessionDescription.parse(Fixtures.ipv6)
        #expect(sdp.origin.addrType == "IP6")
        #expect(sdp.connection == Connection(addrType: "IP6", address: "2001:db8::10"))
        #expect(Connection(address: "2001:db8::10").addrType == "IP6")
        #expect(Connection(address: "192.0.2.1").addrType == "IP4")
    }

    @Test("A disabled stream (port 0) needs no connection address and may omit formats")
    func disabledStream() throws {
        let text = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=video 0 RTP/AVP\r\nm=audio 0 RTP/AVP 0\r\n"
        let sdp = try SessionDescription.parse(text)
        #expect(sdp.media.map(\.port) == [0, 0])
        #expect(sdp.media[0].formats.isEmpty)
    }

    @Test("Connection helpers: host without multicast suffix, null address")
    func connectionHelpers() {
        #expect(Connection(addrType: "IP4", address: "224.2.1.1/127/3").host == "224.2.1.1")
        #expect(Connection(addrType: "IP4", address: "0.0.0.0").isNullAddress)
        #expect(Connection(addrType: "IP6", address: "::").isNullAddress)
        #expect(!Connection(addrType: "IP4", address: "10.0.0.1").isNullAddress)
    }

    @Test("Limits: 128 media sections and 1024 lines are accepted, 64 KiB exactly is accepted")
    func limitsAccepted() throws {
        let media = String(repeating: "m=audio 0 RTP/AVP 0\r\n", count: 128)
        #expect(try SessionDescription.parse(Self.header + media).media.count == 128)

        let attributes = String(repeating: "a=x\r\n", count: 1024 - 5)
        #expect(try SessionDescription.parse(Self.header + attributes).attributes.count == 1019)

        let base = Self.header + "a=pad:"
        let exact = base + String(repeating: "y", count: SessionDescription.maximumInputSize - base.utf8.count - 2) + "\r\n"
        #expect(exact.utf8.count == SessionDescription.maximumInputSize)
        #expect(try SessionDescription.parse(exact).attributes.count == 1)
    }

    /// `v=`, `o=`, `s=`, `c=`, `t=`: five lines.
    static let header = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
}

extension String {
    /// The text with the first occurrence of `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        var copy = self
        copy.replaceSubrange(range, with: replacement)
        return copy
    }
}

import SDP

/// Session descriptions as real phones and the RFCs write them. Written with LF here and
/// sent with CRLF (see `crlf`) unless a test is about line ends.
enum Fixtures {
    /// Linphone: opus, speex, G.711, G.729 and telephone-event at three clock rates.
    static let linphone = """
        v=0
        o=alice 2147 3612 IN IP4 192.168.1.20
        s=Talk
        c=IN IP4 192.168.1.20
        t=0 0
        a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics
        m=audio 7078 RTP/AVP 96 97 98 0 8 18 101 99 100
        a=rtpmap:96 opus/48000/2
        a=fmtp:96 useinbandfec=1
        a=rtpmap:97 speex/16000
        a=fmtp:97 vbr=on
        a=rtpmap:98 speex/8000
        a=fmtp:98 vbr=on
        a=fmtp:18 annexb=yes
        a=rtpmap:101 telephone-event/48000
        a=rtpmap:99 telephone-event/16000
        a=rtpmap:100 telephone-event/8000
        a=rtcp-fb:* trr-int 1000
        a=rtcp-fb:* ccm tmmbr

        """.crlf

    /// baresip: opus first, then G.722, G.711 and telephone-event 101.
    static let baresip = """
        v=0
        o=- 1297348716 2 IN IP4 192.168.0.2
        s=-
        c=IN IP4 192.168.0.2
        t=0 0
        m=audio 10582 RTP/AVP 96 9 0 8 101
        b=AS:128
        a=rtpmap:96 opus/48000/2
        a=fmtp:96 stereo=1;sprop-stereo=1
        a=rtpmap:9 G722/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-15
        a=ptime:20
        a=sendrecv
        a=rtcp-rsize

        """.crlf

    /// Asterisk: many codecs, maxptime, telephone-event 101.
    static let asterisk = """
        v=0
        o=- 1939852591 1939852591 IN IP4 203.0.113.10
        s=Asterisk
        c=IN IP4 203.0.113.10
        t=0 0
        m=audio 17654 RTP/AVP 0 8 3 9 18 111 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:3 GSM/8000
        a=rtpmap:9 G722/8000
        a=rtpmap:18 G729/8000
        a=fmtp:18 annexb=no
        a=rtpmap:111 G726-32/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-16
        a=ptime:20
        a=maxptime:150
        a=sendrecv

        """.crlf

    /// RFC 3264 §10.1: one audio stream and two video streams, empty `s=`, FQDN addresses.
    static let rfc3264BasicOffer = """
        v=0
        o=alice 2890844526 2890844526 IN IP4 host.anywhere.com
        s=
        c=IN IP4 host.anywhere.com
        t=0 0
        m=audio 49170 RTP/AVP 0
        a=rtpmap:0 PCMU/8000
        m=video 51372 RTP/AVP 31
        a=rtpmap:31 H261/90000
        m=video 53000 RTP/AVP 32
        a=rtpmap:32 MPV/90000

        """.crlf

    /// RFC 3264 §10.2: an inactive stream offering PCMU, G.723 and G.729.
    static let rfc3264OneOfNOffer = """
        v=0
        o=alice 2890844526 2890844526 IN IP4 host.anywhere.com
        s=
        c=IN IP4 host.anywhere.com
        t=0 0
        m=audio 62986 RTP/AVP 0 4 18
        a=rtpmap:0 PCMU/8000
        a=rtpmap:4 G723/8000
        a=rtpmap:18 G729/8000
        a=inactive

        """.crlf

    /// RFC 3264 §10.2: Bob's answer to the offer above.
    static let rfc3264OneOfNAnswer = """
        v=0
        o=bob 2890844730 2890844731 IN IP4 host.example.com
        s=
        c=IN IP4 host.example.com
        t=0 0
        m=audio 54344 RTP/AVP 0 4
        a=rtpmap:0 PCMU/8000
        a=rtpmap:4 G723/8000
        a=inactive

        """.crlf

    /// RFC 4317 §2.1: audio (PCMU, PCMA, iLBC) and video (H.261, MPV).
    static let rfc4317AudioVideo = """
        v=0
        o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com
        s=
        c=IN IP4 host.atlanta.example.com
        t=0 0
        m=audio 49170 RTP/AVP 0 8 97
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:97 iLBC/8000
        m=video 51372 RTP/AVP 31 32
        a=rtpmap:31 H261/90000
        a=rtpmap:32 MPV/90000

        """.crlf

    /// RFC 4317 §2.4: two audio streams, the second carrying only telephone-event.
    static let rfc4317TwoAudioStreams = """
        v=0
        o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com
        s=
        c=IN IP4 host.atlanta.example.com
        t=0 0
        m=audio 49170 RTP/AVP 0 97
        a=rtpmap:0 PCMU/8000
        a=rtpmap:97 iLBC/8000
        m=audio 49172 RTP/AVP 98
        a=rtpmap:98 telephone-event/8000

        """.crlf

    /// A re-INVITE putting us on hold with `a=sendonly` (RFC 3264 §8.4).
    static let holdSendonly = simpleOffer(direction: "a=sendonly")

    /// A re-INVITE putting us on hold with `a=inactive`.
    static let holdInactive = simpleOffer(direction: "a=inactive")

    /// An RFC 2543 style hold: `c=IN IP4 0.0.0.0` and no direction attribute.
    static let holdNullAddress = """
        v=0
        o=- 4711 4712 IN IP4 198.51.100.7
        s=-
        c=IN IP4 0.0.0.0
        t=0 0
        m=audio 20000 RTP/AVP 0 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:101 telephone-event/8000

        """.crlf

    /// An offer with only G.729, which we do not support.
    static let g729Only = """
        v=0
        o=- 88 88 IN IP4 198.51.100.9
        s=-
        c=IN IP4 198.51.100.9
        t=0 0
        m=audio 30000 RTP/AVP 18
        a=rtpmap:18 G729/8000
        a=fmtp:18 annexb=no

        """.crlf

    /// IPv6 addresses in `o=` and `c=`.
    static let ipv6 = """
        v=0
        o=- 1 1 IN IP6 2001:db8::10
        s=-
        c=IN IP6 2001:db8::10
        t=0 0
        m=audio 40000 RTP/AVP 9 8 0 101
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-16
        a=ptime:20

        """.crlf

    /// SRTP (`RTP/SAVP` with SDES keys), which we reject for now.
    static let srtp = """
        v=0
        o=- 20045 20045 IN IP4 10.0.0.5
        s=SDP data
        c=IN IP4 10.0.0.5
        t=0 0
        m=audio 11800 RTP/SAVP 0 8 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-15
        a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz
        a=sendrecv

        """.crlf

    /// Every line type of RFC 8866 §5, including lines this module does not interpret,
    /// written in canonical order so it serializes back byte for byte.
    static let everyLineType = """
        v=0
        o=jdoe 3724394400 3724394405 IN IP4 198.51.100.1
        s=Call to John Smith
        i=SDP Offer #1
        u=http://www.jdoe.example.com/home.html
        e=Jane Doe <jane@jdoe.example.com>
        p=+1 617 555-6011
        c=IN IP4 198.51.100.1
        b=CT:128
        t=2873397496 2873404696
        r=604800 3600 0 90000
        t=0 0
        z=2882844526 -1h 2898848070 0
        k=clear:secret
        x=an unknown line type
        a=recvonly
        a=tool:switchboard-test
        m=audio 49170 RTP/AVP 0
        i=main audio
        c=IN IP4 198.51.100.2
        b=AS:64
        k=prompt
        a=rtpmap:0 PCMU/8000
        a=rtcp:53020 IN IP4 198.51.100.3
        m=video 51372/2 RTP/AVP 99
        a=rtpmap:99 h263-1998/90000

        """.crlf

    /// All fixtures, for round-trip and mutation tests.
    static let all: [(name: String, text: String)] = [
        ("linphone", linphone), ("baresip", baresip), ("asterisk", asterisk),
        ("rfc3264BasicOffer", rfc3264BasicOffer), ("rfc3264OneOfNOffer", rfc3264OneOfNOffer),
        ("rfc3264OneOfNAnswer", rfc3264OneOfNAnswer), ("rfc4317AudioVideo", rfc4317AudioVideo),
        ("rfc4317TwoAudioStreams", rfc4317TwoAudioStreams), ("holdSendonly", holdSendonly),
        ("holdInactive", holdInactive), ("holdNullAddress", holdNullAddress), ("g729Only", g729Only),
        ("ipv6", ipv6), ("srtp", srtp), ("everyLineType", everyLineType),
    ]

    /// A one-stream PCMU/PCMA/telephone-event offer with the given media-level lines added.
    static func simpleOffer(direction: String = "", extraMediaLines: String = "", payloadTypes: String = "0 8 101") -> String {
        var text = """
            v=0
            o=- 4711 4712 IN IP4 198.51.100.7
            s=-
            c=IN IP4 198.51.100.7
            t=0 0
            m=audio 20000 RTP/AVP \(payloadTypes)
            a=rtpmap:0 PCMU/8000
            a=rtpmap:8 PCMA/8000
            a=rtpmap:101 telephone-event/8000
            a=fmtp:101 0-16

            """
        if !extraMediaLines.isEmpty { text += extraMediaLines + "\n" }
        if !direction.isEmpty { text += direction + "\n" }
        return text.crlf
    }

    /// The codecs an IVR typically supports.
    static let supported: [Codec] = [.pcmu, .pcma, .g722, .telephoneEvent]

    /// Our media parameters with the given RTP ports.
    static func local(address: String = "192.0.2.50", ports: [UInt16] = [30000, 30002]) -> LocalMedia {
        LocalMedia(address: address, username: "switchboard", sessionID: 42, sessionVersion: 7, sessionName: "Switchboard", ports: .list(ports))
    }
}

extension String {
    /// The text with CRLF line ends, as SDP is sent on the wire.
    var crlf: String {
        var result = ""
        for scalar in lf.unicodeScalars {
            if scalar == "\n" { result.unicodeScalars.append("\r") }
            result.unicodeScalars.append(scalar)
        }
        return result
    }

    /// The text with LF-only line ends, as some phones send it.
    var lf: String {
        var result = ""
        result.unicodeScalars.append(contentsOf: unicodeScalars.filter { $0 != "\r" })
        return result
    }
}

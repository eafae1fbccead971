/// The built-in corpus of `switchboard bench parse`: one realistic message of each kind a
/// node handles on every call or registration, as real phones and proxies write them.
enum ParseCorpus {
    static let messages: [(name: String, text: String)] = [
        ("invite-sdp", """
        INVITE sip:100@switchboard.example.com SIP/2.0\r
        Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r
        Max-Forwards: 70\r
        To: <sip:100@switchboard.example.com>\r
        From: "Alice Liddell" <sip:alice@atlanta.example.com>;tag=1928301774\r
        Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r
        CSeq: 314159 INVITE\r
        Contact: <sip:alice@192.0.2.10:5060;transport=udp>\r
        Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY, UPDATE\r
        Supported: replaces, timer\r
        User-Agent: Linphone/5.2.0 (belle-sip/5.2.0)\r
        Content-Type: application/sdp\r
        Content-Length: 253\r
        \r
        v=0\r
        o=alice 2890844526 2890844526 IN IP4 192.0.2.10\r
        s=Talk\r
        c=IN IP4 192.0.2.10\r
        t=0 0\r
        m=audio 49170 RTP/AVP 9 0 8 101\r
        a=rtpmap:9 G722/8000\r
        a=rtpmap:0 PCMU/8000\r
        a=rtpmap:8 PCMA/8000\r
        a=rtpmap:101 telephone-event/8000\r
        a=fmtp:101 0-16\r
        a=ptime:20\r

        """),
        ("180-ringing", """
        SIP/2.0 180 Ringing\r
        Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK4b43c2ff8.1;received=198.51.100.7\r
        Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport=5060;received=192.0.2.10\r
        Record-Route: <sip:198.51.100.7;lr>\r
        To: <sip:bob@biloxi.example.com>;tag=a6c85cf\r
        From: "Alice Liddell" <sip:alice@atlanta.example.com>;tag=1928301774\r
        Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r
        Contact: <sip:bob@203.0.113.4:5062>\r
        CSeq: 314159 INVITE\r
        Content-Length: 0\r
        \r

        """),
        ("200-sdp", """
        SIP/2.0 200 OK\r
        Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK4b43c2ff8.1;received=198.51.100.7\r
        Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport=5060;received=192.0.2.10\r
        Record-Route: <sip:198.51.100.7;lr>, <sip:198.51.100.9;lr>\r
        To: <sip:bob@biloxi.example.com>;tag=a6c85cf\r
        From: "Alice Liddell" <sip:alice@atlanta.example.com>;tag=1928301774\r
        Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r
        CSeq: 314159 INVITE\r
        Contact: <sip:bob@203.0.113.4:5062>\r
        Allow: INVITE, ACK, CANCEL, BYE, OPTIONS\r
        Content-Type: application/sdp\r
        Content-Length: 150\r
        \r
        v=0\r
        o=bob 2808844564 2808844564 IN IP4 203.0.113.4\r
        s=-\r
        c=IN IP4 203.0.113.4\r
        t=0 0\r
        m=audio 3456 RTP/AVP 0 101\r
        a=rtpmap:101 telephone-event/8000\r

        """),
        ("ack", """
        ACK sip:bob@203.0.113.4:5062 SIP/2.0\r
        Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKnashds9;rport\r
        Route: <sip:198.51.100.7;lr>\r
        Max-Forwards: 70\r
        To: <sip:bob@biloxi.example.com>;tag=a6c85cf\r
        From: "Alice Liddell" <sip:alice@atlanta.example.com>;tag=1928301774\r
        Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r
        CSeq: 314159 ACK\r
        Content-Length: 0\r
        \r

        """),
        ("bye", """
        BYE sip:alice@192.0.2.10:5060;transport=udp SIP/2.0\r
        Via: SIP/2.0/UDP 203.0.113.4:5062;branch=z9hG4bKnashds10\r
        Max-Forwards: 70\r
        From: <sip:bob@biloxi.example.com>;tag=a6c85cf\r
        To: "Alice Liddell" <sip:alice@atlanta.example.com>;tag=1928301774\r
        Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r
        CSeq: 231 BYE\r
        Content-Length: 0\r
        \r

        """),
        ("register-auth", """
        REGISTER sip:switchboard.example.com SIP/2.0\r
        Via: SIP/2.0/UDP 192.0.2.21:5062;branch=z9hG4bKnashds7;rport\r
        Max-Forwards: 70\r
        To: "Bob" <sip:201@switchboard.example.com>\r
        From: "Bob" <sip:201@switchboard.example.com>;tag=a73kszlfl\r
        Call-ID: 1j9FpLxk3uxtm8tn@192.0.2.21\r
        CSeq: 2 REGISTER\r
        Contact: <sip:201@192.0.2.21:5062;transport=udp>;expires=3600;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"\r
        Authorization: Digest username="201", realm="switchboard.example.com", nonce="ea9c8e88df84f1cec4341ae6cbe5a359", uri="sip:switchboard.example.com", response="dfe56131d1958046689d83306477ecc", algorithm=MD5, cnonce="0a4f113b", qop=auth, nc=00000001\r
        User-Agent: baresip v1.0.0 (x86_64/linux)\r
        Content-Length: 0\r
        \r

        """),
        ("401", """
        SIP/2.0 401 Unauthorized\r
        Via: SIP/2.0/UDP 192.0.2.21:5062;branch=z9hG4bKnashds7;rport=5062;received=192.0.2.21\r
        To: "Bob" <sip:201@switchboard.example.com>;tag=2493k59kd\r
        From: "Bob" <sip:201@switchboard.example.com>;tag=a73kszlfl\r
        Call-ID: 1j9FpLxk3uxtm8tn@192.0.2.21\r
        CSeq: 1 REGISTER\r
        WWW-Authenticate: Digest realm="switchboard.example.com", qop="auth", nonce="ea9c8e88df84f1cec4341ae6cbe5a359", opaque="", algorithm=MD5, stale=FALSE\r
        Content-Length: 0\r
        \r

        """),
        ("options", """
        OPTIONS sip:switchboard.example.com SIP/2.0\r
        Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK.e2bEKkVmq\r
        Max-Forwards: 70\r
        To: <sip:switchboard.example.com>\r
        From: <sip:dispatcher@198.51.100.7>;tag=9fxced76sl\r
        Call-ID: c3a1f1d8-3e1a-4c51-9bc4-2a0f5e1e7a11\r
        CSeq: 63104 OPTIONS\r
        Contact: <sip:dispatcher@198.51.100.7>\r
        Accept: application/sdp\r
        Content-Length: 0\r
        \r

        """),
        ("notify-mwi", """
        NOTIFY sip:201@192.0.2.21:5062;transport=udp SIP/2.0\r
        Via: SIP/2.0/UDP 203.0.113.1:5060;branch=z9hG4bK.mwi.8a7b6c\r
        Max-Forwards: 70\r
        To: <sip:201@switchboard.example.com>;tag=4442\r
        From: <sip:201@switchboard.example.com>;tag=78923\r
        Call-ID: mwi-201-7a8b9c@switchboard.example.com\r
        CSeq: 20 NOTIFY\r
        Contact: <sip:switchboard@203.0.113.1:5060>\r
        Event: message-summary\r
        Subscription-State: active;expires=3598\r
        Content-Type: application/simple-message-summary\r
        Content-Length: 99\r
        \r
        Messages-Waiting: yes\r
        Message-Account: sip:201@switchboard.example.com\r
        Voice-Message: 2/8 (0/2)\r

        """),
    ]
}

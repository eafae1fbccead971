import Foundation
import SIPMessage
import Testing
@testable import Switchboard

/// A call's media end to end over loopback: the prompt arrives as RTP, and a key sent as
/// RFC 4733 telephone-events moves the flow on.
@Suite("Live call media", .serialized)
struct LiveMediaTests {
    @Test("The menu prompt arrives as PCMU RTP; key 1 as RFC 4733 events leads to Switchboard's BYE (a port pair per call, or the loop's shared pair)",
          arguments: [false, true])
    func promptAndRFC4733Key(sharedPort: Bool) async throws {
        var policy = CallPolicy()
        policy.mediaSharedPort = sharedPort
        policy.mediaLoops = 1
        try await withCallServer(policy: policy) { server, port in
            let mediaPort = try await offloaded { try Self.callAndPressOne(port: port) }
            let shared = server.layer.environment.media.engines[0].eventLoop.submit { server.layer.environment.media.engines[0].sharedPort }
            #expect(try await shared.get() == (sharedPort ? mediaPort : nil))
        }
    }

    /// The caller's side, blocking on its sockets (run it off the cooperative pool). Returns
    /// the RTP port Switchboard's answer gave.
    @discardableResult
    static func callAndPressOne(port: Int) throws -> Int? {
        do {
            let sip = try SocketClient(connectTo: port)
            let rtp = try SocketClient()
            let invite = invite(sipPort: sip.port, rtpPort: rtp.port, serverPort: port)
            try sip.send(invite)
            var answer: SIPMessage?
            while let message = try sip.receiveMessage() {
                if message.statusCode == 200 { answer = message; break }
            }
            let ok = try #require(answer, "no 200 to the INVITE")
            let sdp = String(decoding: ok.body, as: UTF8.self)
            let mediaPort = try #require(sdp.split(separator: "\r\n").first { $0.hasPrefix("m=audio ") }
                .flatMap { Int($0.split(separator: " ")[1]) })
            let toTag = try #require(try ok.to().tag)
            try sip.send(inDialog("ACK", cseq: 1, toTag: toTag, sipPort: sip.port, serverPort: port))
            try rtp.connect(toLoopbackPort: mediaPort)

            // The menu's beep: PCMU packets with consecutive sequence numbers, not silence. The
            // channel sends silence until the flow's first play reaches it, which on a loaded
            // machine (the whole suite in parallel) can take longer than 20 packets: read on
            // for up to 3 s of packets until sound arrives.
            var packets: [[UInt8]] = []
            let isAudible: ([UInt8]) -> Bool = { $0.dropFirst(12).contains { $0 != 0xFF && $0 != 0x7F } }
            while packets.count < 250, packets.count < 20 || packets.filter(isAudible).count < 5, let packet = rtp.receive() {
                packets.append(packet)
            }
            #expect(packets.count >= 20)
            #expect(packets.allSatisfy { $0.count == 12 + 160 && $0[0] >> 6 == 2 && $0[1] & 0x7F == 0 })
            let sequences = packets.map { UInt16($0[2]) << 8 | UInt16($0[3]) }
            #expect(zip(sequences, sequences.dropFirst()).allSatisfy { $1 == $0 &+ 1 })
            #expect(packets.contains(where: isAudible), "only silence arrived")

            // Key 1 (RFC 4733 §2.3): three updates of one event, the last sent three times with the end bit.
            let timestamp: UInt32 = 8_000
            var sequence: UInt16 = 100
            for (duration, end) in [(160, false), (320, false), (480, true), (480, true), (480, true)] {
                try rtp.send(telephoneEvent(digit: 1, end: end, duration: UInt16(duration), sequence: sequence, timestamp: timestamp))
                sequence += 1
            }
            // The flow plays a beep and hangs up: a BYE in the dialog.
            var bye: SIPMessage?
            while let message = try sip.receiveMessage() {
                if message.method == .bye { bye = message; break }
            }
            let request = try #require(bye, "no BYE from Switchboard")
            #expect(try request.callID() == "media-test-call")
            #expect(try request.from().tag == toTag)
            var response = SIPMessage.response(to: request, status: 200, reason: "OK")
            response.headers.set(.contentLength, "0")
            try sip.send(response.serialized())
            return mediaPort
        }
    }

    static func invite(sipPort: Int, rtpPort: Int, serverPort: Int, number: String = "200") -> String {
        let sdp = "v=0\r\no=test 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
            "m=audio \(rtpPort) RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
        return "INVITE sip:\(number)@127.0.0.1:\(serverPort) SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP 127.0.0.1:\(sipPort);branch=z9hG4bKmedia1;rport\r\n" +
            "Max-Forwards: 70\r\nTo: <sip:\(number)@127.0.0.1>\r\nFrom: <sip:caller@127.0.0.1>;tag=caller1\r\n" +
            "Call-ID: media-test-call\r\nCSeq: 1 INVITE\r\nContact: <sip:caller@127.0.0.1:\(sipPort)>\r\n" +
            "Content-Type: application/sdp\r\nContent-Length: \(sdp.utf8.count)\r\n\r\n" + sdp
    }

    static func inDialog(_ method: String, cseq: Int, toTag: String, sipPort: Int, serverPort: Int) -> String {
        "\(method) sip:switchboard@127.0.0.1:\(serverPort) SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP 127.0.0.1:\(sipPort);branch=z9hG4bKmedia\(method)\(cseq);rport\r\n" +
            "Max-Forwards: 70\r\nTo: <sip:200@127.0.0.1>;tag=\(toTag)\r\nFrom: <sip:caller@127.0.0.1>;tag=caller1\r\n" +
            "Call-ID: media-test-call\r\nCSeq: \(cseq) \(method)\r\nContent-Length: 0\r\n\r\n"
    }

    /// An RTP packet carrying one telephone-event payload (RFC 4733 §2.3), payload type 101.
    static func telephoneEvent(digit: UInt8, end: Bool, duration: UInt16, sequence: UInt16, timestamp: UInt32) -> [UInt8] {
        var packet: [UInt8] = [0x80, 101, UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
        packet += [UInt8(timestamp >> 24), UInt8(timestamp >> 16 & 0xFF), UInt8(timestamp >> 8 & 0xFF), UInt8(timestamp & 0xFF)]
        packet += [0x12, 0x34, 0x56, 0x78]
        packet += [digit, (end ? 0x80 : 0) | 10, UInt8(duration >> 8), UInt8(duration & 0xFF)]
        return packet
    }
}

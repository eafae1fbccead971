import Foundation
import Media
import SIPCore
import SIPMessage
import Storage
import Testing
import Voicemail
@testable import Switchboard

/// Voicemail on a live call over loopback: a caller leaves a message (PCMU RTP), a second
/// call logs in with the PIN as RFC 4733 events and hears the message back; MWI SUBSCRIBE
/// and NOTIFY with the counts.
@Suite("Live voicemail", .serialized)
struct LiveVoicemailTests {
    /// A data directory with mailbox 301 (PIN 1234), removed afterwards.
    final class VoicemailData: @unchecked Sendable {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vm-live-\(UUID().uuidString)")
        let stores: SwitchboardStores
        init() async throws {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            stores = try SwitchboardStores.open(dataDirectory: directory)
            try await stores.voicemail.createMailbox(Mailbox(number: "301", ownerName: "Alice Archer"))
            try await stores.voicemail.setPIN("1234", for: "301", hasher: PINHasher(parameters: ScryptParameters(logN: 10)))
        }
        deinit { try? FileManager.default.removeItem(at: directory) }
    }

    /// One call from a socket pair: INVITE to `number`, ACK, RTP connected. Used by one task
    /// at a time; its blocking reads run `offloaded`, off the cooperative pool.
    final class Caller: @unchecked Sendable {
        let sip: SocketClient
        let rtp: SocketClient
        let callID = "vm-\(UUID().uuidString)"
        let serverPort: Int
        var toTag = ""
        var sequence: UInt16 = 1
        var timestamp: UInt32 = 0
        var cseq = 1

        init(number: String, serverPort: Int) throws {
            sip = try SocketClient(connectTo: serverPort)
            rtp = try SocketClient()
            self.serverPort = serverPort
            let sdp = "v=0\r\no=test 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
                "m=audio \(rtp.port) RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
            try sip.send("INVITE sip:\(number)@127.0.0.1:\(serverPort) SIP/2.0\r\n" +
                "Via: SIP/2.0/UDP 127.0.0.1:\(sip.port);branch=z9hG4bK\(callID)inv;rport\r\n" +
                "Max-Forwards: 70\r\nTo: <sip:\(number)@127.0.0.1>\r\nFrom: <sip:4930555@127.0.0.1>;tag=caller1\r\n" +
                "Call-ID: \(callID)\r\nCSeq: 1 INVITE\r\nContact: <sip:caller@127.0.0.1:\(sip.port)>\r\n" +
                "Content-Type: application/sdp\r\nContent-Length: \(sdp.utf8.count)\r\n\r\n" + sdp)
            var answer: SIPMessage?
            while let message = try sip.receiveMessage() {
                if message.statusCode == 200 { answer = message; break }
            }
            guard let ok = answer, let tag = try ok.to().tag,
                  let media = String(decoding: ok.body, as: UTF8.self).split(separator: "\r\n").first(where: { $0.hasPrefix("m=audio ") }),
                  let mediaPort = Int(media.split(separator: " ")[1]) else { throw SocketClient.SocketError.failed("no 200 with SDP") }
            toTag = tag
            try sip.send(inDialog("ACK", cseq: 1))
            try rtp.connect(toLoopbackPort: mediaPort)
        }

        func inDialog(_ method: String, cseq: Int) -> String {
            "\(method) sip:switchboard@127.0.0.1:\(serverPort) SIP/2.0\r\n" +
                "Via: SIP/2.0/UDP 127.0.0.1:\(sip.port);branch=z9hG4bK\(callID)\(method)\(cseq);rport\r\n" +
                "Max-Forwards: 70\r\nTo: <sip:x@127.0.0.1>;tag=\(toTag)\r\nFrom: <sip:4930555@127.0.0.1>;tag=caller1\r\n" +
                "Call-ID: \(callID)\r\nCSeq: \(cseq) \(method)\r\nContent-Length: 0\r\n\r\n"
        }

        /// One key as RFC 4733 events (§2.3): updates, then the end three times.
        func press(_ key: Character) throws {
            let digit: UInt8 = key == "#" ? 11 : key == "*" ? 10 : UInt8(String(key)) ?? 0
            timestamp &+= 1600
            for (duration, end) in [(160, false), (320, false), (640, true), (640, true), (640, true)] {
                try rtp.send(LiveMediaTests.telephoneEvent(digit: digit, end: end, duration: UInt16(duration),
                                                           sequence: sequence, timestamp: timestamp))
                sequence &+= 1
            }
        }

        /// Sends `seconds` of a 440 Hz tone as RTP on the media clock, as a phone does: packet n
        /// at start + n × 20 ms. After a stall of this test's thread (the suite loads both
        /// cores) the late packets go at once and refill the far end's jitter buffer;
        /// sleeping 20 ms after each send instead would drain it a little at every stall
        /// until frames went missing from the recording.
        ///
        /// After `seconds`, it goes on while `notYet()` holds, for at most `limit` seconds in all:
        /// a test that needs the far end to have done something with the audio waits for that,
        /// not for a guess at how long a loaded machine takes. Returns how long it spoke.
        ///
        /// Blocking: run it `offloaded`, on a thread of its own, so a busy cooperative pool
        /// does not hold the packets back.
        @discardableResult
        func speak(seconds: Double, thenWhile notYet: () -> Bool = { false }, limit: Double = 30) throws -> Duration {
            let clock = ContinuousClock()
            let start = clock.now
            var packet = 0
            while packet < Int(seconds * 50) || (packet < Int(limit * 50) && notYet()) {
                var bytes: [UInt8] = [0x80, 0, UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
                timestamp &+= 160
                bytes += [UInt8(timestamp >> 24), UInt8(timestamp >> 16 & 0xFF), UInt8(timestamp >> 8 & 0xFF), UInt8(timestamp & 0xFF)]
                bytes += [0x12, 0x34, 0x56, 0x78]
                for index in 0..<160 {
                    let t = Double(packet * 160 + index) / 8000
                    bytes.append(G711.ulaw(fromLinear: Int16(8000 * sin(2 * .pi * 440 * t))))
                }
                try rtp.send(bytes)
                sequence &+= 1
                let due = start + .milliseconds(20 * (packet + 1))
                if due > clock.now { Thread.sleep(forTimeInterval: (due - clock.now) / .seconds(1)) }
                packet += 1
            }
            return .milliseconds(20 * packet)
        }

        /// Drains RTP until a run of `packets` packets dominated by `frequency` arrives (440 Hz:
        /// the message played back; 1 kHz: the beep before a recording), or `seconds` pass.
        /// A lone other packet inside the run does not break it: where the caller's packets
        /// paused (this test's thread stalled) the recording holds one silent frame.
        func hearsTone(_ frequency: Double = 440, packets needed: Int = 25, within seconds: Double = 30) -> Bool {
            let end = Date().addingTimeInterval(seconds)
            var run = 0, othersInARow = 0
            while Date() < end, let packet = rtp.receive() {
                guard packet.count == 172, packet[1] & 0x7F == 0 else { continue }
                let samples = packet.dropFirst(12).map { Double(G711.linear(fromULaw: $0)) }
                if LiveVoicemailTests.isTone(samples, frequency: frequency) {
                    run += 1
                    othersInARow = 0
                } else {
                    othersInARow += 1
                    if othersInARow > 1 { run = 0 }
                }
                if run >= needed { return true }
            }
            return false
        }

        func hangUp() throws {
            cseq += 1
            try sip.send(inDialog("BYE", cseq: cseq))
        }
    }

    /// The longest audio among the WAV files under `folder` (zero when there is none): what
    /// a server's recorder has written so far (it writes once a second of audio arrived).
    static func longestRecording(in folder: URL) -> Duration {
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "wav" } ?? []
        return files.compactMap { try? WAVFile.inspect($0).duration }.max() ?? .zero
    }

    /// Whether most of `samples`' energy is at `frequency` (Goertzel).
    static func isTone(_ samples: [Double], frequency: Double) -> Bool {
        let coefficient = 2 * cos(2 * .pi * frequency / 8000)
        var (s1, s2) = (0.0, 0.0)
        for sample in samples {
            let s0 = sample + coefficient * s1 - s2
            s2 = s1
            s1 = s0
        }
        let power = s1 * s1 + s2 * s2 - coefficient * s1 * s2
        let energy = samples.reduce(0) { $0 + $1 * $1 }
        return energy > 1e6 && power / (energy * Double(samples.count) / 2) > 0.5
    }

    @Test("MWI bodies: unheard messages are new, the rest old; a removed mailbox reads as no messages")
    func summaryBodies() {
        let waiting = MessageWaitingService.summary(Voicemail.MessageCounts(new: 2, saved: 1, unheard: 1), mailbox: "301",
                                                    accountHost: "192.0.2.1")
        #expect(waiting.text == "Messages-Waiting: yes\r\nMessage-Account: sip:301@192.0.2.1\r\nVoice-Message: 1/2\r\n")
        let heard = MessageWaitingService.summary(Voicemail.MessageCounts(new: 1, saved: 2, unheard: 0), mailbox: "sales",
                                                  accountHost: nil)
        #expect(heard.text == "Messages-Waiting: no\r\nVoice-Message: 0/3\r\n")
        #expect(MessageWaitingService.summary(nil, mailbox: "301", accountHost: nil).text == "Messages-Waiting: no\r\nVoice-Message: 0/0\r\n")
    }

    @Test("A caller leaves a message; a second call logs in with the PIN over RFC 4733 and hears it back")
    func depositThenRetrieve() async throws {
        let data = try await VoicemailData()
        let store = data.stores.voicemail
        try await withCallServer(voicemail: store) { server, port in
            // Deposit: # skips the greeting, the beep, 3 s of tone (longer if the server has not
            // written a second of it by then: a stall of this loaded test's thread sends a
            // burst the server's jitter buffer cannot take whole), hang-up.
            let caller = try await offloaded { try Caller(number: "600", serverPort: port) }
            try caller.press("#")
            #expect(try await offloaded { caller.hearsTone(1000, packets: 3) }, "no beep")
            let spoken = try await offloaded {
                try caller.speak(seconds: 3, thenWhile: { Self.longestRecording(in: data.directory) < .seconds(1) })
            }
            try caller.hangUp()
            var saved: [VoicemailMessage] = []
            for _ in 0..<500 where saved.isEmpty {
                saved = try await store.messages(in: "301", folder: .new)
                if saved.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            }
            let message = try #require(saved.first, "no message stored")
            #expect(message.duration >= .seconds(1) && message.duration <= spoken + .seconds(1))
            #expect(message.caller.number == "4930555")
            // The counter follows the commit (the step counts after the store answers).
            var deposits = 0
            for _ in 0..<500 where deposits == 0 {
                deposits = server.layer.status.snapshot.voicemailDeposits
                if deposits == 0 { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(deposits == 1)

            // Retrieval: PIN 1234#, 1 to listen; the envelope, then the tone comes back.
            let owner = try await offloaded { try Caller(number: "601", serverPort: port) }
            for key in "1234#" { try owner.press(key) }
            try owner.press("1")
            #expect(try await offloaded { owner.hearsTone() }, "the message's audio did not come back")
            var heard = false
            for _ in 0..<500 where !heard {
                heard = try await store.message(message.id)?.heard ?? false
                if !heard { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(heard)
            try owner.hangUp()
        }
    }

    @Test("With call-back: true, 3 2 calls the message's caller through the trunk (an allowed number)")
    func callBackThroughTrunk() async throws {
        let data = try await VoicemailData()
        let store = data.stores.voicemail
        let ticket = try await store.beginRecording(mailbox: "301", caller: VoicemailCaller(number: "+493012345678"),
                                                    calledNumber: "301", at: Date())
        let writer = try WAVWriter(path: ticket.audioFile.path, sampleRate: 8000)
        try writer.write([Int16](repeating: 0, count: 16_000))
        writer.close()
        _ = try await store.commitRecording(ticket, duration: .seconds(2))
        let trunk = try SocketClient()
        var policy = CallPolicy()
        policy.trunk = Trunk(proxy: try URI("sip:127.0.0.1:\(trunk.port)"), domain: "carrier.test", credentials: [])
        try await withCallServer(policy: policy, voicemail: store) { _, port in
            let owner = try await offloaded { try Caller(number: "602", serverPort: port) }
            // PIN, 1 listen (stops the envelope), 3 more options, 2 call back.
            for key in "1234#132" { try owner.press(key) }
            let invite = try await offloaded { () -> String? in
                while let message = try trunk.receiveMessage() {
                    if message.method == .invite { return message.requestURI?.description }
                }
                return nil
            }
            #expect(invite?.contains("+493012345678") == true, "no INVITE to the caller's number: \(invite ?? "nothing")")
            try owner.hangUp()
        }
    }

    /// A new message-summary SUBSCRIBE for `mailbox` from `phone`.
    static func subscribe(_ mailbox: String, phone: SocketClient, port: Int, callID: String, cseq: Int) throws -> SIPMessage {
        try SIPParser().parse(Array(("SUBSCRIBE sip:\(mailbox)@127.0.0.1:\(port) SIP/2.0\r\n" +
            "Via: SIP/2.0/UDP 127.0.0.1:\(phone.port);branch=z9hG4bK\(callID)-\(cseq);rport\r\nMax-Forwards: 70\r\n" +
            "From: <sip:\(mailbox)@127.0.0.1>;tag=phone1\r\nTo: <sip:\(mailbox)@127.0.0.1>\r\nCall-ID: \(callID)\r\n" +
            "CSeq: \(cseq) SUBSCRIBE\r\nContact: <sip:\(mailbox)@127.0.0.1:\(phone.port)>\r\nEvent: message-summary\r\n" +
            "Expires: 600\r\nContent-Length: 0\r\n\r\n").utf8))
    }

    /// Sends the SUBSCRIBE, answers its 401 with `user`'s digest credentials (CSeq 2, a new
    /// branch) and returns the response to that.
    static func subscribeAuthenticated(_ mailbox: String, as user: String, phone: SocketClient, port: Int,
                                       callID: String) async throws -> SIPMessage? {
        let first = try subscribe(mailbox, phone: phone, port: port, callID: callID, cseq: 1)
        try phone.send(first.serialized())
        let challenge = try #require(try await offloaded { try phone.receiveMessage() })
        #expect(challenge.statusCode == 401, "an owned mailbox's SUBSCRIBE is challenged")
        var responder = DigestResponder(credentials: [.password("secret", username: user)])
        let second = try subscribe(mailbox, phone: phone, port: port, callID: callID, cseq: 2)
        try phone.send(try responder.authorize(second, challengedBy: challenge).serialized())
        return try await offloaded { try phone.receiveMessage() }
    }

    @Test("SUBSCRIBE to an owned mailbox needs its owner's digest credentials: 401 without, 403 with another's; others stay open")
    func subscribeAuthentication() async throws {
        let data = try await VoicemailData()
        let store = data.stores.voicemail
        try await store.createMailbox(Mailbox(number: "sales", ownerName: "Sales"))
        try await withCallServer(voicemail: store) { _, port in
            let phone = try SocketClient(connectTo: port)
            // 301 is Alice's: Bob's valid credentials are not enough.
            let asBob = try await Self.subscribeAuthenticated("301", as: "bob", phone: phone, port: port, callID: "mwi-bob")
            #expect(asBob?.statusCode == 403)
            // Wrong password: challenged again, never 200.
            let wrong = try Self.subscribe("301", phone: phone, port: port, callID: "mwi-wrong", cseq: 1)
            try phone.send(wrong.serialized())
            let challenge = try #require(try await offloaded { try phone.receiveMessage() })
            #expect(challenge.statusCode == 401)
            var guesser = DigestResponder(credentials: [.password("guess", username: "alice")])
            let retry = try Self.subscribe("301", phone: phone, port: port, callID: "mwi-wrong", cseq: 2)
            try phone.send(try guesser.authorize(retry, challengedBy: challenge).serialized())
            let refused = try #require(try await offloaded { try phone.receiveMessage() })
            #expect((refused.statusCode ?? 0) >= 400)
            // No person owns "sales": open as before (200, then the first NOTIFY).
            let open = try Self.subscribe("sales", phone: phone, port: port, callID: "mwi-sales", cseq: 1)
            try phone.send(open.serialized())
            var statuses: [Int] = []
            while let message = try await offloaded({ try phone.receiveMessage() }) {
                if let status = message.statusCode { statuses.append(status) }
                if message.method == .notify {
                    var ok = SIPMessage.response(to: message, status: 200, reason: "OK")
                    ok.headers.set(.contentLength, "0")
                    try phone.send(ok.serialized())
                    break
                }
            }
            #expect(statuses == [200])
        }
    }

    @Test("SUBSCRIBE message-summary: 200, a NOTIFY with the counts, and a NOTIFY after a new message")
    func messageWaiting() async throws {
        let data = try await VoicemailData()
        let store = data.stores.voicemail
        try await withCallServer(voicemail: store) { _, port in
            let phone = try SocketClient(connectTo: port)
            // Mailbox 301 is Alice's (she has SIP credentials): her phone authenticates.
            let first = try Self.subscribe("301", phone: phone, port: port, callID: "mwi-live-1", cseq: 1)
            try phone.send(first.serialized())
            let challenge = try #require(try await offloaded { try phone.receiveMessage() })
            #expect(challenge.statusCode == 401)
            var responder = DigestResponder(credentials: [.password("secret", username: "alice")])
            let second = try Self.subscribe("301", phone: phone, port: port, callID: "mwi-live-1", cseq: 2)
            try phone.send(try responder.authorize(second, challengedBy: challenge).serialized())
            var gotOK = false
            var dialogTag: String?
            var states: [String] = []
            var bodies: [String] = []
            /// Reads until a NOTIFY whose body contains `text` (answering each with 200).
            func awaitNotify(containing text: String) throws -> Bool {
                while let message = try phone.receiveMessage() {
                    if message.statusCode == 200, (try? message.cseq())?.method == .subscribe {
                        gotOK = true
                        dialogTag = try? message.to().tag
                    }
                    guard message.method == .notify else { continue }
                    var response = SIPMessage.response(to: message, status: 200, reason: "OK")
                    response.headers.set(.contentLength, "0")
                    try phone.send(response.serialized())
                    let body = String(decoding: message.body, as: UTF8.self)
                    bodies.append(body)
                    states.append(message.headers.values(.subscriptionState).first ?? "")
                    #expect(message.headers.values(.event).first == "message-summary")
                    if body.contains(text) { return true }
                }
                return false
            }
            #expect(try awaitNotify(containing: "Voice-Message: 0/0"))
            #expect(gotOK)
            #expect(bodies.first?.hasPrefix("Messages-Waiting: no\r\n") == true)

            // A deposit from elsewhere (the store's change stream) lights the lamp.
            let ticket = try await store.beginRecording(mailbox: "301", caller: VoicemailCaller(number: "1"), calledNumber: "600", at: Date())
            let writer = try WAVWriter(path: ticket.audioFile.path, sampleRate: 8000)
            try writer.write([Int16](repeating: 1000, count: 16_000))
            writer.close()
            _ = try await store.commitRecording(ticket, duration: .seconds(2))
            #expect(try awaitNotify(containing: "Voice-Message: 1/0"))
            #expect(bodies.last?.contains("Messages-Waiting: yes\r\n") == true)
            #expect(states.last?.hasPrefix("active;expires=") == true)

            // Unsubscribing inside the subscription's dialog (RFC 6665 §4.1.2.3): 200, then
            // a final NOTIFY with the state.
            let tag = try #require(dialogTag)
            try phone.send("SUBSCRIBE sip:301@127.0.0.1:\(port) SIP/2.0\r\n" +
                "Via: SIP/2.0/UDP 127.0.0.1:\(phone.port);branch=z9hG4bKmwi2;rport\r\nMax-Forwards: 70\r\n" +
                "From: <sip:301@127.0.0.1>;tag=phone1\r\nTo: <sip:301@127.0.0.1>;tag=\(tag)\r\nCall-ID: mwi-live-1\r\n" +
                "CSeq: 3 SUBSCRIBE\r\nContact: <sip:301@127.0.0.1:\(phone.port)>\r\nEvent: message-summary\r\n" +
                "Expires: 0\r\nContent-Length: 0\r\n\r\n")
            gotOK = false
            #expect(try awaitNotify(containing: "Voice-Message: 1/0"))
            #expect(gotOK)
            #expect(states.last?.hasPrefix("terminated") == true)
        }
    }

    @Test("Unsolicited MWI: a registered phone of the mailbox's owner gets a NOTIFY on every change without subscribing")
    func unsolicitedNotify() async throws {
        let data = try await VoicemailData()
        let store = data.stores.voicemail
        try await store.createMailbox(Mailbox(number: "alice", ownerName: "Alice Archer"))
        var policy = CallPolicy()
        policy.unsolicitedMessageWaiting = true
        try await withCallServer(policy: policy, voicemail: store) { _, port in
            // alice registers (digest, RFC 8760) from this socket.
            let phone = try SocketClient(connectTo: port)
            let register = try SIPParser().parse(Array(("REGISTER sip:127.0.0.1:\(port) SIP/2.0\r\n" +
                "Via: SIP/2.0/UDP 127.0.0.1:\(phone.port);branch=z9hG4bKreg1;rport\r\nMax-Forwards: 70\r\n" +
                "To: <sip:alice@127.0.0.1>\r\nFrom: <sip:alice@127.0.0.1>;tag=r1\r\nCall-ID: mwi-reg\r\nCSeq: 1 REGISTER\r\n" +
                "Contact: <sip:alice@127.0.0.1:\(phone.port)>\r\nExpires: 600\r\nContent-Length: 0\r\n\r\n").utf8))
            try phone.send(register.serialized())
            let challenge = try #require(try phone.receiveMessage())
            #expect(challenge.statusCode == 401)
            var responder = DigestResponder(credentials: [.password("secret", username: "alice")])
            var authorized = try responder.authorize(register, challengedBy: challenge)
            authorized.replaceTopVia(Via(host: "127.0.0.1", port: UInt16(phone.port), branch: "z9hG4bKreg2",
                                         parameters: [GenericParameter(name: "rport", value: nil)]))
            authorized.headers.set(.cseq, "2 REGISTER")
            try phone.send(authorized.serialized())
            #expect(try phone.receiveMessage()?.statusCode == 200)

            let ticket = try await store.beginRecording(mailbox: "alice", caller: VoicemailCaller(number: "1"), calledNumber: "100", at: Date())
            let writer = try WAVWriter(path: ticket.audioFile.path, sampleRate: 8000)
            try writer.write([Int16](repeating: 1000, count: 16_000))
            writer.close()
            _ = try await store.commitRecording(ticket, duration: .seconds(2))

            let notify = try #require(try phone.receiveMessage(), "no unsolicited NOTIFY")
            #expect(notify.method == .notify)
            #expect(notify.requestURI?.sipURI?.user == "alice")
            #expect(notify.headers.values(.event).first == "message-summary")
            #expect(String(decoding: notify.body, as: UTF8.self).contains("Messages-Waiting: yes\r\n"))
            #expect(String(decoding: notify.body, as: UTF8.self).contains("Voice-Message: 1/0\r\n"))
            var response = SIPMessage.response(to: notify, status: 200, reason: "OK")
            response.headers.set(.contentLength, "0")
            try phone.send(response.serialized())
        }
    }
}

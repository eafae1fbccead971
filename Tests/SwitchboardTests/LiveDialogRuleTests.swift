import Foundation
import SIPMessage
import Testing
@testable import Switchboard

/// Requests that break dialog rules get the RFC's answer from the live call layer, and the
/// server keeps serving; past its call limit it refuses with 503 and Retry-After.
@Suite("Live dialog rules and overload", .serialized)
struct LiveDialogRuleTests {
    /// Sends `text` and returns the first final response.
    static func finalResponse(_ client: SocketClient, _ text: String) throws -> SIPMessage? {
        try client.send(text)
        while let message = try client.receiveMessage() {
            if let status = message.statusCode, status >= 200 { return message }
        }
        return nil
    }

    @Test("BYE for an unknown dialog gets 481; a lower CSeq in a dialog gets 500; the call still works")
    func dialogRules() async throws {
        try await withCallServer { _, port in
            try await offloaded { try Self.breakDialogRules(port: port) }
        }
    }

    static func breakDialogRules(port: Int) throws {
        do {
            let sip = try SocketClient(connectTo: port)
            let rtp = try SocketClient()
            let unknown = LiveMediaTests.inDialog("BYE", cseq: 5, toTag: "nosuchtag", sipPort: sip.port, serverPort: port)
            #expect(try Self.finalResponse(sip, unknown)?.statusCode == 481)

            let ok = try #require(try Self.finalResponse(sip, LiveMediaTests.invite(sipPort: sip.port, rtpPort: rtp.port, serverPort: port)))
            #expect(ok.statusCode == 200)
            let tag = try #require(try ok.to().tag)
            try sip.send(LiveMediaTests.inDialog("ACK", cseq: 1, toTag: tag, sipPort: sip.port, serverPort: port))
            let options = LiveMediaTests.inDialog("OPTIONS", cseq: 10, toTag: tag, sipPort: sip.port, serverPort: port)
            #expect(try Self.finalResponse(sip, options)?.statusCode == 200)
            let lower = LiveMediaTests.inDialog("INFO", cseq: 9, toTag: tag, sipPort: sip.port, serverPort: port)
            #expect(try Self.finalResponse(sip, lower)?.statusCode == 500)
            let bye = LiveMediaTests.inDialog("BYE", cseq: 11, toTag: tag, sipPort: sip.port, serverPort: port)
            #expect(try Self.finalResponse(sip, bye)?.statusCode == 200)
            let again = LiveMediaTests.inDialog("BYE", cseq: 12, toTag: tag, sipPort: sip.port, serverPort: port)
            #expect(try Self.finalResponse(sip, again)?.statusCode == 481)
        }
    }

    @Test("Past max-calls a new INVITE gets 503 with Retry-After (RFC 3261 §21.5.4); the admitted call goes on")
    func overload() async throws {
        var policy = CallPolicy()
        policy.maximumCalls = 1
        policy.overloadRetryAfter = 7
        try await withCallServer(policy: policy) { server, port in
            try await offloaded { try Self.overloadCalls(port: port) }
            let refusedCount = try await server.onLoop { server.router.stats.refused[503] ?? 0 }
            #expect(refusedCount == 1)
        }
    }

    static func overloadCalls(port: Int) throws {
        do {
            let first = try SocketClient(connectTo: port)
            let rtp = try SocketClient()
            let ok = try #require(try Self.finalResponse(first, LiveMediaTests.invite(sipPort: first.port, rtpPort: rtp.port, serverPort: port)))
            #expect(ok.statusCode == 200)
            let second = try SocketClient(connectTo: port)
            let invite = LiveMediaTests.invite(sipPort: second.port, rtpPort: rtp.port, serverPort: port)
                .replacingOccurrences(of: "media-test-call", with: "second-call").replacingOccurrences(of: "z9hG4bKmedia1", with: "z9hG4bKsecond")
            let refused = try #require(try Self.finalResponse(second, invite))
            #expect(refused.statusCode == 503)
            #expect(refused.headers["Retry-After"] == "7")
            let tag = try #require(try ok.to().tag)
            try first.send(LiveMediaTests.inDialog("ACK", cseq: 1, toTag: tag, sipPort: first.port, serverPort: port))
            let options = LiveMediaTests.inDialog("OPTIONS", cseq: 2, toTag: tag, sipPort: first.port, serverPort: port)
            #expect(try Self.finalResponse(first, options)?.statusCode == 200)
        }
    }
}

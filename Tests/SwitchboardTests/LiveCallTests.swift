import Foundation
import Testing
@testable import Switchboard

/// Calls into flows over loopback: SIPp stands for the caller, the real call layer answers
/// (dialogs, offer/answer, media, the flow interpreter), checked by what SIPp sees and by
/// the router's counters.
@Suite("Live calls into flows", .serialized)
struct LiveCallTests {
    @Test("A key sent as SIP INFO drives the menu; Switchboard hangs up with BYE", arguments: ["u1", "t1"])
    func dtmfInfoAndServerHangUp(transport: String) async throws {
        try await withCallServer { server, port in
            let (status, output) = try await runSIPp(scenario: "call_dtmf_info", serverPort: port, transport: transport, calls: 2, service: "200")
            #expect(status == 0, "sipp failed:\n\(output)")
            #expect(try await server.eventually { server.router.activeCalls == 0 })
            let started = try await server.onLoop { server.router.stats.started }
            #expect(started == 2)
        }
    }

    @Test("The caller hangs up while the flow waits for a key")
    func callerHangsUp() async throws {
        try await withCallServer { server, port in
            let (status, output) = try await runSIPp(scenario: "call_caller_bye", serverPort: port, transport: "u1", calls: 3, service: "200")
            #expect(status == 0, "sipp failed:\n\(output)")
            #expect(try await server.eventually { server.router.activeCalls == 0 })
        }
    }

    @Test("Hold and resume by re-INVITE are answered recvonly, then sendrecv (RFC 3264 §8.4)")
    func holdAndResume() async throws {
        try await withCallServer { _, port in
            let (status, output) = try await runSIPp(scenario: "call_reinvite_hold", serverPort: port, transport: "u1", calls: 2, service: "200")
            #expect(status == 0, "sipp failed:\n\(output)")
        }
    }

    @Test("An INVITE without SDP gets our offer in the 200 and its answer in the ACK (RFC 3261 §13.2.1)")
    func delayedOffer() async throws {
        try await withCallServer { _, port in
            let (status, output) = try await runSIPp(scenario: "call_delayed_offer", serverPort: port, transport: "u1", calls: 2, service: "200")
            #expect(status == 0, "sipp failed:\n\(output)")
        }
    }

    @Test("A number no flow answers gets 404; an offer without a common codec gets 488")
    func refusals() async throws {
        try await withCallServer { server, port in
            let (notFound, output404) = try await runSIPp(scenario: "call_refused_404", serverPort: port, transport: "u1", calls: 2, service: "999")
            #expect(notFound == 0, "sipp failed:\n\(output404)")
            let (noCodec, output488) = try await runSIPp(scenario: "call_refused_488", serverPort: port, transport: "u1", calls: 2, service: "200")
            #expect(noCodec == 0, "sipp failed:\n\(output488)")
            #expect(try await server.eventually { server.router.activeCalls == 0 })
            let refused = try await server.onLoop { server.router.stats.refused[404] ?? 0 }
            #expect(refused == 2)
        }
    }
}

extension LiveCallTests {
    @Test("CANCEL while the flow rings before answering: 200, 487, and no call left (RFC 3261 §9.2)")
    func cancelWhileRinging() async throws {
        try await withCallServer { server, port in
            let (status, output) = try await runSIPp(scenario: "call_cancel", serverPort: port, transport: "u1", calls: 3, service: "201")
            #expect(status == 0, "sipp failed:\n\(output)")
            #expect(try await server.eventually { server.router.activeCalls == 0 })
        }
    }
}

extension LiveCallTests {
    @Test("web-directory before answering: a client that accepts text/html gets 300 with Call-Info and the page; others are declined (603)")
    func webDirectoryInsteadOfAudio() async throws {
        var policy = CallPolicy()
        policy.webDirectory = WebDirectoryAddress(host: "127.0.0.1", port: 8080)
        try await withCallServer(policy: policy) { server, port in
            let (web, webOutput) = try await runSIPp(scenario: "call_web_directory", serverPort: port, transport: "u1", calls: 2, service: "220")
            #expect(web == 0, "sipp failed:\n\(webOutput)")
            let (declined, declinedOutput) = try await runSIPp(scenario: "call_declined", serverPort: port, transport: "u1", calls: 2, service: "220")
            #expect(declined == 0, "sipp failed:\n\(declinedOutput)")
            #expect(try await server.eventually { server.router.activeCalls == 0 })
        }
    }
}

extension LiveCallTests {
    @Test("early-media: the announcement goes out after 183 with SDP, and the call ends with 480 unanswered")
    func earlyMediaAnnouncement() async throws {
        try await withCallServer { server, port in
            let (status, output) = try await runSIPp(scenario: "call_early_media", serverPort: port, transport: "u1", calls: 2, service: "250")
            #expect(status == 0, "sipp failed:\n\(output)")
            #expect(try await server.eventually { server.router.activeCalls == 0 })
        }
    }
}

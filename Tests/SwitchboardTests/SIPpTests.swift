import Foundation
import SIPMessage
import Testing
@testable import Switchboard

/// The real server against SIPp (Debian's `sip-tester`, installed by `make deps`).
@Suite("SIPp against the server", .serialized)
struct SIPpTests {
    @Test("OPTIONS over UDP and TCP get 200", arguments: ["u1", "t1"])
    func options(transport: String) async throws {
        try await withLoopbackServer { _, port in
            let (status, output) = try await runSIPp(scenario: "options", serverPort: port, transport: transport, calls: 5)
            #expect(status == 0, "sipp failed:\n\(output)")
        }
    }

    @Test("INVITE, 200 with SDP, ACK, BYE, 200", arguments: ["u1", "t1"])
    func call(transport: String) async throws {
        try await withLoopbackServer { server, port in
            let (status, output) = try await runSIPp(scenario: "invite_bye", serverPort: port, transport: transport, calls: 3)
            #expect(status == 0, "sipp failed:\n\(output)")
            let (answered, byes) = try await server.onLoop { (server.user.answered, server.user.byes) }
            #expect(answered == 3)
            #expect(byes == 3)
        }
    }

    @Test("INVITE then CANCEL: 200 to the CANCEL, 487 to the INVITE (RFC 3261 §9.2)")
    func cancel() async throws {
        try await withLoopbackServer { server, port in
            let (status, output) = try await runSIPp(scenario: "invite_cancel", serverPort: port, transport: "u1", calls: 3)
            #expect(status == 0, "sipp failed:\n\(output)")
            let cancelled = try await server.onLoop { server.user.cancelled }
            #expect(cancelled == 3)
        }
    }
}

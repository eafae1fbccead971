import Foundation
import Testing
@testable import Switchboard

/// RFC 4028 session timers on live calls, with the RFC's smallest interval (90 s): these
/// tests take about a minute each, and run beside the others.
@Suite("Live session timers")
struct LiveSessionTimerTests {
    @Test("UAS: a caller that asked to refresh and never does is hung up before its session expires (§10)")
    func callerStopsRefreshing() async throws {
        var policy = CallPolicy()
        policy.mediaTimeout = .seconds(300)  // SIPp sends no RTP: only the session timer may end the call
        try await withCallServer(policy: policy) { server, port in
            let started = Date()
            let (status, output) = try await runSIPp(scenario: "call_session_expires", serverPort: port, transport: "u1", calls: 1,
                                                     service: "260", timeoutSeconds: 100)
            let elapsed = Date().timeIntervalSince(started)
            #expect(status == 0, "sipp failed:\n\(output)")
            // 90 s − min(32, 90/3) = 60 s; the flow itself would wait 120 s.
            #expect(elapsed > 55 && elapsed < 80, "BYE after \(elapsed) s")
            #expect(try await server.eventually { server.router.activeCalls == 0 })
        }
    }

    @Test("UAC: on a transfer leg whose 2xx makes Switchboard the refresher, an UPDATE refreshes it at half the interval")
    func weRefreshTheTransferLeg() async throws {
        var policy = CallPolicy()
        policy.mediaTimeout = .seconds(300)
        try await withCallServer(policy: policy) { server, port in
            let phonePort = try SocketClient().port
            try await server.registerPhone(user: "alice", port: phonePort)
            let results = try await server.recordTransfers()
            async let phone = runSIPp(scenario: "uas_session_timer", serverPort: port, transport: "u1", calls: 1,
                                      localPort: phonePort, timeoutSeconds: 100)
            let (callerStatus, callerOutput) = try await runSIPp(scenario: "call_transfer_long", serverPort: port, transport: "u1",
                                                                 calls: 1, service: "210", timeoutSeconds: 100)
            let (phoneStatus, phoneOutput) = try await phone
            #expect(callerStatus == 0, "caller sipp failed:\n\(callerOutput)")
            #expect(phoneStatus == 0, "phone sipp failed:\n\(phoneOutput)")
            #expect(results.withLockedValue { $0 } == [.answered])
        }
    }
}

import Foundation
import Testing
import WebDirectory
@testable import Switchboard

/// What `/metrics` reads after real calls: calls by outcome, transactions, RTP packets and
/// the media clock's lateness.
@Suite("Live metrics")
struct LiveMetricsTests {
    @Test("After SIPp calls the live state counts calls by outcome, transactions and RTP")
    func countsAfterCalls() async throws {
        try await withCallServer { server, port in
            let running = RunningSIP()
            running.attach(server: server.server, router: server.router)
            let live = ServeApplication.liveState(layer: server.layer, running: running)
            let (status, output) = try await runSIPp(scenario: "call_dtmf_info", serverPort: port, transport: "u1", calls: 2, service: "200")
            #expect(status == 0, "sipp failed:\n\(output)")
            #expect(try await server.eventually { server.router.activeCalls == 0 })
            let metrics = await live.metrics()
            #expect(metrics.activeCalls == 0)
            #expect(metrics.callsByOutcome["hangup"] == 2)
            #expect((metrics.transactionsByKind["server"] ?? 0) >= 6)   // 2 × (INVITE, INFO, BYE answered)
            #expect((metrics.transactionsByKind["client"] ?? 0) >= 2)   // our BYEs
            #expect(metrics.rtpPacketsSent > 10)
            #expect(metrics.rtpLateness.count > 10)
        }
    }
}

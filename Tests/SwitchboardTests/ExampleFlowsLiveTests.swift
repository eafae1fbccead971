import Flows
import Foundation
import NIOConcurrencyHelpers
import SIPCore
import SIPMessage
import SIPTransaction
import Testing
@testable import Switchboard

/// The shipped example (`flows/`, `prompts/`) over loopback, at a time the office is open:
/// a caller dials the main number 100, hears the welcome and the menu, presses 1 as
/// RFC 4733 events and is transferred (bridged) to Sales — alice's phone, a SIPp UAS that
/// registered with alice's demo credentials. When that phone is busy the caller lands in the failure path
/// (the Sales mailbox step).
@Suite("Example flows, live", .serialized)
struct ExampleFlowsLiveTests {
    static let repositoryFlows = CallServer.repository.appendingPathComponent("flows").path
    /// Wednesday 25 November 2026, 10:00 in Berlin: business hours.
    static let openHours: Date = {
        var components = DateComponents(year: 2026, month: 11, day: 25, hour: 9)
        components.timeZone = TimeZone(identifier: "UTC")
        return Calendar(identifier: .gregorian).date(from: components) ?? Date()
    }()

    /// Calls 100, presses 1 once the menu runs, and returns the trace's transfer results
    /// and step names.
    func callSales(phoneScenario: String, callerHangsUp: Bool) async throws -> (transfers: [TransferResult], steps: [String]) {
        let shift = Self.openHours.timeIntervalSinceNow
        return try await withCallServer(flows: Self.repositoryFlows, clock: { Date().addingTimeInterval(shift) }) { server, port in
            let transfers = NIOLockedValueBox<[TransferResult]>([])
            let steps = NIOLockedValueBox<[String]>([])
            try await server.onLoop {
                server.router.traceObserver = { event in
                    switch event.kind {
                    case .transfer(_, _, _, let result): transfers.withLockedValue { $0.append(result) }
                    case .step(_, let name, _): steps.withLockedValue { $0.append(name) }
                    default: break
                    }
                }
            }
            // alice's phone registers for real (digest with the example's demo password) from
            // the port its SIPp UAS then answers on.
            let phonePort = try SocketClient().port
            let (registered, registerOutput) = try await runSIPp(scenario: "register_stay", serverPort: port, transport: "u1", calls: 1,
                                                                 service: "alice", localPort: phonePort,
                                                                 extraArguments: ["-au", "alice", "-ap", "alice-demo"])
            try #require(registered == 0, "REGISTER failed:\n\(registerOutput)")
            async let phone = runSIPp(scenario: phoneScenario, serverPort: port, transport: "u1", calls: 1, localPort: phonePort)
            try await offloaded {
                try Self.caller(port: port, menuReached: { steps.withLockedValue { $0.contains("menu") } },
                                transferred: { !transfers.withLockedValue { $0 }.isEmpty }, hangUp: callerHangsUp)
            }
            let (phoneStatus, phoneOutput) = try await phone
            #expect(phoneStatus == 0, "phone sipp failed:\n\(phoneOutput)")
            #expect(try await server.eventually { server.router.activeCalls == 0 })
            return (transfers.withLockedValue { $0 }, steps.withLockedValue { $0 })
        }
    }

    /// The caller: INVITE 100, ACK, key 1 once the menu waits, then either the server's BYE
    /// (after the bridged call) or our own BYE once the transfer is decided.
    static func caller(port: Int, menuReached: @escaping @Sendable () -> Bool, transferred: @escaping @Sendable () -> Bool,
                       hangUp: Bool) throws {
        let sip = try SocketClient(connectTo: port)
        let rtp = try SocketClient()
        try sip.send(LiveMediaTests.invite(sipPort: sip.port, rtpPort: rtp.port, serverPort: port, number: "100"))
        var answer: SIPMessage?
        while let message = try sip.receiveMessage() {
            if message.statusCode == 200 { answer = message; break }
        }
        let ok = try #require(answer, "no 200 to the INVITE")
        let toTag = try #require(try ok.to().tag)
        let sdp = String(decoding: ok.body, as: UTF8.self)
        let mediaPort = try #require(sdp.split(separator: "\r\n").first { $0.hasPrefix("m=audio ") }.flatMap { Int($0.split(separator: " ")[1]) })
        try sip.send(LiveMediaTests.inDialog("ACK", cseq: 1, toTag: toTag, sipPort: sip.port, serverPort: port))
        try rtp.connect(toLoopbackPort: mediaPort)
        try #require(Self.poll(seconds: 30, menuReached), "the menu never started")
        var sequence: UInt16 = 500
        for (duration, end) in [(160, false), (320, false), (480, true), (480, true), (480, true)] {
            try rtp.send(LiveMediaTests.telephoneEvent(digit: 1, end: end, duration: UInt16(duration), sequence: sequence, timestamp: 160_000))
            sequence += 1
        }
        if hangUp {
            try #require(Self.poll(seconds: 30, transferred), "the transfer never finished")
            try sip.send(LiveMediaTests.inDialog("BYE", cseq: 2, toTag: toTag, sipPort: sip.port, serverPort: port))
            return
        }
        var bye: SIPMessage?
        while let message = try sip.receiveMessage() {
            if message.method == .bye { bye = message; break }
        }
        let request = try #require(bye, "no BYE from Switchboard after the bridged call")
        var response = SIPMessage.response(to: request, status: 200, reason: "OK")
        response.headers.set(.contentLength, "0")
        try sip.send(response.serialized())
    }

    /// Checks `condition` every 20 ms for up to `seconds` (from a blocking thread).
    static func poll(seconds: Double, _ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return condition()
    }

    @Test("100 → menu → key 1 (RFC 4733) → Sales: alice's phone answers, the call is bridged, her BYE ends it")
    func salesAnswers() async throws {
        let (transfers, steps) = try await callSales(phoneScenario: "uas_answer_bye", callerHangsUp: false)
        #expect(transfers == [.answered])
        #expect(steps.contains("menu") && steps.contains("sales"))
    }

    @Test("SIPp as the caller: 100, waits out the welcome, key 1 with SIPp's own RFC 4733 events (payload type 96) → Sales bridged")
    func sippCallerPressesOne() async throws {
        let shift = Self.openHours.timeIntervalSinceNow
        try await withCallServer(flows: Self.repositoryFlows, clock: { Date().addingTimeInterval(shift) }) { server, port in
            let results = try await server.recordTransfers()
            let phonePort = try SocketClient().port
            let (registered, registerOutput) = try await runSIPp(scenario: "register_stay", serverPort: port, transport: "u1", calls: 1,
                                                                 service: "alice", localPort: phonePort,
                                                                 extraArguments: ["-au", "alice", "-ap", "alice-demo"])
            try #require(registered == 0, "REGISTER failed:\n\(registerOutput)")
            async let phone = runSIPp(scenario: "uas_answer_bye", serverPort: port, transport: "u1", calls: 1, localPort: phonePort)
            let mediaPort = try SocketClient().port
            let (callerStatus, callerOutput) = try await runSIPp(scenario: "call_example_sales", serverPort: port, transport: "u1",
                                                                 calls: 1, service: "100", timeoutSeconds: 60,
                                                                 extraArguments: ["-mp", String(mediaPort)])
            let (phoneStatus, phoneOutput) = try await phone
            #expect(callerStatus == 0, "caller sipp failed:\n\(callerOutput)")
            #expect(phoneStatus == 0, "phone sipp failed:\n\(phoneOutput)")
            #expect(results.withLockedValue { $0 } == [.answered])
        }
    }

    @Test("Sales busy: the caller stays with Switchboard and lands in the failure path (the Sales mailbox)")
    func salesBusy() async throws {
        let (transfers, steps) = try await callSales(phoneScenario: "uas_busy", callerHangsUp: true)
        #expect(transfers.first == .busy)
        #expect(steps.contains("sales-voicemail"))
    }
}

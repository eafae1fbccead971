import Flows
import Foundation
import NIOConcurrencyHelpers
import SIPCore
import SIPMessage
import SIPTransaction
import Testing
@testable import Switchboard

/// Bridged transfers on loopback: a SIPp caller calls the transfer flow (210), Switchboard
/// rings alice's registered phone — a second SIPp acting as UAS — and either bridges the
/// two, or, when the phone is busy or does not answer, keeps the caller in the flow.
@Suite("Live bridged transfers", .serialized)
struct LiveTransferTests {
    /// Runs the caller and alice's phone (`phoneScenario`) and returns the flow's transfer result.
    func transfer(phoneScenario: String, callerScenario: String = "call_transfer") async throws -> TransferResult? {
        try await withCallServer { server, port in
            let results = NIOLockedValueBox<[TransferResult]>([])
            try await server.onLoop {
                server.router.traceObserver = { event in
                    if case .transfer(_, _, _, let result) = event.kind { results.withLockedValue { $0.append(result) } }
                }
            }
            let phonePort = try SocketClient().port
            try await server.registerPhone(user: "alice", port: phonePort)

            async let phone = runSIPp(scenario: phoneScenario, serverPort: port, transport: "u1", calls: 1, localPort: phonePort)
            let (callerStatus, callerOutput) = try await runSIPp(scenario: callerScenario, serverPort: port, transport: "u1", calls: 1, service: "210")
            let (phoneStatus, phoneOutput) = try await phone
            #expect(callerStatus == 0, "caller sipp failed:\n\(callerOutput)")
            #expect(phoneStatus == 0, "phone sipp failed:\n\(phoneOutput)")
            #expect(try await server.eventually { server.router.activeCalls == 0 && server.router.bridgedLegs == 0 })
            return results.withLockedValue { $0.first }
        }
    }

    @Test("The phone answers: the legs are bridged; its BYE ends the bridge and the caller gets BYE")
    func answered() async throws {
        #expect(try await transfer(phoneScenario: "uas_answer_bye") == .answered)
    }

    @Test("The caller hangs up while bridged: Switchboard's BYE ends the phone's leg too")
    func callerHangsUpWhileBridged() async throws {
        #expect(try await transfer(phoneScenario: "uas_answer_wait", callerScenario: "call_transfer_caller_bye") == .answered)
    }

    @Test("The phone is busy (486): the caller stays with the flow, which goes on (on-busy)")
    func busy() async throws {
        #expect(try await transfer(phoneScenario: "uas_busy") == .busy)
    }

    @Test("The phone never answers: CANCEL at the ring timeout, the caller stays with the flow (on-no-answer)")
    func noAnswer() async throws {
        #expect(try await transfer(phoneScenario: "uas_no_answer") == .noAnswer)
    }
}

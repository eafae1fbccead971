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
            let results = try await server.recordTransfers()
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

    @Test("alice REFERs the caller to bob (302) while bridged: bob's phone rings, answers, and the caller is bridged to him")
    func referFromTheCallee() async throws {
        try await withCallServer { server, port in
            let results = try await server.recordTransfers()
            let alicePort = try SocketClient().port
            let bobPort = try SocketClient().port
            try await server.registerPhone(user: "alice", port: alicePort)
            try await server.registerPhone(user: "bob", port: bobPort)
            async let alice = runSIPp(scenario: "uas_answer_refer", serverPort: port, transport: "u1", calls: 1, localPort: alicePort)
            async let bob = runSIPp(scenario: "uas_answer_bye", serverPort: port, transport: "u1", calls: 1, localPort: bobPort)
            let (callerStatus, callerOutput) = try await runSIPp(scenario: "call_transfer", serverPort: port, transport: "u1", calls: 1, service: "210")
            let (aliceStatus, aliceOutput) = try await alice
            let (bobStatus, bobOutput) = try await bob
            #expect(callerStatus == 0, "caller sipp failed:\n\(callerOutput)")
            #expect(aliceStatus == 0, "alice's sipp failed:\n\(aliceOutput)")
            #expect(bobStatus == 0, "bob's sipp failed:\n\(bobOutput)")
            #expect(try await server.eventually { server.router.activeCalls == 0 && server.router.bridgedLegs == 0 })
            #expect(results.withLockedValue { $0 } == [.answered])
        }
    }

    @Test("An outside number goes out through the trunk, whose 401 is answered with the configured credentials")
    func outsideNumberThroughTrunk() async throws {
        let trunkPort = try SocketClient().port
        var policy = CallPolicy()
        policy.trunk = Trunk(proxy: try URI("sip:127.0.0.1:\(trunkPort)"), domain: "carrier.test",
                             credentials: [.password("trunk-secret", username: "switchboard-trunk")])
        try await withCallServer(policy: policy) { server, port in
            let results = try await server.recordTransfers()
            async let trunk = runSIPp(scenario: "uas_trunk", serverPort: port, transport: "u1", calls: 1, localPort: trunkPort)
            let (callerStatus, callerOutput) = try await runSIPp(scenario: "call_transfer", serverPort: port, transport: "u1", calls: 1, service: "240")
            let (trunkStatus, trunkOutput) = try await trunk
            #expect(callerStatus == 0, "caller sipp failed:\n\(callerOutput)")
            #expect(trunkStatus == 0, "trunk sipp failed:\n\(trunkOutput)")
            #expect(results.withLockedValue { $0 } == [.answered])
        }
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

/// Blind transfers out of a flow (REFER, RFC 3515) with SIPp as the caller's phone.
@Suite("Live blind transfers", .serialized)
struct LiveBlindTransferTests {
    func blind(_ scenario: String) async throws -> TransferResult? {
        try await withCallServer { server, port in
            let results = try await server.recordTransfers()
            let (status, output) = try await runSIPp(scenario: scenario, serverPort: port, transport: "u1", calls: 1, service: "230")
            #expect(status == 0, "sipp failed:\n\(output)")
            #expect(try await server.eventually { server.router.activeCalls == 0 })
            return results.withLockedValue { $0.first }
        }
    }

    @Test("REFER accepted, sipfrag 100 then 200: the transfer succeeded and Switchboard sends BYE")
    func accepted() async throws {
        #expect(try await blind("call_blind_refer") == .answered)
    }

    @Test("REFER refused (603): the caller stays with the flow, which goes on")
    func refused() async throws {
        #expect(try await blind("call_blind_refused") == .failed)
    }
}

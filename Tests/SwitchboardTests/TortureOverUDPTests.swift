import Foundation
import SIPMessage
import Testing
@testable import Switchboard

/// RFC 4475's invalid messages (and RFC 5118's) sent to the running server over UDP: each
/// gets the answer the RFC asks for, or is dropped where no answer can be routed, and the
/// server keeps answering OPTIONS after every one.
@Suite("RFC 4475 invalid messages over UDP")
struct TortureOverUDPTests {
    /// What may come back for each invalid fixture: statuses, and `nil` for "dropped".
    static let allowed: [(file: String, outcomes: Set<Int?>)] = [
        ("rfc4475/clerr.sip", [400]),
        ("rfc4475/ncl.sip", [400]),
        ("rfc4475/scalar02.sip", [400]),
        ("rfc4475/quotbal.sip", [400]),
        ("rfc4475/ltgtruri.sip", [400]),
        ("rfc4475/lwsruri.sip", [400]),
        ("rfc4475/lwsstart.sip", [400]),
        ("rfc4475/trws.sip", [400]),
        ("rfc4475/badaspec.sip", [400]),
        ("rfc4475/baddn.sip", [400]),
        ("rfc4475/mismatch01.sip", [400]),
        ("rfc5118/ipv6-bad.sip", [400]),
        // §3.1.2.16: a version we do not speak.
        ("rfc4475/badvers.sip", [505]),
        // §3.1.2.18: unknown method; 501 preferred over 400.
        ("rfc4475/mismatch02.sip", [501]),
        // §3.1.2.1: the top Via itself is broken (";;,;,,"), so no answer can be routed.
        ("rfc4475/badinv01.sip", [nil]),
        // The archive's stray test.sip has no SIP-Version and no Via: nothing to answer.
        ("rfc4475/test.sip", [nil]),
        // Responses are never answered (§3.1.2.5, §3.1.2.19).
        ("rfc4475/scalarlg.sip", [nil]),
        ("rfc4475/bigcode.sip", [nil]),
        // The RFC allows accepting these (§3.1.2.11, §3.1.2.14, §3.1.2.13): the test user
        // answers them like any INVITE or REGISTER.
        ("rfc4475/escruri.sip", [400, 200]),
        ("rfc4475/regbadct.sip", [400, 405]),
        ("rfc4475/baddate.sip", [400, 200]),
    ]

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    @Test("each invalid message gets its answer, and OPTIONS is answered after each")
    func torture() async throws {
        try await withLoopbackServer(forceRport: true) { server, port in
            let client = try SocketClient(connectTo: port)
            for (file, outcomes) in Self.allowed {
                let bytes = try [UInt8](Data(contentsOf: Self.fixtures.appendingPathComponent(file)))
                try client.send(bytes)
                let probeCallID = "probe-" + UUID().uuidString
                try client.send(request("OPTIONS", port: client.port, callID: probeCallID))
                // Everything before the probe's answer is the fixture's answer (one socket,
                // one server loop, loopback: order is kept).
                var statuses: [Int] = []
                while true {
                    let message = try #require(try client.receiveMessage(), "no answer to the OPTIONS probe after \(file)")
                    if (try? message.callID()) == probeCallID {
                        #expect(message.statusCode == 200)
                        break
                    }
                    if let status = message.statusCode, status >= 200 { statuses.append(status) }
                }
                #expect(statuses.count <= 1, "\(file): more than one final answer \(statuses)")
                let outcome: Int? = statuses.first
                #expect(outcomes.contains(outcome), "\(file): answered \(outcome.map(String.init) ?? "nothing"), expected \(outcomes)")
            }
            let dropped = try await server.onLoop { server.server.stats.dropped }
            #expect(dropped >= 3)
        }
    }
}

import Foundation
import SIPCore
import SIPMessage
import Testing
@testable import Switchboard

/// REGISTER against the live server: digest challenges (RFC 8760), the registrar's rules
/// (RFC 3261 §10.3), with SIPp as the phone.
@Suite("Live registration", .serialized)
struct RegistrationLiveTests {
    @Test("Right credentials bind the contact; Expires: 0 removes it", arguments: ["u1", "t1"])
    func registerAndUnregister(transport: String) async throws {
        try await withCallServer { server, port in
            let (stay, stayOutput) = try await runSIPp(scenario: "register_stay", serverPort: port, transport: transport, calls: 1, service: "alice",
                                                           extraArguments: ["-au", "alice", "-ap", "secret"])
            #expect(stay == 0, "sipp failed:\n\(stayOutput)")
            let registrations = try #require(server.router.registrations)
            let bound = await registrations.contacts(ofUser: "alice")
            #expect(bound.count == 1)
            #expect(bound.first?.contact.sipURI?.user == "alice")

            let (status, output) = try await runSIPp(scenario: "register_auth", serverPort: port, transport: transport, calls: 2, service: "bob",
                                                       extraArguments: ["-au", "bob", "-ap", "secret"])
            #expect(status == 0, "sipp failed:\n\(output)")
            #expect(await registrations.contacts(ofUser: "bob").isEmpty)
        }
    }

    @Test("A wrong password gets 403 and binds nothing; a short interval gets 423 with Min-Expires")
    func refusals() async throws {
        try await withCallServer { server, port in
            let (wrong, wrongOutput) = try await runSIPp(scenario: "register_wrong_password", serverPort: port, transport: "u1", calls: 2, service: "alice",
                                                               extraArguments: ["-au", "alice", "-ap", "wrong"])
            #expect(wrong == 0, "sipp failed:\n\(wrongOutput)")
            let (brief, briefOutput) = try await runSIPp(scenario: "register_too_brief", serverPort: port, transport: "u1", calls: 1, service: "alice",
                                                               extraArguments: ["-au", "alice", "-ap", "secret"])
            #expect(brief == 0, "sipp failed:\n\(briefOutput)")
            let registrations = try #require(server.router.registrations)
            #expect(await registrations.contacts(ofUser: "alice").isEmpty)
        }
    }

    @Test("Valid credentials over a nonce Switchboard never issued: 401 with stale=true (RFC 7616 §3.3)")
    func staleNonce() async throws {
        try await withCallServer { _, port in
            try await offloaded { try Self.registerWithForeignNonce(port: port) }
        }
    }

    static func registerWithForeignNonce(port: Int) throws {
        do {
            let client = try SocketClient(connectTo: port)
            let requestURI = "sip:127.0.0.1:\(port)"
            let register = try SIPParser().parse(Array(("REGISTER \(requestURI) SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:\(client.port);branch=z9hG4bKstale1\r\n" +
                "Max-Forwards: 70\r\nTo: <sip:alice@127.0.0.1>\r\nFrom: <sip:alice@127.0.0.1>;tag=s1\r\n" +
                "Call-ID: stale-test\r\nCSeq: 1 REGISTER\r\nContact: <sip:alice@127.0.0.1:\(client.port)>\r\nContent-Length: 0\r\n\r\n").utf8))
            // A challenge as another server (or an earlier process) would have sent it.
            var foreign = SIPMessage.response(to: register, status: 401, toTag: "x")
            foreign.headers.append(.wwwAuthenticate, "Digest realm=\"switchboard.test\", nonce=\"bm90LWZyb20tdGhpcy1zZXJ2ZXI\", qop=\"auth\", algorithm=MD5")
            var responder = DigestResponder(credentials: [.password("secret", username: "alice")])
            let authorized = try responder.authorize(register, challengedBy: foreign)
            try client.send(authorized.serialized())
            let response = try #require(try client.receiveMessage())
            #expect(response.statusCode == 401)
            #expect(response.headers.values(.wwwAuthenticate).contains { $0.contains("stale=true") })
        }
    }
}

extension RegistrationLiveTests {
    @Test("protect: [INVITE]: a call is challenged (401) and goes through with a directory person's credentials")
    func protectedInvite() async throws {
        var policy = CallPolicy()
        policy.protectedMethods = ["INVITE"]
        try await withCallServer(policy: policy) { server, port in
            // SIPp's digest `uri` defaults to host:port; RFC 7616 §3.4.6 wants the Request-URI.
            let (status, output) = try await runSIPp(scenario: "call_authenticated", serverPort: port, transport: "u1", calls: 2, service: "200",
                                                     extraArguments: ["-au", "alice", "-ap", "secret", "-auth_uri", "200@127.0.0.1:\(port)"])
            #expect(status == 0, "sipp failed:\n\(output)")
            let started = try await server.onLoop { server.router.stats.started }
            #expect(started == 2)
        }
    }
}

import Flows
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import SIPCore
import SIPMessage
import SIPTransaction
import SIPTransport
import Testing
import WebDirectory
@testable import Switchboard

/// Click-to-call (RFC 3725 §4 flow I) on loopback: one SIPp UAS is the visitor
/// (`sip:visitor@127.0.0.1:PORT`, allowed by the fixture directory's outbound patterns),
/// another is alice's registered phone, the first member of department `sales`
/// (sequential: alice, then bob, who has no phone).
@Suite("Live click-to-call", .serialized)
struct LiveClickToCallTests {
    /// What one click-to-call did.
    struct Run {
        var outcome: ClickToCallOutcome?
        /// The transfer attempts to the department's members, in order.
        var transfers: [TransferResult]
        /// From the start to the outcome.
        var seconds: Double
    }

    /// Starts a click-to-call to `department/sales` for the visitor SIPp running
    /// `visitorScenario`, with alice's phone running `phoneScenario` (nil: no phone; its
    /// port then must stay silent). `trigger` starts it, given the starter and the visitor's URI.
    func clickToCall(visitor visitorScenario: String, phone phoneScenario: String?, visitorRingTimeout: Duration = .seconds(10),
                     trigger: @escaping @Sendable (ClickToCallService, String) async throws -> Void) async throws -> Run {
        try await withCallServer { server, port in
            let transfers = NIOLockedValueBox<[TransferResult]>([])
            let outcomes = NIOLockedValueBox<[ClickToCallOutcome]>([])
            try await server.onLoop {
                server.router.traceObserver = { event in
                    if case .transfer(_, _, _, let result) = event.kind { transfers.withLockedValue { $0.append(result) } }
                }
            }
            // Without a phone, the socket keeps its port to see that nothing arrives there.
            var phoneSocket: SocketClient? = try SocketClient()
            let phonePort = phoneSocket?.port ?? 0
            if phoneScenario != nil { phoneSocket = nil }  // the port is SIPp's
            try await server.registerPhone(user: "alice", port: phonePort)

            let running = RunningSIP()
            running.attach(server: server.server, router: server.router)
            var settings = ClickToCallSettings()
            settings.visitorRingTimeout = visitorRingTimeout
            var logger = Logger(label: "click-to-call-test")
            logger.logLevel = .warning
            let starter = ClickToCallService(layer: server.layer, sip: running, settings: settings, logger: logger) { outcome in
                outcomes.withLockedValue { $0.append(outcome) }
            }

            let visitorPort = try SocketClient().port
            async let phone = runSIPp(optional: phoneScenario, serverPort: port, localPort: phonePort)
            async let visitor = runSIPp(scenario: visitorScenario, serverPort: port, transport: "u1", calls: 1, localPort: visitorPort,
                                        extraArguments: Self.sippGuard)
            try await Task.sleep(for: .milliseconds(500))  // both SIPp bound
            let start = Date()
            try await trigger(starter, "sip:visitor@127.0.0.1:\(visitorPort)")
            let (visitorStatus, visitorOutput) = try await visitor
            #expect(visitorStatus == 0, "visitor sipp failed:\n\(visitorOutput)")
            if let (phoneStatus, phoneOutput) = try await phone {
                #expect(phoneStatus == 0, "phone sipp failed:\n\(phoneOutput)")
            }
            #expect(try await server.eventually { outcomes.withLockedValue { !$0.isEmpty } })
            let seconds = Date().timeIntervalSince(start)
            if let phoneSocket {
                #expect(phoneSocket.receive(waitingAtMost: 200) == nil, "the department's phone was called")
            }
            #expect(try await server.eventually { server.router.activeCalls == 0 && server.router.bridgedLegs == 0 })
            return Run(outcome: outcomes.withLockedValue { $0.first }, transfers: transfers.withLockedValue { $0 }, seconds: seconds)
        }
    }

    /// A SIPp UAS that waits for a message longer than 20 s gives up (a test whose call
    /// never comes must fail, not hang: its `-timeout` does not end a UAS waiting for an INVITE).
    static let sippGuard = ["-recv_timeout", "20000"]

    /// Calls the starter directly.
    static let direct: @Sendable (ClickToCallService, String) async throws -> Void = { starter, visitor in
        try await starter.startCall(callback: visitor, target: "department/sales")
    }

    @Test("Through the web form: 202, the visitor answers, hears the hold prompt, alice answers, bridged; alice's BYE ends the visitor's leg")
    func webFormAndTargetHangsUp() async throws {
        let run = try await clickToCall(visitor: "uas_answer_wait", phone: "uas_answer_bye") { starter, visitor in
            let (status, page) = try await Self.postThroughWebService(starter: starter, number: visitor, target: "department/sales")
            #expect(status == 202, "\(page)")
            #expect(page.contains("We are calling \(visitor) now"))
        }
        #expect(run.outcome == .connected)
        #expect(run.transfers == [.answered])
    }

    @Test("The visitor hangs up while bridged: Switchboard's BYE ends alice's leg")
    func visitorHangsUpWhileBridged() async throws {
        let run = try await clickToCall(visitor: "uas_answer_talk_bye", phone: "uas_answer_wait", trigger: Self.direct)
        #expect(run.outcome == .connected)
        #expect(run.transfers == [.answered])
    }

    @Test("The department does not take the call (alice busy, bob has no phone): the visitor hears the apology, then BYE")
    func departmentBusy() async throws {
        let run = try await clickToCall(visitor: "uas_answer_wait", phone: "uas_busy", trigger: Self.direct)
        #expect(run.outcome == .targetUnavailable(.noAnswer))
        #expect(run.transfers == [.busy, .noAnswer])
        // The BYE comes only after the hold prompt (2.3 s) and the apology (5.6 s) played.
        #expect(run.seconds > 7.5, "ended after \(run.seconds) s")
    }

    @Test("The visitor does not answer: CANCEL at the ring timeout, and the department is never called")
    func visitorDoesNotAnswer() async throws {
        let run = try await clickToCall(visitor: "uas_no_answer", phone: nil, visitorRingTimeout: .seconds(2), trigger: Self.direct)
        #expect(run.outcome == .visitorUnreachable(480))
        #expect(run.transfers.isEmpty)
    }

    @Test("A callback nothing can reach (an outside number, no trunk) fails to start: nobody is called")
    func unreachableCallback() async throws {
        try await withCallServer { server, _ in
            let running = RunningSIP()
            let starter = ClickToCallService(layer: server.layer, sip: running, logger: Logger(label: "test"))
            await #expect(throws: ClickToCallStartError.sipNotRunning) { try await starter.startCall(callback: "sip:visitor@127.0.0.1:5999", target: "department/sales") }
            running.attach(server: server.server, router: server.router)
            await #expect(throws: ClickToCallStartError.unreachable("+4930123456")) { try await starter.startCall(callback: "+4930123456", target: "department/sales") }
            await #expect(throws: ClickToCallStartError.unknownTarget("department/nope")) { try await starter.startCall(callback: "sip:visitor@127.0.0.1:5999", target: "department/nope") }
            let legs = try await server.onLoop { server.router.bridgedLegs }
            #expect(legs == 0)
        }
    }

    @Test("serve with --http: the form's call goes out through the running SIP service (nobody in sales is registered: apology, BYE)")
    func throughServe() async throws {
        var settings = ServeConfiguration()
        settings.sip = [ListenAddress(host: "127.0.0.1", port: 0, transports: [.udp])]
        settings.http = "127.0.0.1:0"
        settings.flows = CallServer.flows
        settings.prompts = CallServer.prompts
        settings.data = FileManager.default.temporaryDirectory.appendingPathComponent("c2c-\(UUID().uuidString)").path
        settings.rtpPorts = 40000...40999
        defer { try? FileManager.default.removeItem(atPath: settings.data) }
        var logger = Logger(label: "serve-test")
        logger.logLevel = .warning
        let application = try await ServeApplication.start(settings, logger: logger)
        let web = try #require(application.services.compactMap { $0 as? WebService }.first)
        #expect(web.site.configuration.clickToCall?.starter is ClickToCallService)
        let group = ServiceGroup(configuration: .init(services: application.services, logger: logger))
        let visitorPort = try SocketClient().port
        let (status, page, visitor) = try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            defer { Task { await group.triggerGracefulShutdown() } }  // also when something below throws
            let port = try await web.boundPort()
            // The SIP listeners come up beside the web service: wait for /healthz.
            for _ in 0..<100 {
                if try await Self.get("http://127.0.0.1:\(port)/healthz").0 == 200 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            async let visitor = runSIPp(scenario: "uas_answer_wait", serverPort: 5060, transport: "u1", calls: 1,
                                        localPort: visitorPort, extraArguments: Self.sippGuard)
            try await Task.sleep(for: .milliseconds(500))
            let (status, page) = try await Self.postClickToCall(port: port, number: "sip:visitor@127.0.0.1:\(visitorPort)", target: "department/sales")
            let result = try await visitor
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return (status, page, result)
        }
        await application.layer.stop()
        #expect(status == 202, "\(page)")
        #expect(visitor.0 == 0, "visitor sipp failed:\n\(visitor.1)")
    }

    /// Runs the web directory with `starter` on a free port and posts the form there.
    static func postThroughWebService(starter: ClickToCallService, number: String, target: String) async throws -> (Int, String) {
        let logger = Logger(label: "web-test")
        let site = ServeApplication.directorySite(layer: starter.layer, clickToCall: ClickToCallConfiguration(starter: starter))
        let service = WebService(site: site, address: WebListenAddress(host: "127.0.0.1", port: 0), logger: logger)
        let group = ServiceGroup(configuration: .init(services: [service], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            defer { Task { await group.triggerGracefulShutdown() } }  // also when something below throws
            let result = try await postClickToCall(port: try await service.boundPort(), number: number, target: target)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        }
    }

    /// Loads `/directory` for the session cookie and the form's token, posts the form, and
    /// returns the status and page.
    static func postClickToCall(port: Int, number: String, target: String) async throws -> (Int, String) {
        let base = "http://127.0.0.1:\(port)"
        let (_, page, cookieHeader) = try await get("\(base)/directory")
        let cookie = try #require(cookieHeader?.split(separator: ";").first.map(String.init))
        let token = try #require(page.firstMatch(of: /name="token" value="([^"]+)"/)?.1)
        var request = URLRequest(url: try #require(URL(string: "\(base)/call")))
        request.httpMethod = "POST"
        request.setValue(cookie, forHTTPHeaderField: "Cookie")
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        let form = [("token", String(token)), ("number", number), ("target", target)]
            .map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        request.httpBody = Data(form.utf8)
        let (result, posted) = try await http.data(for: request)
        return ((posted as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: result, as: UTF8.self))
    }

    /// A session that keeps no cookies: each test's form session is its own (the shared
    /// session would send an earlier test's cookie to 127.0.0.1 and get none back).
    static let http: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        return URLSession(configuration: configuration)
    }()

    /// A GET: status, body, and the Set-Cookie header.
    static func get(_ address: String) async throws -> (Int, String, String?) {
        let (body, response) = try await http.data(from: try #require(URL(string: address)))
        let http = response as? HTTPURLResponse
        return (http?.statusCode ?? 0, String(decoding: body, as: UTF8.self), http?.value(forHTTPHeaderField: "Set-Cookie"))
    }
}

/// One SIPp UAS call with `scenario`, or nothing.
private func runSIPp(optional scenario: String?, serverPort: Int, localPort: Int) async throws -> (Int32, String)? {
    guard let scenario else { return nil }
    return try await runSIPp(scenario: scenario, serverPort: serverPort, transport: "u1", calls: 1, localPort: localPort,
                             extraArguments: LiveClickToCallTests.sippGuard)
}

extension SocketClient {
    /// The next datagram within `milliseconds`, or nil.
    func receive(waitingAtMost milliseconds: Int) -> [UInt8]? {
        var timeout = timeval(tv_sec: 0, tv_usec: Int(milliseconds) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return receive()
    }
}

/// Placed calls count towards `--max-calls`: at the limit nobody is called.
@Suite("Click-to-call admission")
struct ClickToCallAdmissionTests {
    @Test("At the call limit a click-to-call request is refused before anything is sent")
    func refusedAtTheLimit() async throws {
        var policy = CallPolicy()
        policy.maximumCalls = 1
        try await withCallServer(policy: policy) { server, _ in
            let running = RunningSIP()
            running.attach(server: server.server, router: server.router)
            try await server.onLoop { server.router.placedCallStarted() }   // one placed call in progress
            let service = ClickToCallService(layer: server.layer, sip: running, logger: Logger(label: "admission-test"))
            await #expect(throws: ClickToCallStartError.overloaded) {
                try await service.startCall(callback: "sip:visitor@127.0.0.1:5999", target: "department/sales")
            }
            try await server.onLoop { server.router.placedCallEnded() }
            #expect(try await server.onLoop { server.router.activeCalls } == 0)
        }
    }
}

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import ServiceLifecycle
import Testing
import WebDirectory

@Suite("WebService under swift-service-lifecycle")
struct WebServiceTests {
    @Test("Port 0 binds a free port, serves real HTTP, and stops on graceful shutdown")
    func servesAndStops() async throws {
        let logger = Logger(label: "web-test")
        let service = WebService(site: WebFixtures.site(), address: WebListenAddress(host: "127.0.0.1", port: 0), logger: logger)
        let group = ServiceGroup(configuration: .init(services: [service], logger: logger))
        let port = try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await service.boundPort()
            #expect(port > 0)
            let url = try #require(URL(string: "http://127.0.0.1:\(port)/healthz"))
            let (body, response) = try await URLSession.shared.data(from: url)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            #expect(String(decoding: body, as: UTF8.self) == "ok\n")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return port
        }
        #expect(try await service.boundPort() == port)   // asked after the end: still the port it had
    }

    @Test("A port already taken fails run() and boundPort()")
    func portTaken() async throws {
        let logger = Logger(label: "web-test")
        let first = WebService(site: WebFixtures.site(), address: WebListenAddress(host: "127.0.0.1", port: 0), logger: logger)
        let firstGroup = ServiceGroup(configuration: .init(services: [first], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await firstGroup.run() }
            let port = try await first.boundPort()
            let second = WebService(site: WebFixtures.site(), address: WebListenAddress(host: "127.0.0.1", port: port), logger: logger)
            await #expect(throws: (any Error).self) { try await second.run() }
            await #expect(throws: (any Error).self) { try await second.boundPort() }
            await firstGroup.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}

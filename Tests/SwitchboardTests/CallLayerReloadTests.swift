import Foundation
import Logging
import Testing
@testable import Switchboard

/// Flows reload while serving: a valid edit replaces them for new calls; an edit with
/// errors is refused and the running flows stay.
@Suite("Call layer reload")
struct CallLayerReloadTests {
    @Test("An edited flow is picked up; a broken edit keeps the old flows")
    func reload() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let flow = folder.appendingPathComponent("main.yaml")
        try "departments: {}\n".write(to: folder.appendingPathComponent("directory.yaml"), atomically: true, encoding: .utf8)
        try "flow: main\nnumbers: [\"300\"]\nsteps:\n  bye:\n    hangup:\n".write(to: flow, atomically: true, encoding: .utf8)
        var logger = Logger(label: "reload-test")
        logger.logLevel = .critical
        let layer = try await CallLayer.start(flows: folder.path, prompts: CallServer.prompts, rtpPorts: 40000...40999, logger: logger)
        #expect(layer.environment.flows.entryFlow(forNumber: "300") != nil)
        #expect(layer.reloadIfChanged() == false)

        try "flow: main\nnumbers: [\"3010\"]\nsteps:\n  bye:\n    hangup:\n".write(to: flow, atomically: true, encoding: .utf8)
        #expect(layer.reloadIfChanged())
        #expect(layer.environment.flows.entryFlow(forNumber: "3010") != nil)
        #expect(layer.environment.flows.entryFlow(forNumber: "300") == nil)

        try "flow: main\nnumbers: [\"302\"]\nsteps:\n  bye:\n    goto: nowhere\n".write(to: flow, atomically: true, encoding: .utf8)
        #expect(layer.reloadIfChanged() == false)
        #expect(layer.environment.flows.entryFlow(forNumber: "3010") != nil)
        await layer.stop()
    }

    @Test("serve refuses flows with errors, naming file:line:col")
    func startRefusesBrokenFlows() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "flow: main\nnumbers: [\"300\"]\nsteps:\n  bye:\n    goto: nowhere\n".write(to: folder.appendingPathComponent("main.yaml"), atomically: true, encoding: .utf8)
        await #expect {
            try await CallLayer.start(flows: folder.path, prompts: CallServer.prompts, logger: Logger(label: "t"))
        } throws: { error in
            (error as? CallLayer.StartError)?.description.contains("main.yaml:5:") ?? false
        }
    }
}

import Foundation
import Testing
@testable import Flows

@Suite("Flow tests, the example system, diagrams")
struct ScenarioAndGraphTests {
    /// The repository's own `flows/` and `prompts/`.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let flowsDirectory = repository.appendingPathComponent("flows").path
    static let promptsDirectory = repository.appendingPathComponent("prompts").path

    @Test("The example system passes check with no errors or warnings")
    func exampleChecks() {
        let (system, loaded) = FlowSystemLoader().load(directory: Self.flowsDirectory)
        let diagnostics = loaded + FlowChecker(system: system, prompts: FilePromptCatalog(root: Self.promptsDirectory)).check()
        #expect(diagnostics.map(\.description) == [])
        #expect(system.flow(forNumber: "100")?.name == "main")
    }

    @Test("The example flows' own tests pass through the same runner `switchboard test` uses")
    func exampleScenarios() async {
        let (system, _) = FlowSystemLoader().load(directory: Self.flowsDirectory)
        let (scenarios, diagnostics) = FlowScenarioReader().load(directory: Self.flowsDirectory + "/tests")
        #expect(diagnostics.isEmpty)
        #expect(scenarios.count >= 20)
        let verdicts = await FlowScenarioRunner(system: system, prompts: FilePromptCatalog(root: Self.promptsDirectory)).runAll(scenarios)
        for verdict in verdicts where !verdict.passed {
            Issue.record("\(verdict.scenario.name): \(verdict.failures.joined(separator: "; "))")
        }
    }

    @Test("A scenario whose expectation does not hold fails, naming what differed")
    func failingScenario() async throws {
        let file = """
        tests:
          - name: wrong on purpose
            call: { to: "100" }
            press: ["1"]
            expect: { outcome: voicemail, steps: [menu, support], prompts: [nothing] }
        """
        let flow = "flow: main\nnumbers: [\"100\"]\nsteps:\n  menu:\n    menu: { prompt: p, options: { \"1\": sales } }\n  sales: { transfer: { to: department/sales } }\n"
        let (system, _) = FlowFixtures.load(["main.yaml": flow])
        var log = DiagnosticLog()
        let root = try YAMLLoader().parse(data: Data(file.utf8), file: "t.yaml").get()
        let scenarios = FlowScenarioReader().read(root, log: &log)
        let verdict = try #require(await FlowScenarioRunner(system: system).runAll(scenarios).first)
        #expect(!verdict.passed)
        #expect(verdict.failures.count == 3)
        #expect(verdict.failures.first == "outcome: expected voicemail, got transferred to department/sales")
    }

    @Test("Scenario files report their own mistakes at line and column")
    func scenarioErrors() throws {
        let file = "tests:\n  - name: x\n    call: { to: \"100\" }\n    transfers: { default: maybe }\n    expct: {}\n"
        var log = DiagnosticLog()
        let root = try YAMLLoader().parse(data: Data(file.utf8), file: "t.yaml").get()
        _ = FlowScenarioReader().read(root, log: &log)
        #expect(log.diagnostics.at(.badValue) == ["4:27"])
        #expect(log.diagnostics.at(.unknownKey) == ["5:5"])
    }

    @Test("dot output: one node per step, labelled arrows, failure paths dashed")
    func dot() throws {
        let flow = """
        flow: main
        numbers: ["100"]
        on-error: sorry
        steps:
          menu:
            menu: { prompt: "say \\"hi\\"", options: { "1": sales } }
          sales: { transfer: { to: department/sales, on-busy: sorry } }
          sorry: { hangup: }
        """
        let (system, _) = FlowFixtures.load(["main.yaml": flow])
        let dot = DotRenderer().render(try #require(system.flow(named: "main")))
        #expect(dot.hasPrefix("digraph \"main\" {"))
        #expect(dot.contains("\"__entry\" -> \"menu\";"))
        #expect(dot.contains("\"menu\" -> \"sales\" [label=\"1\"];"))
        #expect(dot.contains("\"sales\" -> \"sorry\" [label=\"busy\"];"))
        #expect(dot.contains("\"__error\" -> \"sorry\" [style=dashed, color=red];"))
        #expect(dot.contains("menu say \\\"hi\\\""))
        #expect(dot.hasSuffix("}\n"))
    }
}

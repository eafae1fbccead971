import ArgumentParser
import Flows
import Foundation
import Switchboard

/// `switchboard test [FLOWS_DIR]`: runs the scenarios in `FLOWS_DIR/tests/*.yaml` and prints
/// `N passed, N failed`; exits non-zero when any failed.
struct FlowTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the flow tests in FLOWS_DIR/tests/*.yaml in virtual time."
    )

    @Argument(help: "The flows directory.")
    var flowsDirectory = "flows"

    @Option(name: .customLong("prompts"), help: "The prompts directory (default: prompts/ beside the flows directory).")
    var promptsDirectory: String?

    @Flag(help: "Print the trace of every test, not only of failures.")
    var verbose = false

    func run() async throws {
        let promptsRoot = FlowsOptions.promptsRoot(flowsDirectory: flowsDirectory, given: promptsDirectory)
        guard let (system, _) = FlowsOptions.loadChecked(flowsDirectory: flowsDirectory, promptsRoot: promptsRoot) else {
            print("0 passed, 1 failed")
            throw ExitCode(1)
        }
        let (scenarios, diagnostics) = FlowScenarioReader().load(directory: (flowsDirectory as NSString).appendingPathComponent("tests"))
        for diagnostic in diagnostics { print(diagnostic) }
        let runner = FlowScenarioRunner(system: system, prompts: FilePromptCatalog(root: promptsRoot),
                                        voicemail: SimulatedVoicemail.factory)
        let verdicts = await runner.runAll(scenarios)
        for verdict in verdicts {
            print("\(verdict.passed ? "PASS" : "FAIL")  \(verdict.scenario.name)  (\(verdict.scenario.location))")
            for failure in verdict.failures { print("      \(failure)") }
            if !verdict.passed || verbose, let run = verdict.run {
                for event in run.trace { print("      \(event)") }
            }
        }
        let failed = verdicts.filter { !$0.passed }.count + (diagnostics.contains { $0.severity == .error } ? 1 : 0)
        print("\(verdicts.count - verdicts.filter { !$0.passed }.count) passed, \(failed) failed")
        if failed > 0 { throw ExitCode(1) }
    }
}

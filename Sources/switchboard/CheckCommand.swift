import ArgumentParser
import Flows
import Foundation

/// `switchboard check [FLOWS_DIR]`: loads and checks the flows, prints each finding as
/// `file:line:col: error: message` with a hint, and exits non-zero on any error.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check flow files, the directory and prompts; exit non-zero on errors."
    )

    @Argument(help: "The flows directory.")
    var flowsDirectory = "flows"

    @Option(name: .customLong("prompts"), help: "The prompts directory (default: prompts/ beside the flows directory).")
    var promptsDirectory: String?

    func run() throws {
        let promptsRoot = FlowsOptions.promptsRoot(flowsDirectory: flowsDirectory, given: promptsDirectory)
        let (system, checked) = FlowSystemLoader().loadChecked(directory: flowsDirectory, promptsRoot: promptsRoot)
        for diagnostic in checked { print(diagnostic) }
        let errors = checked.filter { $0.severity == .error }.count
        let warnings = checked.count - errors
        let steps = system.flows.reduce(0) { $0 + $1.steps.count }
        print("\(system.flows.count) flows, \(steps) steps, \(system.directory.people.count) people, "
              + "\(system.directory.departments.count) departments: \(errors) errors, \(warnings) warnings")
        if errors > 0 { throw ExitCode(1) }
    }
}

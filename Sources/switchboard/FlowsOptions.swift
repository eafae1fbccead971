import ArgumentParser
import Flows
import Foundation

/// The options every flow command shares: where the flows and the prompts are.
struct FlowsOptions: ParsableArguments {
    @Option(name: .customLong("flows"), help: "The flows directory (flow files and directory.yaml).")
    var flowsDirectory = "flows"

    @Option(name: .customLong("prompts"), help: "The prompts directory (default: prompts/ beside the flows directory).")
    var promptsDirectory: String?

    var promptsRoot: String { Self.promptsRoot(flowsDirectory: flowsDirectory, given: promptsDirectory) }

    /// `--prompts` when given, else `prompts/` beside the flows directory.
    static func promptsRoot(flowsDirectory: String, given: String?) -> String {
        given ?? ((flowsDirectory as NSString).deletingLastPathComponent as NSString).appendingPathComponent("prompts")
    }

    /// Loads and checks; prints errors (and warnings when `verbose`) to standard error.
    /// Nil when there were errors: a broken system never runs.
    func loadChecked(verbose: Bool = false) -> (FlowSystem, [Diagnostic])? {
        Self.loadChecked(flowsDirectory: flowsDirectory, promptsRoot: promptsRoot, verbose: verbose)
    }

    static func loadChecked(flowsDirectory: String, promptsRoot: String, verbose: Bool = false) -> (FlowSystem, [Diagnostic])? {
        let (system, diagnostics) = FlowSystemLoader().loadChecked(directory: flowsDirectory, promptsRoot: promptsRoot)
        let errors = diagnostics.filter { $0.severity == .error }
        for diagnostic in diagnostics where diagnostic.severity == .error || verbose {
            FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8))
        }
        return errors.isEmpty ? (system, diagnostics) : nil
    }
}

import ArgumentParser
import Flows
import Foundation

/// `switchboard graph [FLOW] --format dot|svg`: the flow as a Graphviz graph (SVG via `dot -Tsvg`).
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw a flow as a graph (dot text, or SVG rendered by Graphviz)."
    )

    enum Format: String, ExpressibleByArgument { case dot, svg }

    @Argument(help: "The flow's name (default: the flow answering the lowest number, else the first).")
    var flow: String?

    @OptionGroup var options: FlowsOptions

    @Option(help: "dot or svg.")
    var format: Format = .svg

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    func run() throws {
        let (system, diagnostics) = FlowSystemLoader().load(directory: options.flowsDirectory)
        for diagnostic in diagnostics where diagnostic.severity == .error { FileHandle.standardError.write(Data("\(diagnostic)\n".utf8)) }
        let chosen = flow.flatMap(system.flow(named:))
            ?? (flow == nil ? system.flows.first { !$0.numbers.isEmpty } ?? system.flows.first : nil)
        guard let chosen else {
            throw ValidationError("no flow named '\(flow ?? "")'; flows: \(system.flows.map(\.name).joined(separator: ", "))")
        }
        let dot = DotRenderer().render(chosen)
        let bytes = format == .dot ? Data(dot.utf8) : try renderSVG(dot)
        if let output {
            try bytes.write(to: URL(fileURLWithPath: output))
        } else {
            FileHandle.standardOutput.write(bytes)
        }
    }

    private func renderSVG(_ dot: String) throws -> Data {
        do { return try GraphvizSVG().render(dot) } catch {
            throw ValidationError("\(error.description), or use --format dot")
        }
    }
}

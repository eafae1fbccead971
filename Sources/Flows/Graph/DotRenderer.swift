import Foundation

/// Draws a flow as a Graphviz `dot` graph: one node per step (shape by kind), one arrow per
/// possible continuation labelled with the key, condition or outcome that takes it.
public struct DotRenderer: Sendable {
    public init() {}

    public func render(_ flow: Flow) -> String {
        var lines = [
            "digraph \(quote(flow.name)) {",
            "  rankdir=TB;",
            "  node [fontname=\"Helvetica\", fontsize=11, style=filled, fillcolor=\"#f5f5f5\"];",
            "  edge [fontname=\"Helvetica\", fontsize=10];",
        ]
        let entry = flow.numbers.isEmpty ? "call" : flow.numbers.map(\.value).joined(separator: ", ")
        lines.append("  \"__entry\" [label=\(quote("☎ " + entry)), shape=plaintext, style=\"\"];")
        lines.append("  \"__entry\" -> \(quote(flow.start.value));")
        let names = Set(flow.steps.map(\.name))
        for step in flow.steps {
            let (shape, color) = style(step.action)
            lines.append("  \(quote(step.name)) [label=\(quote("\(step.name)\n\(detail(step.action))")), shape=\(shape), fillcolor=\"\(color)\"];")
            for edge in step.edges {
                let attributes = edge.label == "next" ? "" : " [label=\(quote(edge.label))\(edge.label == "failure" ? ", style=dashed, color=red" : "")]"
                let target = names.contains(edge.target.value) ? quote(edge.target.value) : quote("missing: " + edge.target.value)
                lines.append("  \(quote(step.name)) -> \(target)\(attributes);")
            }
        }
        if let onError = flow.onError {
            lines.append("  \"__error\" [label=\"on error\", shape=plaintext, style=\"\"];")
            lines.append("  \"__error\" -> \(quote(onError.value)) [style=dashed, color=red];")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    private func style(_ action: StepAction) -> (String, String) {
        switch action {
        case .menu, .collect, .directory: ("box", "#dbeafe")
        case .branch: ("diamond", "#fef3c7")
        case .transfer: ("box", "#dcfce7")
        case .voicemail, .voicemailAccess: ("box", "#fce7f3")
        case .webDirectory: ("box", "#ede9fe")
        case .hangup, .return: ("doublecircle", "#e5e7eb")
        default: ("box", "#f5f5f5")
        }
    }

    private func detail(_ action: StepAction) -> String {
        switch action {
        case .play(let prompts): "play " + prompts.map(\.value).joined(separator: ", ")
        case .say(let say): "say \(say.form.rawValue) \(say.value.value)"
        case .menu(let menu):
            "menu " + menu.prompt.map(\.value).joined(separator: ", ") + (menu.dialExtensions ? "\n+ extensions" : "")
        case .collect(let collect): "collect → \(collect.into.value)"
        case .transfer(let transfer): "transfer \(transfer.destination.value)"
        case .voicemail(let voicemail): "voicemail \(voicemail.mailbox.value)"
        case .call(let call): "call \(call.flow.value)"
        default: action.keyword
        }
    }

    private func quote(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }
}

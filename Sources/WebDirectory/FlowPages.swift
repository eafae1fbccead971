import Flows
import Foundation

/// `/flows` and `/flows/NAME`: each flow's facts, the schedules it checks and whether they
/// are open now, its diagram (an `<img>` of the SVG Graphviz drew, or the DOT text when
/// Graphviz is missing) and, for screen readers and search, the same graph as a step list.
enum FlowPages {
    /// The schedules a flow's branches test (`open:`/`closed:`), in the order written, once each.
    static func schedules(of flow: Flow) -> [String] {
        var names: [String] = []
        for step in flow.steps {
            guard case .branch(let cases) = step.action else { continue }
            for condition in cases.flatMap(\.conditions) {
                switch condition {
                case .open(let schedule), .closed(let schedule):
                    if !names.contains(schedule.value) { names.append(schedule.value) }
                default: continue
                }
            }
        }
        return names
    }

    /// The flows' index.
    static func index(_ system: FlowSystem, at date: Date, siteName: String) -> String {
        let cards = system.flows.map { flow in
            let facts = HTML.facts(commonFacts(flow) + [
                ("Steps", "\(flow.steps.count)"),
                ("Hours", hours(of: flow, directory: system.directory, at: date, inline: true)),
            ])
            return "<li class=\"card\"><h2><a href=\"/flows/\(HTML.pathSegment(flow.name))\">\(HTML.escape(flow.name))</a></h2>\(facts)</li>"
        }
        let main = """
        <h1>Call flows</h1>
        <p>What a caller hears and can do, as the flow files describe it.</p>
        <ul class="cards">
        \(cards.joined(separator: "\n"))
        </ul>
        """
        return HTML.page(title: "Call flows", siteName: siteName, section: .flows, main: main)
    }

    /// One flow's page; `svgAvailable` false puts the DOT text where the picture would be.
    static func detail(_ flow: Flow, directory: Directory, at date: Date, siteName: String, svgAvailable: Bool) -> String {
        let name = HTML.escape(flow.name)
        let diagram: String
        if svgAvailable {
            diagram = """
            <figure>
            <img src="/flows/\(HTML.pathSegment(flow.name))/graph.svg" alt="Diagram of the \(name) flow. The same steps are listed as text under Steps.">
            <figcaption>Boxes are steps; arrows are labelled with the key, condition or outcome that follows them. Red dashed arrows are failures.</figcaption>
            </figure>
            """
        } else {
            diagram = """
            <p>Graphviz is not installed on the server, so here is the diagram's DOT text (render it with <code>dot -Tsvg</code>).</p>
            <pre><code>\(HTML.escape(DotRenderer().render(flow)))</code></pre>
            """
        }
        let facts = commonFacts(flow) + [
            ("Starts at", "<a href=\"#step-\(HTML.pathSegment(flow.start.value))\">\(HTML.escape(flow.start.value))</a>"),
        ] + (flow.parameters.isEmpty ? [] : [("Parameters", HTML.escape(flow.parameters.joined(separator: ", ")))])
        let main = """
        <p><a href="/flows">All call flows</a></p>
        <h1>Flow <code>\(name)</code></h1>
        \(HTML.facts(facts))
        <h2>Hours</h2>
        \(hours(of: flow, directory: directory, at: date, inline: false))
        <h2>Diagram</h2>
        \(diagram)
        <h2>Steps</h2>
        <ol class="steps">
        \(flow.steps.map(stepItem).joined(separator: "\n"))
        </ol>
        """
        return HTML.page(title: "Flow \(flow.name)", siteName: siteName, section: .flows, main: main)
    }

    /// A page for an unknown flow name.
    static func notFound(_ name: String, system: FlowSystem, siteName: String) -> String {
        let links = system.flows.map { "<li><a href=\"/flows/\(HTML.pathSegment($0.name))\">\(HTML.escape($0.name))</a></li>" }
        let main = """
        <h1>No flow named “\(HTML.escape(name))”</h1>
        <p>These flows exist:</p>
        <ul>\(links.joined())</ul>
        """
        return HTML.page(title: "Flow not found", siteName: siteName, section: .flows, main: main)
    }

    /// Numbers and file, shown on the index and the flow's page.
    private static func commonFacts(_ flow: Flow) -> [(String, String)] {
        [
            ("Numbers", flow.numbers.isEmpty ? "none (a sub-flow)" : HTML.escape(flow.numbers.map(\.value).joined(separator: ", "))),
            ("File", HTML.escape(flow.file)),
        ]
    }

    private static func stepItem(_ step: Step) -> String {
        let goes = step.edges.map { edge in
            "<a href=\"#step-\(HTML.pathSegment(edge.target.value))\">\(HTML.escape(edge.target.value))</a> (\(HTML.escape(edge.label)))"
        }
        let continuation = goes.isEmpty ? (step.endsFlow ? "; the flow ends here" : "") : "; then " + goes.joined(separator: ", ")
        return "<li id=\"step-\(HTML.escape(step.name))\"><code>\(HTML.escape(step.name))</code>: \(HTML.escape(step.action.keyword))\(continuation)</li>"
    }

    /// The flow's schedules with their state now, as a list (or inline for the index cards).
    private static func hours(of flow: Flow, directory: Directory, at date: Date, inline: Bool) -> String {
        let names = schedules(of: flow)
        guard !names.isEmpty else { return inline ? "not checked" : "<p>This flow does not check a schedule.</p>" }
        let items = names.map { name -> String in
            guard let schedule = directory.schedule(name) else { return "\(HTML.escape(name)): not defined" }
            let open = schedule.isOpen(at: date)
            return "\(HTML.escape(name)): " + DirectoryPage.state(open, "open", "closed", open ? "Open now" : "Closed now")
        }
        return inline ? items.joined(separator: "<br>") : "<ul>\(items.map { "<li>\($0)</li>" }.joined())</ul>"
    }
}

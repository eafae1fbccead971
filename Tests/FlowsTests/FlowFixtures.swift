import Foundation
@testable import Flows

/// Builds flow systems from inline YAML and runs simulated calls on them.
enum FlowFixtures {
    /// A small directory used by most tests.
    static let directory = """
    schedules:
      office:
        time-zone: Europe/Berlin
        weekly: { mon-fri: "09:00-17:00" }
        holidays: ["12-25"]
    departments:
      sales: { extension: "401", members: [alice, bob], strategy: simultaneous, mailbox: sales }
      support: { extension: "402", members: [carol, bob], strategy: sequential, member-timeout: 10s, mailbox: support }
    people:
      alice: { name: Alice Archer, extension: "301", mailbox: alice }
      bob: { name: Bob Baker, extension: "302", mailbox: bob, phones: ["+4930111222"] }
      carol: { name: Carol Chen, extension: "303", mailbox: carol, forwarding: { busy: "+4930999888" } }
    outbound:
      allowed: ["+4930XXXX."]
    """

    /// Loads the sources; `directory.yaml` is the fixture directory unless given.
    static func load(_ flows: [String: String], directory: String = directory) -> (FlowSystem, [Diagnostic]) {
        var sources = flows.sorted { $0.key < $1.key }.map { (file: $0.key, text: $0.value) }
        sources.append((file: "directory.yaml", text: directory))
        return FlowSystemLoader().load(sources: sources)
    }

    /// Loader and checker diagnostics together (no prompt catalog unless given).
    static func diagnostics(_ flows: [String: String], directory: String = directory,
                            prompts: (any PromptCatalog)? = nil) -> [Diagnostic] {
        let (system, loaded) = load(flows, directory: directory)
        return loaded + FlowChecker(system: system, prompts: prompts).check()
    }

    /// Monday 2026-11-30 10:00 in Berlin (office open).
    static let mondayMorning = LocalTime.parse("2026-11-30T10:00", timeZone: TimeZone(identifier: "Europe/Berlin")!)!

    /// Runs a call to `number` (default 100) through `flow` (a flow document answering 100).
    static func run(_ flow: String, extra: [String: String] = [:], script: SimulationScript = SimulationScript(),
                    caller: String = "5551234", number: String = "100", variables: [String: String] = [:],
                    at start: Date = mondayMorning) async -> FlowSimulator.Run? {
        var flows = extra
        flows["main.yaml"] = flow
        let (system, _) = load(flows)
        let simulator = FlowSimulator(system: system)
        return await simulator.simulate(CallInfo(caller: caller, called: number, variables: variables), at: start, script: script)
    }

    /// A script that answers each wait for keys with these responses.
    static func pressing(_ responses: SimulationScript.KeyResponse...) -> SimulationScript {
        var script = SimulationScript()
        script.responses = responses
        return script
    }
}

/// A catalog that knows a fixed set of prompts; one may be marked undecodable.
struct StubPromptCatalog: PromptCatalog {
    var known: Set<String>
    var undecodable: Set<String> = []

    func problem(with prompt: String, language: String) -> PromptProblem? {
        if undecodable.contains(prompt) { return .undecodable(path: "\(prompt).wav", reason: "not a sound file") }
        return known.contains(prompt) ? nil : .missing(searched: ["prompts/\(language)/\(prompt).wav"])
    }

    func duration(of prompt: String, language: String) -> Duration? { nil }
}

extension Array where Element == Diagnostic {
    /// The diagnostics of one kind in line order, as `line:col` strings (what the tests pin down).
    func at(_ kind: Diagnostic.Kind) -> [String] {
        filter { $0.kind == kind }
            .sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
            .map { "\($0.location.line):\($0.location.column)" }
    }
}

extension FlowSimulator.Run {
    /// Times (ms since the call started) of the trace events matching `predicate`.
    func times(where predicate: (TraceEvent.Kind) -> Bool) -> [Int64] {
        trace.filter { predicate($0.kind) }.map(\.time.milliseconds)
    }

    var digitEvents: [(digits: String, ending: DigitResult.Ending, ms: Int64)] {
        trace.compactMap { event in
            if case .digits(let digits, let ending) = event.kind { return (digits, ending, event.time.milliseconds) }
            return nil
        }
    }
}

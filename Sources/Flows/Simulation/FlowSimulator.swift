import Foundation

/// Runs one simulated call: picks the flow for the dialled number, drives it with a
/// `SimulatedCallSession`, and returns the outcome and the trace. Used by `switchboard simulate`,
/// `switchboard test` and the tests.
public struct FlowSimulator: Sendable {
    public var system: FlowSystem
    public var prompts: (any PromptCatalog)?

    public init(system: FlowSystem, prompts: (any PromptCatalog)? = nil) {
        self.system = system
        self.prompts = prompts
    }

    /// The result of one simulated call.
    public struct Run: Sendable {
        public var outcome: CallOutcome
        public var trace: [TraceEvent]
    }

    /// Nil when no flow or extension answers `call.called` (a live call would get 404).
    public func simulate(_ call: CallInfo, at start: Date, script: SimulationScript,
                         observer: (@Sendable (TraceEvent) -> Void)? = nil) async -> Run? {
        guard let flow = system.entryFlow(forNumber: call.called) else { return nil }
        let session = SimulatedCallSession(info: call, start: start, script: script, prompts: prompts)
        let interpreter = FlowInterpreter(system: system, session: session)
        interpreter.observer = observer
        let outcome = await interpreter.run(flow)
        return Run(outcome: outcome, trace: interpreter.trace)
    }
}

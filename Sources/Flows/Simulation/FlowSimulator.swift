import Foundation
import Synchronization

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
        /// The interpreter's events and the voicemail simulation's, in the order they happened.
        public var trace: [TraceEvent]
        /// Every transfer the session was asked for (call-backs from voicemail included).
        public var transferRequests: [TransferRequest] = []
    }

    /// Nil when no flow or extension answers `call.called` (a live call would get 404).
    /// With `voicemail`, the `voicemail` and `voicemail-access` steps run the real procedures.
    public func simulate(_ call: CallInfo, at start: Date, script: SimulationScript,
                         voicemail: (any VoicemailSimulation)? = nil,
                         observer: (@Sendable (TraceEvent) -> Void)? = nil) async -> Run? {
        guard let flow = system.entryFlow(forNumber: call.called) else { return nil }
        let log = TraceLog(observer: observer)
        let session = SimulatedCallSession(info: call, start: start, script: script, prompts: prompts, voicemail: voicemail,
                                           trace: { kind, time in log.add(TraceEvent(time: time, kind: kind)) })
        let interpreter = FlowInterpreter(system: system, session: session)
        interpreter.observer = { log.add($0) }
        let outcome = await interpreter.run(flow)
        return Run(outcome: outcome, trace: log.events, transferRequests: await session.transferRequests)
    }
}

/// Collects the trace from the interpreter and the session as events happen.
private final class TraceLog: Sendable {
    private let collected = Mutex<[TraceEvent]>([])
    private let observer: (@Sendable (TraceEvent) -> Void)?

    init(observer: (@Sendable (TraceEvent) -> Void)?) { self.observer = observer }

    func add(_ event: TraceEvent) {
        collected.withLock { $0.append(event) }
        observer?(event)
    }

    var events: [TraceEvent] { collected.withLock { $0 } }
}

/// Finds what would go wrong for a caller before one calls: dangling names, unreachable steps,
/// missing prompts, duplicate numbers, loops that never wait for input, outside destinations that
/// are not allowed, menu keys that collide with extensions. Loader diagnostics come first; the
/// checker adds its own. Each check lives in its own `FlowChecker+…` file.
public struct FlowChecker: Sendable {
    public var system: FlowSystem
    public var prompts: (any PromptCatalog)?

    public init(system: FlowSystem, prompts: (any PromptCatalog)?) {
        self.system = system
        self.prompts = prompts
    }

    /// All findings, sorted by file, line and column.
    public func check() -> [Diagnostic] {
        var log = DiagnosticLog()
        checkFlowNames(&log)
        for flow in system.flows {
            checkStepReferences(in: flow, &log)
            checkReachability(of: flow, &log)
            checkLoopsWithoutInput(in: flow, &log)
            checkPrompts(of: flow, &log)
            checkMenuCollisions(in: flow, &log)
        }
        checkDirectoryReferences(&log)
        checkNumbers(&log)
        checkOutbound(&log)
        checkBuiltInPrompts(&log)
        return log.sorted
    }

    private func checkFlowNames(_ log: inout DiagnosticLog) {
        var seen: [String: Flow] = [:]
        for flow in system.flows {
            if let first = seen[flow.name] {
                log.error(.duplicateName, at: flow.location, "flow '\(flow.name)' is defined twice",
                          hint: "the other one is at \(first.location)")
            }
            seen[flow.name] = flow
        }
    }

    /// Names in `known` as a did-you-mean hint for `name`.
    func suggestion(_ name: String, _ known: [String]) -> String? {
        DidYouMean.suggestion(for: name, among: known).map { "did you mean '\($0)'?" }
    }
}

/// Unreachable steps and loops that can run without ever waiting for the caller.
extension FlowChecker {
    func checkReachability(of flow: Flow, _ log: inout DiagnosticLog) {
        var reached = Set<String>()
        var pending = [flow.start.value] + (flow.onError.map { [$0.value] } ?? [])
        while let name = pending.popLast() {
            guard reached.insert(name).inserted, let step = flow.step(named: name) else { continue }
            pending += step.edges.map(\.target.value)
        }
        for step in flow.steps where !reached.contains(step.name) {
            log.error(.unreachableStep, at: step.location, "step '\(step.name)' can never be reached",
                      hint: "no step, menu option or branch leads here from '\(flow.start.value)'; remove it or link it")
        }
    }

    /// A cycle made only of steps that do not wait for the caller (play, say, branch, set, goto,
    /// call, transfer, web-directory) would repeat until the runaway bound stops it.
    func checkLoopsWithoutInput(in flow: Flow, _ log: inout DiagnosticLog) {
        let steps = Dictionary(flow.steps.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        func successors(_ name: String) -> [String] {
            guard let step = steps[name], !step.action.waitsForCaller else { return [] }
            return step.edges.map(\.target.value).filter { steps[$0].map { !$0.action.waitsForCaller } ?? false }
        }
        var state: [String: Int] = [:]   // 1 = on the current path, 2 = finished
        var reported = Set<String>()
        func visit(_ name: String, path: [String]) {
            state[name] = 1
            for next in successors(name) {
                if state[next] == 1, let start = path.firstIndex(of: next) {
                    let cycle = Array(path[start...]) + [next]
                    let key = Set(cycle).sorted().joined(separator: ",")
                    if reported.insert(key).inserted, let step = steps[next] {
                        log.error(.loopWithoutInput, at: step.location,
                                  "steps \(cycle.joined(separator: " → ")) form a loop that never waits for the caller",
                                  hint: "put a menu or collect in the loop, or end it with hangup, voicemail or a transfer fallback")
                    }
                } else if state[next] == nil {
                    visit(next, path: path + [next])
                }
            }
            state[name] = 2
        }
        for step in flow.steps where state[step.name] == nil {
            visit(step.name, path: [step.name])
        }
    }
}

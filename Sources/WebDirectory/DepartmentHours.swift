import Flows

/// Which schedule says whether a department is open. The directory gives departments no
/// hours of their own; the flows do, by the `open: SCHEDULE` branches in front of the
/// transfers that reach them. This walks every flow that answers a number from its start,
/// remembering the innermost `open:` condition on the way, and notes it at each transfer to
/// a department (and at each menu with `dial-extensions`, which reaches every department).
/// A department reached only behind one schedule gets that schedule; one reached without
/// any, or behind different ones, gets none. Explicit `overrides` win.
///
/// The flows' `on-error` fallbacks are not followed (they are reached from anywhere, so
/// they would hide every schedule). Dialling a department's extension directly always
/// rings it; the hours describe the main number.
public struct DepartmentHours: Sendable, Equatable {
    /// Department id → schedule id.
    public var schedules: [String: String]

    public init(schedules: [String: String]) { self.schedules = schedules }

    /// Resolves the schedules from the flows, then applies `overrides` (department id → schedule id).
    public init(system: FlowSystem, overrides: [String: String] = [:]) {
        var walker = Walker(system: system)
        for flow in system.flows where !flow.numbers.isEmpty {
            walker.walk(flow: flow, from: flow.start.value, gate: nil)
        }
        var resolved: [String: String] = [:]
        for (department, gates) in walker.gates {
            if gates.count == 1, let only = gates.first, let schedule = only { resolved[department] = schedule }
        }
        schedules = resolved.merging(overrides) { _, override in override }
    }

    /// The schedule deciding `department`'s hours, if any.
    public func schedule(for department: String) -> String? { schedules[department] }

    /// The depth-first walk; each (flow, step, gate) is visited once, so loops end.
    private struct Walker {
        let system: FlowSystem
        /// Department id → the gates (nil: none) it was reached behind.
        var gates: [String: Set<String?>] = [:]
        private var visited: Set<String> = []

        init(system: FlowSystem) { self.system = system }

        mutating func walk(flow: Flow, from stepName: String, gate: String?) {
            var pending: [(step: String, gate: String?)] = [(stepName, gate)]
            while let (name, gate) = pending.popLast() {
                guard visited.insert("\(flow.name)\u{0}\(name)\u{0}\(gate ?? "")").inserted,
                      let step = flow.step(named: name) else { continue }
                switch step.action {
                case .transfer(let transfer):
                    let destination = transfer.destination.value
                    if destination.hasPrefix("department/") { note(String(destination.dropFirst("department/".count)), gate) }
                case .menu(let menu) where menu.dialExtensions:
                    for department in system.directory.departments where department.extensionNumber != nil {
                        note(department.id, gate)
                    }
                case .call(let call):
                    if let sub = system.flow(named: call.flow.value) { walk(flow: sub, from: sub.start.value, gate: gate) }
                case .branch(let cases):
                    for branchCase in cases {
                        pending.append((branchCase.target.value, Self.gate(of: branchCase, outer: gate)))
                    }
                    for target in [step.next, step.onFailure].compactMap({ $0 }) { pending.append((target.value, gate)) }
                    continue
                default:
                    break
                }
                for edge in step.edges { pending.append((edge.target.value, gate)) }
            }
        }

        private mutating func note(_ department: String, _ gate: String?) {
            gates[department, default: []].insert(gate)
        }

        /// Behind `open: S` the gate is S; behind `closed: S` there is none (the department is
        /// reached when S is closed); otherwise the outer gate holds.
        private static func gate(of branchCase: BranchCase, outer: String?) -> String? {
            for condition in branchCase.conditions {
                switch condition {
                case .open(let schedule): return schedule.value
                case .closed: return nil
                default: continue
                }
            }
            return outer
        }
    }
}

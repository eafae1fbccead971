/// `call` and `return`: sub-flows with parameters, each in its own variable scope.
extension FlowInterpreter {
    /// Runs a sub-flow in a fresh variable frame with its parameters, then copies returned values back.
    func runCall(_ call: CallStep) async throws -> StepResult {
        guard let callee = system.flow(named: call.flow.value) else {
            throw StepFailure(reason: "no flow '\(call.flow.value)'")
        }
        guard callDepth < Self.maximumCallDepth else { throw StepFailure(reason: "sub-flows nested too deep") }
        let arguments = call.arguments.map { ($0.name, interpolate($0.value)) }
        let saved = variables
        variables = Dictionary(arguments, uniquingKeysWith: { _, last in last })
        callDepth += 1
        let exit = await execute(callee)
        callDepth -= 1
        variables = saved
        switch exit {
        case .ended(let outcome):
            return .exit(.ended(outcome))
        case .returned(let values):
            for (name, value) in values { await assign(name, value) }
            return .continueNext
        }
    }
}

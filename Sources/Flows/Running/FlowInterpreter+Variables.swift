import Foundation

/// Variables, `${…}` interpolation and `branch` conditions.
extension FlowInterpreter {
    /// A variable's value: frame variables first, then the built-ins `caller`, `called`,
    /// `last-digits`, and the session's `call.NAME` facts.
    func value(of name: String) -> String? {
        if let value = variables[name] { return value }
        switch name {
        case "caller": return session.info.caller
        case "called": return session.info.called
        case "last-digits": return lastDigits
        default:
            if name.hasPrefix("call.") { return session.info.variables[String(name.dropFirst(5))] }
            return nil
        }
    }

    func assign(_ name: String, _ value: String) async {
        variables[name] = value
        await record(.variable(name: name, value: value))
    }

    /// Replaces each `${name}` with the variable's value (empty when unset).
    func interpolate(_ text: String) -> String {
        guard text.contains("${") else { return text }
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                result += rest[open.lowerBound...]
                return result
            }
            result += value(of: String(rest[open.upperBound..<close])) ?? ""
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    func runBranch(_ cases: [BranchCase], step: Step) async throws -> StepResult {
        let now = await session.now()
        for branchCase in cases where try branchCase.conditions.allSatisfy({ try holds($0, at: now) }) {
            let summary = branchCase.conditions.map(\.summary).joined(separator: " and ")
            await record(.branch(condition: summary.ifEmpty("else"), target: branchCase.target.value))
            return .goTo(branchCase.target.value)
        }
        guard step.next != nil else { throw StepFailure(reason: "no branch case matched and the step has no 'next'") }
        return .continueNext
    }

    func holds(_ condition: BranchCondition, at now: Date) throws -> Bool {
        switch condition {
        case .open(let name), .closed(let name):
            guard let schedule = system.directory.schedule(name.value) else {
                throw StepFailure(reason: "no schedule '\(name.value)'")
            }
            let open = schedule.isOpen(at: now)
            if case .open = condition { return open }
            return !open
        case .caller(let pattern): return DialPattern(pattern.value).matches(session.info.caller)
        case .called(let pattern): return DialPattern(pattern.value).matches(session.info.called)
        case .digits(let pattern): return DialPattern(pattern.value).matches(lastDigits)
        case .variableEquals(let name, let expected): return value(of: name) == interpolate(expected)
        case .variableMatches(let name, let pattern):
            guard let regex = try? Regex(pattern.value) else { throw StepFailure(reason: "bad pattern '\(pattern.value)'") }
            return (try? regex.wholeMatch(in: value(of: name) ?? "")) != nil
        case .variableSet(let name): return !(value(of: name) ?? "").isEmpty
        }
    }
}

/// What a step points at: the steps it can continue to (with a label for diagrams) and the prompts it plays.
extension Step {
    /// A possible continuation of a step.
    public struct Edge: Sendable {
        public var target: Located<String>
        /// "next", "1", "no-input", "busy", "open business-hours" — how diagrams label the arrow.
        public var label: String
    }

    /// Every step this one can go to, in the order they are written.
    public var edges: [Edge] {
        var result: [Edge] = []
        func add(_ target: Located<String>?, _ label: String) {
            if let target { result.append(Edge(target: target, label: label)) }
        }
        switch action {
        case .menu(let menu):
            for option in menu.options { add(option.target, option.key.value) }
            add(menu.noInput.target, "no-input")
            add(menu.invalid.target, "invalid")
        case .branch(let cases):
            for branchCase in cases { add(branchCase.target, branchCase.conditions.map(\.summary).joined(separator: " and ").ifEmpty("else")) }
        case .goto(let target):
            add(target, "goto")
        case .transfer(let transfer):
            add(transfer.onNoAnswer, "no answer")
            add(transfer.onBusy, "busy")
        case .directory(let directory):
            add(directory.onNoMatch, "no match")
        case .webDirectory(let web):
            add(web.onDeclined, "declined")
        case .voicemail(let voicemail):
            add(voicemail.operatorStep, "0 operator")
        default:
            break
        }
        add(next, "next")
        add(onFailure, "failure")
        return result
    }

    /// True when the step never continues on its own (the call ends or the flow returns).
    public var endsFlow: Bool {
        switch action {
        case .hangup, .return: true
        default: false
        }
    }

    /// Every prompt name the step plays, with where it is written.
    public var promptReferences: [Located<String>] {
        switch action {
        case .play(let prompts): return prompts
        case .menu(let menu):
            return menu.prompt + (menu.retryPrompt ?? []) + menu.noInput.prompt + menu.invalid.prompt
        case .collect(let collect): return collect.prompt + collect.invalidPrompt
        case .transfer(let transfer): return (transfer.whisper ?? []) + (transfer.announce ?? [])
        case .voicemail(let voicemail): return voicemail.greeting ?? []
        case .directory(let directory): return directory.prompt
        default: return []
        }
    }
}

extension BranchCondition {
    /// A short text for diagrams and traces: "open business-hours", "caller 555XXXX".
    public var summary: String {
        switch self {
        case .open(let schedule): "open \(schedule.value)"
        case .closed(let schedule): "closed \(schedule.value)"
        case .caller(let pattern): "caller \(pattern.value)"
        case .called(let pattern): "called \(pattern.value)"
        case .digits(let pattern): "digits \(pattern.value)"
        case .variableEquals(let name, let value): "\(name) = \(value)"
        case .variableMatches(let name, let pattern): "\(name) ~ \(pattern.value)"
        case .variableSet(let name): "\(name) set"
        }
    }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}

/// Reads one step (`name: { kind: …, next: …, on-failure: … }`) into a `Step`, logging every problem.
struct StepReader {
    static let kinds = ["play", "say", "menu", "collect", "branch", "set", "goto", "call", "return",
                        "transfer", "voicemail", "voicemail-access", "directory", "web-directory", "hangup"]
    static let commonKeys = ["next", "on-failure", "description"]

    static func read(name: Located<String>, node: YAMLNode, log: inout DiagnosticLog) -> Step? {
        let context = "step '\(name.value)'"
        guard let reader = MappingReader(node, context: context, known: kinds + commonKeys, log: &log) else { return nil }
        let present = kinds.filter { reader.has($0) }
        guard let kind = present.first, let body = reader.node(kind) else {
            log.error(.missingKey, at: name.location, "\(context) has no action",
                      hint: "give it one of: \(kinds.joined(separator: ", "))")
            return nil
        }
        if present.count > 1, let second = reader.keyLocation(present[1]) {
            log.error(.badValue, at: second, "\(context) has two actions, '\(present[0])' and '\(present[1])'",
                      hint: "split it into two steps joined by 'next'")
        }
        guard let action = readAction(kind, body: body, context: context, log: &log) else { return nil }
        var step = Step(name: name.value, location: name.location, action: action,
                        next: reader.string("next", log: &log), onFailure: reader.string("on-failure", log: &log))
        if case .menu(let menu) = action, step.onFailure == nil { step.onFailure = menu.onFailure }
        return step
    }

    private static func readAction(_ kind: String, body: YAMLNode, context: String,
                                   log: inout DiagnosticLog) -> StepAction? {
        switch kind {
        case "play":
            return MappingReader.stringList(body, what: "'play'", log: &log).map { .play($0) }
        case "say": return readSay(body, log: &log).map { .say($0) }
        case "menu": return readMenu(body, log: &log).map { .menu($0) }
        case "collect": return readCollect(body, log: &log).map { .collect($0) }
        case "branch": return readBranch(body, log: &log).map { .branch($0) }
        case "set": return readAssignments(body, what: "'set'", log: &log).map { .set($0) }
        case "goto":
            guard let target = body.scalar else {
                log.error(.badValue, at: body.location, "'goto' names one step")
                return nil
            }
            return .goto(Located(target, at: body.location))
        case "call": return readCall(body, log: &log).map { .call($0) }
        case "return":
            if body.isNull { return .return([]) }
            return readAssignments(body, what: "'return'", log: &log).map { .return($0) }
        case "transfer": return readTransfer(body, log: &log).map { .transfer($0) }
        case "voicemail":
            if let mailbox = body.scalar { return .voicemail(VoicemailStep(mailbox: Located(mailbox, at: body.location))) }
            guard let reader = MappingReader(body, context: "'voicemail'", known: ["mailbox", "greeting", "operator"], log: &log),
                  let mailbox = reader.string("mailbox", required: true, log: &log) else { return nil }
            return .voicemail(VoicemailStep(mailbox: mailbox, greeting: reader.stringList("greeting", log: &log),
                                            operatorStep: reader.string("operator", log: &log)))
        case "voicemail-access":
            guard let reader = MappingReader(body, context: "'voicemail-access'", known: ["mailbox", "call-back"], log: &log) else { return nil }
            return .voicemailAccess(VoicemailAccessStep(mailbox: reader.string("mailbox", log: &log),
                                                        callBack: reader.bool("call-back", log: &log) ?? false))
        case "directory": return readDirectory(body, log: &log).map { .directory($0) }
        case "web-directory":
            guard let reader = MappingReader(body, context: "'web-directory'", known: ["on-declined"], log: &log) else { return nil }
            return .webDirectory(WebDirectoryStep(onDeclined: reader.string("on-declined", log: &log)))
        case "hangup":
            if !body.isNull && !(body.mapping?.isEmpty ?? false) {
                log.error(.badValue, at: body.location, "'hangup' takes no value", hint: "write 'hangup: {}' or 'hangup:'")
            }
            return .hangup
        default:
            return nil
        }
    }

    private static func readSay(_ body: YAMLNode, log: inout DiagnosticLog) -> SayStep? {
        let forms = SayStep.Form.allCases.map(\.rawValue)
        guard let reader = MappingReader(body, context: "'say'", known: forms, log: &log) else { return nil }
        let given = SayStep.Form.allCases.filter { reader.has($0.rawValue) }
        guard given.count == 1, let form = given.first, let value = reader.string(form.rawValue, log: &log) else {
            log.error(.badValue, at: body.location, "'say' needs exactly one of: \(forms.joined(separator: ", "))")
            return nil
        }
        return SayStep(form: form, value: value)
    }

    private static func readMenu(_ body: YAMLNode, log: inout DiagnosticLog) -> MenuStep? {
        let known = ["prompt", "retry-prompt", "timeout", "inter-digit-timeout", "barge-in", "options",
                     "no-input", "invalid", "attempts", "dial-extensions", "on-failure"]
        guard let reader = MappingReader(body, context: "'menu'", known: known, log: &log) else { return nil }
        guard let prompt = reader.stringList("prompt", log: &log) else {
            log.error(.missingKey, at: body.location, "'menu' needs 'prompt'")
            return nil
        }
        var menu = MenuStep(prompt: prompt)
        menu.retryPrompt = reader.stringList("retry-prompt", log: &log)
        menu.timeout = reader.duration("timeout", log: &log) ?? menu.timeout
        menu.interDigitTimeout = reader.duration("inter-digit-timeout", log: &log) ?? menu.interDigitTimeout
        menu.bargeIn = reader.bool("barge-in", log: &log) ?? true
        menu.dialExtensions = reader.bool("dial-extensions", log: &log) ?? false
        menu.onFailure = reader.string("on-failure", log: &log)
        if let attempts = reader.integer("attempts", range: 1...10, log: &log) {
            menu.noInput.count = attempts
            menu.invalid.count = attempts
        }
        for entry in reader.namedEntries("options", log: &log) ?? [] {
            let key = entry.name
            if key.value.isEmpty || !key.value.allSatisfy(\.isKeypadKey) {
                log.error(.badValue, at: key.location, "menu key '\(key.value)' is not made of keypad keys 0-9, * and #")
            }
            guard let target = entry.value.scalar else {
                log.error(.badValue, at: entry.value.location, "menu option '\(key.value)' names one step")
                continue
            }
            menu.options.append((key, Located(target, at: entry.value.location)))
        }
        if menu.options.isEmpty && !menu.dialExtensions {
            log.error(.missingKey, at: body.location, "'menu' has no options", hint: "add 'options:' with keys and steps")
        }
        if let limit = readLimit(reader.node("no-input"), what: "no-input", default: menu.noInput, log: &log) { menu.noInput = limit }
        if let limit = readLimit(reader.node("invalid"), what: "invalid", default: menu.invalid, log: &log) { menu.invalid = limit }
        return menu
    }

    private static func readLimit(_ node: YAMLNode?, what: String, default base: MenuStep.Limit,
                                  log: inout DiagnosticLog) -> MenuStep.Limit? {
        guard let node else { return nil }
        if node.scalar != nil || node.sequence != nil {
            // Shorthand: `invalid: invalid-option` names the prompt and keeps the default limit.
            var limit = base
            limit.prompt = MappingReader.stringList(node, what: "'\(what)'", log: &log) ?? base.prompt
            return limit
        }
        guard let reader = MappingReader(node, context: "'\(what)'", known: ["limit", "prompt", "target"], log: &log) else { return nil }
        var limit = base
        limit.count = reader.integer("limit", range: 1...10, log: &log) ?? base.count
        limit.prompt = reader.stringList("prompt", log: &log) ?? base.prompt
        limit.target = reader.string("target", log: &log)
        return limit
    }

    private static func readCollect(_ body: YAMLNode, log: inout DiagnosticLog) -> CollectStep? {
        let known = ["prompt", "into", "min-digits", "max-digits", "terminator", "first-digit-timeout",
                     "inter-digit-timeout", "pattern", "attempts", "invalid-prompt", "barge-in"]
        guard let reader = MappingReader(body, context: "'collect'", known: known, log: &log),
              let into = reader.string("into", required: true, log: &log) else { return nil }
        var collect = CollectStep(into: into)
        collect.prompt = reader.stringList("prompt", log: &log) ?? []
        collect.minDigits = reader.integer("min-digits", range: 1...64, log: &log) ?? collect.minDigits
        collect.maxDigits = reader.integer("max-digits", range: 1...64, log: &log) ?? collect.maxDigits
        if collect.minDigits > collect.maxDigits, let location = reader.keyLocation("min-digits") {
            log.error(.badValue, at: location, "min-digits \(collect.minDigits) is more than max-digits \(collect.maxDigits)")
        }
        if let terminator = reader.string("terminator", log: &log) {
            if terminator.value == "none" {
                collect.terminator = nil
            } else if terminator.value == "#" || terminator.value == "*" {
                collect.terminator = terminator.value.first
            } else {
                log.error(.badValue, at: terminator.location, "terminator must be '#', '*' or 'none'")
            }
        }
        collect.firstDigitTimeout = reader.duration("first-digit-timeout", log: &log) ?? collect.firstDigitTimeout
        collect.interDigitTimeout = reader.duration("inter-digit-timeout", log: &log) ?? collect.interDigitTimeout
        collect.pattern = reader.string("pattern", log: &log)
        if let pattern = collect.pattern, (try? Regex(pattern.value)) == nil {
            log.error(.badValue, at: pattern.location, "pattern '\(pattern.value)' is not a valid regular expression")
        }
        collect.attempts = reader.integer("attempts", range: 1...10, log: &log) ?? collect.attempts
        collect.invalidPrompt = reader.stringList("invalid-prompt", log: &log) ?? []
        collect.bargeIn = reader.bool("barge-in", log: &log) ?? true
        return collect
    }

    private static func readBranch(_ body: YAMLNode, log: inout DiagnosticLog) -> [BranchCase]? {
        guard let items = body.sequence else {
            log.error(.badValue, at: body.location, "'branch' is a list of cases", hint: "- if: { open: business-hours }\n    goto: menu")
            return nil
        }
        var cases: [BranchCase] = []
        for item in items {
            guard let reader = MappingReader(item, context: "a branch case", known: ["if", "goto"], log: &log),
                  let target = reader.string("goto", required: true, log: &log) else { continue }
            var conditions: [BranchCondition] = []
            if let condition = reader.node("if") {
                conditions = readConditions(condition, log: &log)
            }
            cases.append(BranchCase(conditions: conditions, target: target, location: item.location))
        }
        return cases
    }

    private static func readConditions(_ node: YAMLNode, log: inout DiagnosticLog) -> [BranchCondition] {
        let known = ["open", "closed", "caller", "called", "digits", "var", "equals", "matches"]
        guard let reader = MappingReader(node, context: "'if'", known: known, log: &log) else { return [] }
        var conditions: [BranchCondition] = []
        if let schedule = reader.string("open", log: &log) { conditions.append(.open(schedule: schedule)) }
        if let schedule = reader.string("closed", log: &log) { conditions.append(.closed(schedule: schedule)) }
        for (key, make) in [("caller", BranchCondition.caller), ("called", BranchCondition.called), ("digits", BranchCondition.digits)] {
            if let pattern = reader.string(key, log: &log) {
                if let problem = DialPattern(pattern.value).problem {
                    log.error(.badValue, at: pattern.location, problem)
                }
                conditions.append(make(pattern))
            }
        }
        if let variable = reader.string("var", log: &log) {
            if let value = reader.string("equals", log: &log) {
                conditions.append(.variableEquals(name: variable.value, value: value.value))
            } else if let pattern = reader.string("matches", log: &log) {
                if (try? Regex(pattern.value)) == nil {
                    log.error(.badValue, at: pattern.location, "'\(pattern.value)' is not a valid regular expression")
                }
                conditions.append(.variableMatches(name: variable.value, pattern: pattern))
            } else {
                conditions.append(.variableSet(name: variable.value))
            }
        } else if let stray = reader.keyLocation("equals") ?? reader.keyLocation("matches") {
            log.error(.missingKey, at: stray, "'equals' and 'matches' need 'var'")
        }
        return conditions
    }

    private static func readAssignments(_ body: YAMLNode, what: String, log: inout DiagnosticLog) -> [(name: String, value: String)]? {
        guard let mapping = body.mapping else {
            log.error(.badValue, at: body.location, "\(what) takes a mapping of names to values")
            return nil
        }
        return mapping.compactMap { pair in
            guard let name = pair.key.scalar, let value = pair.value.scalar ?? (pair.value.isNull ? "" : nil) else {
                log.error(.badValue, at: pair.key.location, "\(what) entries are 'name: value'")
                return nil
            }
            return (name, value)
        }
    }

    private static func readCall(_ body: YAMLNode, log: inout DiagnosticLog) -> CallStep? {
        if let flow = body.scalar { return CallStep(flow: Located(flow, at: body.location), arguments: []) }
        guard let reader = MappingReader(body, context: "'call'", known: ["flow", "with"], log: &log),
              let flow = reader.string("flow", required: true, log: &log) else { return nil }
        let arguments = reader.node("with").flatMap { readAssignments($0, what: "'with'", log: &log) } ?? []
        return CallStep(flow: flow, arguments: arguments)
    }

    private static func readTransfer(_ body: YAMLNode, log: inout DiagnosticLog) -> TransferStep? {
        let known = ["to", "mode", "ring-timeout", "strategy", "whisper", "announce", "on-no-answer", "on-busy"]
        guard let reader = MappingReader(body, context: "'transfer'", known: known, log: &log),
              let destination = reader.string("to", required: true, log: &log) else { return nil }
        var transfer = TransferStep(destination: destination)
        transfer.mode = reader.choice("mode", log: &log) ?? transfer.mode
        transfer.strategy = reader.choice("strategy", log: &log)
        transfer.ringTimeout = reader.duration("ring-timeout", log: &log) ?? transfer.ringTimeout
        transfer.whisper = reader.stringList("whisper", log: &log)
        transfer.announce = reader.stringList("announce", log: &log)
        transfer.onNoAnswer = reader.string("on-no-answer", log: &log)
        transfer.onBusy = reader.string("on-busy", log: &log)
        return transfer
    }

    private static func readDirectory(_ body: YAMLNode, log: inout DiagnosticLog) -> DirectoryStep? {
        let known = ["prompt", "match", "min-letters", "timeout", "attempts", "on-no-match"]
        guard let reader = MappingReader(body, context: "'directory'", known: known, log: &log) else { return nil }
        var directory = DirectoryStep()
        directory.prompt = reader.stringList("prompt", log: &log) ?? directory.prompt
        directory.match = reader.choice("match", log: &log) ?? directory.match
        directory.minLetters = reader.integer("min-letters", range: 1...10, log: &log) ?? directory.minLetters
        directory.timeout = reader.duration("timeout", log: &log) ?? directory.timeout
        directory.attempts = reader.integer("attempts", range: 1...10, log: &log) ?? directory.attempts
        directory.onNoMatch = reader.string("on-no-match", log: &log)
        return directory
    }
}

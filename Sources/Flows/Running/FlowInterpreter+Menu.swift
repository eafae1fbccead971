/// `menu` (timing rules: docs/flows.md#menu-timing) and `collect`.
extension FlowInterpreter {
    /// What a menu accepts: its option keys and, with `dial-extensions`, every extension.
    struct MenuChoices {
        var options: [String: String]
        var extensions: [String: TransferDestination]

        var entries: [String] { Array(options.keys) + Array(extensions.keys) }
        /// Input stops at once on an entry that no longer entry starts with.
        var completeSequences: Set<String> {
            Set(entries.filter { entry in !entries.contains { $0 != entry && $0.hasPrefix(entry) } })
        }
        var longest: Int { entries.map(\.count).max() ?? 1 }
    }

    func menuChoices(_ menu: MenuStep) -> MenuChoices {
        var extensions: [String: TransferDestination] = [:]
        if menu.dialExtensions {
            for person in system.directory.people {
                if let number = person.extensionNumber?.value { extensions[number] = .person(person.id) }
            }
            for department in system.directory.departments {
                if let number = department.extensionNumber?.value { extensions[number] = .department(department.id) }
            }
        }
        let options = Dictionary(menu.options.map { ($0.key.value, $0.target.value) }, uniquingKeysWith: { first, _ in first })
        return MenuChoices(options: options, extensions: extensions)
    }

    func runMenu(_ menu: MenuStep, step: Step, flow: Flow) async throws -> StepResult {
        let choices = menuChoices(menu)
        let usesHash = choices.entries.contains { $0.contains("#") }
        let request = DigitRequest(maxDigits: choices.longest, terminator: usesHash ? nil : "#",
                                   firstDigitTimeout: menu.timeout, interDigitTimeout: menu.interDigitTimeout,
                                   completeSequences: choices.completeSequences)
        var noInputs = 0
        var invalids = 0
        var attempt = 0
        while true {
            let prompt = attempt == 0 ? menu.prompt : (menu.retryPrompt ?? menu.prompt)
            attempt += 1
            try await playPrompts(prompt.map(\.value), language: flow.language, bargeIn: menu.bargeIn)
            let input = try await session.collectDigits(request)
            await record(.digits(input.digits, ending: input.ending))
            stepsWithoutInput = 0
            if input.digits.isEmpty {
                noInputs += 1
                await record(.noInput(count: noInputs, limit: menu.noInput.count))
                if noInputs >= menu.noInput.count {
                    return try exhausted(menu.noInput, menu: menu, step: step, what: "no input")
                }
                try await playPrompts(menu.noInput.prompt.map(\.value), language: flow.language, bargeIn: menu.bargeIn)
                continue
            }
            lastDigits = input.digits
            if let target = choices.options[input.digits] {
                await record(.menuChoice(key: input.digits, target: target))
                return .goTo(target)
            }
            if let destination = choices.extensions[input.digits] {
                await record(.menuChoice(key: input.digits, target: "extension \(input.digits)"))
                return try await transferToDirectoryEntry(destination, flow: flow, fallback: step.onFailure)
            }
            invalids += 1
            await record(.invalidInput(digits: input.digits, count: invalids, limit: menu.invalid.count))
            if invalids >= menu.invalid.count {
                return try exhausted(menu.invalid, menu: menu, step: step, what: "invalid input")
            }
            try await playPrompts(menu.invalid.prompt.map(\.value), language: flow.language, bargeIn: menu.bargeIn)
        }
    }

    private func exhausted(_ limit: MenuStep.Limit, menu: MenuStep, step: Step, what: String) throws -> StepResult {
        if let target = limit.target ?? menu.onFailure { return .goTo(target.value) }
        throw StepFailure(reason: "\(what) \(limit.count) times")
    }

    func runCollect(_ collect: CollectStep, flow: Flow) async throws -> StepResult {
        let request = DigitRequest(maxDigits: collect.maxDigits, terminator: collect.terminator,
                                   firstDigitTimeout: collect.firstDigitTimeout,
                                   interDigitTimeout: collect.interDigitTimeout)
        let pattern = try collect.pattern.map { pattern in
            do { return try Regex(pattern.value) } catch { throw StepFailure(reason: "bad pattern '\(pattern.value)'") }
        }
        for attempt in 1...collect.attempts {
            try await playPrompts(collect.prompt.map(\.value), language: flow.language, bargeIn: collect.bargeIn)
            let input = try await session.collectDigits(request)
            await record(.digits(input.digits, ending: input.ending))
            stepsWithoutInput = 0
            let longEnough = input.digits.count >= collect.minDigits
            let matches = pattern.map { (try? $0.wholeMatch(in: input.digits)) != nil } ?? true
            if longEnough && matches {
                lastDigits = input.digits
                await assign(collect.into.value, input.digits)
                return .continueNext
            }
            await record(.invalidInput(digits: input.digits, count: attempt, limit: collect.attempts))
            if attempt < collect.attempts {
                let notice = collect.invalidPrompt.isEmpty ? [BuiltInPrompts.invalidEntry] : collect.invalidPrompt.map(\.value)
                try await playPrompts(notice, language: flow.language, bargeIn: collect.bargeIn)
            }
        }
        throw StepFailure(reason: "no valid input for '\(collect.into.value)' in \(collect.attempts) attempts")
    }
}

/// Prompts a flow names, and the built-in ones the interpreter plays, must exist (and, with a
/// media-backed catalog, decode).
extension FlowChecker {
    func checkPrompts(of flow: Flow, _ log: inout DiagnosticLog) {
        guard let prompts else { return }
        for step in flow.steps {
            for reference in step.promptReferences {
                // Defaults the language supplies are reported at the step that uses them.
                let prompt = reference.location == .builtIn ? Located(reference.value, at: step.location) : reference
                switch prompts.problem(with: prompt.value, language: flow.language) {
                case nil: break
                case .missing(let searched)?:
                    log.error(.missingPrompt, at: prompt.location, "prompt '\(prompt.value)' not found",
                              hint: searched.first.map { "add \($0) (or .flac/.ogg/.mp3); `make prompts` builds the default set" })
                case .undecodable(let path, let reason)?:
                    log.error(.undecodablePrompt, at: prompt.location, "prompt '\(prompt.value)' (\(path)) cannot be decoded: \(reason)")
                }
            }
        }
    }

    /// Missing built-in prompts are warnings: calls still work, with silence where a fragment is.
    func checkBuiltInPrompts(_ log: inout DiagnosticLog) {
        guard let prompts else { return }
        for language in Set(system.flows.map(\.language)).sorted() {
            let missing = BuiltInPrompts.all.filter { prompts.problem(with: $0, language: language) != nil }
            guard let first = missing.first, let flow = system.flows.first(where: { $0.language == language }) else { continue }
            log.add(Diagnostic(.missingPrompt, at: flow.location,
                               "\(missing.count) built-in prompt(s) for language '\(language)' are missing, e.g. '\(first)'",
                               hint: "run `make prompts` for the default English set", severity: .warning))
        }
    }
}

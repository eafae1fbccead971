/// Reads a flow document (`flow:`, `numbers:`, `start:`, `steps:` …) into a `Flow`.
struct FlowReader {
    static let topLevelKeys = ["flow", "numbers", "start", "params", "language", "on-error", "description",
                               "steps", "max-steps-without-input", "ring-before-answer", "early-media"]

    static func read(_ root: YAMLNode, file: String, log: inout DiagnosticLog) -> Flow? {
        guard let reader = MappingReader(root, context: "a flow document", known: topLevelKeys, log: &log) else { return nil }
        let fallbackName = String(file.split(separator: "/").last?.split(separator: ".").first ?? "flow")
        let name = reader.string("flow", log: &log)?.value ?? fallbackName
        let numbers = reader.stringList("numbers", log: &log) ?? []
        var steps: [Step] = []
        if let entries = reader.namedEntries("steps", log: &log) {
            for entry in entries {
                if let step = StepReader.read(name: entry.name, node: entry.value, log: &log) { steps.append(step) }
            }
        } else if !reader.has("steps") {
            log.error(.missingKey, at: root.location, "flow '\(name)' has no 'steps'")
        }
        let start = reader.string("start", log: &log)
            ?? steps.first.map { Located($0.name, at: $0.location) }
        guard let start else {
            log.error(.missingKey, at: root.location, "flow '\(name)' has no steps to start with")
            return nil
        }
        let parameters = (reader.stringList("params", log: &log) ?? []).map(\.value)
        var flow = Flow(name: name, file: file, location: root.location, numbers: numbers, start: start,
                        parameters: parameters, language: reader.string("language", log: &log)?.value ?? "en",
                        onError: reader.string("on-error", log: &log), steps: steps,
                        maxStepsWithoutInput: reader.integer("max-steps-without-input", range: 1...10_000, log: &log) ?? 100)
        if let ring = reader.duration("ring-before-answer", log: &log) {
            if ring > .seconds(60) {
                log.error(.badValue, at: root.location, "ring-before-answer: at most 60s", hint: "callers give up after a few rings")
            } else {
                flow.ringBeforeAnswer = ring
            }
        }
        if let early = reader.bool("early-media", log: &log) { flow.earlyMedia = early }
        return flow
    }
}

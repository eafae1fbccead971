import Foundation

/// Reads scenario files: a top-level `tests:` list, each entry one `FlowScenario`.
/// Problems are diagnostics with line and column, like flow files.
public struct FlowScenarioReader: Sendable {
    public var yaml = YAMLLoader()
    static let keys = ["name", "call", "at", "tz", "press", "keys-at", "transfers", "voicemail", "web-directory",
                       "hangup-at", "unavailable-prompts", "speak", "mailboxes", "expect"]

    public init() {}

    /// Every `*.yaml` in `directory`, in name order.
    public func load(directory: String) -> (scenarios: [FlowScenario], diagnostics: [Diagnostic]) {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        var scenarios: [FlowScenario] = []
        var log = DiagnosticLog()
        for file in files {
            switch yaml.load(path: (directory as NSString).appendingPathComponent(file)) {
            case .failure(let diagnostic): log.add(diagnostic)
            case .success(let root): scenarios += read(root, log: &log)
            }
        }
        return (scenarios, log.diagnostics)
    }

    func read(_ root: YAMLNode, log: inout DiagnosticLog) -> [FlowScenario] {
        guard let reader = MappingReader(root, context: "a test file", known: ["tests"], log: &log) else { return [] }
        guard let items = reader.node("tests")?.sequence else {
            log.error(.missingKey, at: root.location, "a test file holds a 'tests:' list")
            return []
        }
        return items.compactMap { readScenario($0, log: &log) }
    }

    private func readScenario(_ node: YAMLNode, log: inout DiagnosticLog) -> FlowScenario? {
        guard let reader = MappingReader(node, context: "a test", known: Self.keys, log: &log) else { return nil }
        let name = reader.string("name", required: true, log: &log)?.value ?? "unnamed"
        guard let callNode = reader.node("call"),
              let callReader = MappingReader(callNode, context: "'call'", known: ["to", "from", "variables"], log: &log),
              let to = callReader.string("to", required: true, log: &log) else {
            log.error(.missingKey, at: node.location, "test '\(name)' needs 'call: { to: NUMBER }'")
            return nil
        }
        var variables: [String: String] = [:]
        for entry in callReader.namedEntries("variables", log: &log) ?? [] { variables[entry.name.value] = entry.value.scalar ?? "" }
        let call = CallInfo(caller: callReader.string("from", log: &log)?.value ?? "5550100", called: to.value, variables: variables)

        var timeZone = TimeZone(identifier: "UTC") ?? .current
        if let zone = reader.string("tz", log: &log) {
            if let parsed = TimeZone(identifier: zone.value) { timeZone = parsed } else {
                log.error(.scheduleError, at: zone.location, "unknown time zone '\(zone.value)'")
            }
        }
        var start = LocalTime.parse("2026-11-30T10:00", timeZone: timeZone) ?? Date()
        if let at = reader.string("at", log: &log) {
            if let parsed = LocalTime.parse(at.value, timeZone: timeZone) { start = parsed } else {
                log.error(.badValue, at: at.location, "'\(at.value)' is not a local time", hint: "write e.g. 2026-11-30T10:00")
            }
        }
        var script = SimulationScript()
        script.responses = readResponses(reader.node("press"), log: &log)
        for item in reader.node("keys-at")?.sequence ?? [] {
            guard let keyReader = MappingReader(item, context: "'keys-at' entry", known: ["at", "keys", "gap"], log: &log),
                  let keys = keyReader.string("keys", required: true, log: &log),
                  let at = keyReader.duration("at", log: &log) else { continue }
            script.timedKeys.append(.init(at: at, keys: keys.value, gap: keyReader.duration("gap", log: &log) ?? .milliseconds(300)))
        }
        for entry in reader.namedEntries("transfers", log: &log) ?? [] {
            guard let result = parseEnum(entry.value, TransferResult.self, log: &log) else { continue }
            if entry.name.value == "default" { script.defaultTransferResult = result } else { script.transferResults[entry.name.value] = result }
        }
        if let node = reader.node("voicemail"), let result = parseEnum(node, VoicemailResult.self, log: &log) { script.voicemailResult = result }
        if let node = reader.node("web-directory"), let result = parseEnum(node, WebDirectoryResult.self, log: &log) { script.webDirectoryResult = result }
        script.hangUpAt = reader.duration("hangup-at", log: &log)
        script.speech = readSpeech(reader.node("speak"), log: &log)
        for entry in reader.namedEntries("mailboxes", log: &log) ?? [] {
            if let mailbox = readMailbox(entry.name.value, entry.value, timeZone: timeZone, start: start, log: &log) {
                script.mailboxes.append(mailbox)
            }
        }
        script.unavailablePrompts = Set((reader.stringList("unavailable-prompts", log: &log) ?? []).map(\.value))
        let expectation = reader.node("expect").map { readExpectation($0, log: &log) } ?? FlowScenario.Expectation()
        return FlowScenario(name: name, location: node.location, call: call, start: start, script: script, expectation: expectation)
    }

    /// `press: ["1", silence, {keys: "12#", after: 2s, gap: 500ms}]`
    private func readResponses(_ node: YAMLNode?, log: inout DiagnosticLog) -> [SimulationScript.KeyResponse] {
        guard let node else { return [] }
        let items = node.sequence ?? [node]
        return items.compactMap { item in
            if let keys = item.scalar {
                return keys == "silence" ? .silence : .press(keys)
            }
            guard let reader = MappingReader(item, context: "a 'press' entry", known: ["keys", "after", "gap"], log: &log),
                  let keys = reader.string("keys", required: true, log: &log) else { return nil }
            return .press(keys.value, after: reader.duration("after", log: &log) ?? .milliseconds(500),
                          gap: reader.duration("gap", log: &log) ?? .milliseconds(300))
        }
    }

    /// `speak: [8s, {for: 20s, then: "#"}, {for: 3s, then: hangup}, silence]`
    private func readSpeech(_ node: YAMLNode?, log: inout DiagnosticLog) -> [SimulatedSpeech] {
        guard let node else { return [] }
        return (node.sequence ?? [node]).compactMap { item in
            if let text = item.scalar {
                if text == "silence" { return SimulatedSpeech(length: .zero) }
                guard let length = FlowDuration.parse(text) else {
                    log.error(.badValue, at: item.location, "'\(text)' is not a duration", hint: "write e.g. 8s, or silence")
                    return nil
                }
                return SimulatedSpeech(length: length)
            }
            guard let reader = MappingReader(item, context: "a 'speak' entry", known: ["for", "then"], log: &log) else { return nil }
            var speech = SimulatedSpeech(length: reader.duration("for", log: &log) ?? .zero)
            if let then = reader.string("then", log: &log) {
                if then.value == "hangup" {
                    speech.then = .hangUp
                } else if then.value.count == 1, let key = then.value.first, key.isKeypadKey {
                    speech.then = .key(key)
                } else {
                    log.error(.badValue, at: then.location, "'then' is one key (0-9, *, #) or hangup, found '\(then.value)'")
                }
            }
            return speech
        }
    }

    /// `"201": {pin: "1234", owner: Alice, max-messages: 5, messages: [{from: "5550123", length: 12s}]}`
    private func readMailbox(_ number: String, _ node: YAMLNode, timeZone: TimeZone, start: Date,
                             log: inout DiagnosticLog) -> SimulatedMailbox? {
        let known = ["pin", "owner", "max-messages", "max-seconds", "min-seconds", "messages"]
        guard let reader = MappingReader(node, context: "mailbox '\(number)'", known: known, log: &log) else { return nil }
        var mailbox = SimulatedMailbox(number: number, owner: reader.string("owner", log: &log)?.value,
                                       pin: reader.string("pin", log: &log)?.value)
        mailbox.maxMessages = reader.integer("max-messages", range: 1...10_000, log: &log)
        mailbox.maxSeconds = reader.integer("max-seconds", range: 1...3_600, log: &log)
        mailbox.minSeconds = reader.integer("min-seconds", range: 0...60, log: &log)
        for item in reader.node("messages")?.sequence ?? [] {
            let keys = ["from", "length", "received", "folder", "heard"]
            guard let message = MappingReader(item, context: "a message", known: keys, log: &log) else { continue }
            var received: Date?
            if let text = message.string("received", log: &log) {
                received = LocalTime.parse(text.value, timeZone: timeZone)
                if received == nil {
                    log.error(.badValue, at: text.location, "'\(text.value)' is not a local time", hint: "write e.g. 2026-11-29T15:05")
                }
            }
            var saved = false
            if let folder = message.string("folder", log: &log) {
                switch folder.value {
                case "new": saved = false
                case "saved": saved = true
                default: log.error(.badValue, at: folder.location, "'folder' is new or saved, found '\(folder.value)'")
                }
            }
            mailbox.messages.append(SimulatedMessage(from: message.string("from", log: &log)?.value,
                                                     length: message.duration("length", log: &log) ?? .seconds(10),
                                                     received: received ?? start.addingTimeInterval(-3600), saved: saved,
                                                     heard: message.bool("heard", log: &log) ?? saved))
        }
        return mailbox
    }

    private func readExpectation(_ node: YAMLNode, log: inout DiagnosticLog) -> FlowScenario.Expectation {
        let known = ["outcome", "to", "mailbox", "steps", "prompts", "transfers", "max-duration", "mailboxes"]
        var expectation = FlowScenario.Expectation()
        guard let reader = MappingReader(node, context: "'expect'", known: known, log: &log) else { return expectation }
        expectation.outcome = reader.string("outcome", log: &log)?.value
        expectation.transferredTo = reader.string("to", log: &log)?.value
        expectation.mailbox = reader.string("mailbox", log: &log)?.value
        expectation.steps = (reader.stringList("steps", log: &log) ?? []).map(\.value)
        expectation.prompts = (reader.stringList("prompts", log: &log) ?? []).map(\.value)
        expectation.transfers = (reader.stringList("transfers", log: &log) ?? []).map(\.value)
        expectation.maxDuration = reader.duration("max-duration", log: &log)
        for entry in reader.namedEntries("mailboxes", log: &log) ?? [] {
            let known = ["new", "saved", "unheard", "greeting", "pin"]
            guard let box = MappingReader(entry.value, context: "expected mailbox '\(entry.name.value)'", known: known, log: &log) else { continue }
            expectation.mailboxes[entry.name.value] = FlowScenario.MailboxExpectation(
                new: box.integer("new", range: 0...10_000, log: &log), saved: box.integer("saved", range: 0...10_000, log: &log),
                unheard: box.integer("unheard", range: 0...10_000, log: &log), greeting: box.bool("greeting", log: &log),
                pin: box.string("pin", log: &log)?.value)
        }
        return expectation
    }

    private func parseEnum<Choice: RawRepresentable & CaseIterable>(_ node: YAMLNode, _ type: Choice.Type,
                                                                  log: inout DiagnosticLog) -> Choice? where Choice.RawValue == String {
        guard let text = node.scalar else {
            log.error(.badValue, at: node.location, "expected one of: \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return MappingReader.choice(Located(text, at: node.location), log: &log)
    }
}

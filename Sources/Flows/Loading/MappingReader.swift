/// Reads one YAML mapping against a list of known keys: records which keys were used, reports
/// unknown ones (with a did-you-mean hint), missing required ones and values of the wrong type,
/// all into a shared `DiagnosticLog`. Each accessor returns nil after reporting a problem.
struct MappingReader {
    let node: YAMLNode
    let context: String
    private(set) var pairs: [(key: YAMLNode, value: YAMLNode)]

    /// Nil (after logging) when `node` is not a mapping. Unknown keys are reported at once.
    init?(_ node: YAMLNode, context: String, known: [String], log: inout DiagnosticLog) {
        self.node = node
        self.context = context
        if node.isNull {
            pairs = []
        } else if let mapping = node.mapping {
            pairs = mapping
        } else {
            log.error(.badValue, at: node.location, "\(context) must be a mapping, found \(node.kindDescription)")
            return nil
        }
        for pair in pairs {
            guard let key = pair.key.scalar else {
                log.error(.badValue, at: pair.key.location, "keys in \(context) must be plain words")
                continue
            }
            if !known.contains(key) {
                log.error(.unknownKey, at: pair.key.location, "unknown key '\(key)' in \(context)",
                          hint: DidYouMean.hint(for: key, among: known))
            }
        }
    }

    func has(_ key: String) -> Bool { pairs.contains { $0.key.scalar == key } }

    /// The raw node for `key`.
    func node(_ key: String) -> YAMLNode? { pairs.first { $0.key.scalar == key }?.value }

    /// The location of the key itself (for "missing" or "duplicate" style messages).
    func keyLocation(_ key: String) -> SourceLocation? { pairs.first { $0.key.scalar == key }?.key.location }

    func string(_ key: String, required: Bool = false, log: inout DiagnosticLog) -> Located<String>? {
        guard let value = node(key) else {
            if required {
                log.error(.missingKey, at: node.location, "\(context) needs '\(key)'")
            }
            return nil
        }
        guard let text = value.scalar else {
            log.error(.badValue, at: value.location, "'\(key)' must be a single value, found \(value.kindDescription)")
            return nil
        }
        return Located(text, at: value.location)
    }

    func duration(_ key: String, log: inout DiagnosticLog) -> Duration? {
        guard let text = string(key, log: &log) else { return nil }
        guard let duration = FlowDuration.parse(text.value) else {
            log.error(.badValue, at: text.location, "'\(text.value)' is not a duration",
                      hint: "write e.g. 5s, 500ms or 2m")
            return nil
        }
        return duration
    }

    func integer(_ key: String, range: ClosedRange<Int>, log: inout DiagnosticLog) -> Int? {
        guard let text = string(key, log: &log) else { return nil }
        guard let number = Int(text.value), range.contains(number) else {
            log.error(.badValue, at: text.location,
                      "'\(key)' must be a whole number from \(range.lowerBound) to \(range.upperBound), found '\(text.value)'")
            return nil
        }
        return number
    }

    func bool(_ key: String, log: inout DiagnosticLog) -> Bool? {
        guard let text = string(key, log: &log) else { return nil }
        switch text.value.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            log.error(.badValue, at: text.location, "'\(key)' must be true or false, found '\(text.value)'")
            return nil
        }
    }

    /// One of an enumeration's spellings (`mode: blind`); a wrong one lists the valid ones.
    func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, log: inout DiagnosticLog) -> Choice?
    where Choice.RawValue == String {
        guard let text = string(key, log: &log) else { return nil }
        return Self.choice(text, log: &log)
    }

    static func choice<Choice: RawRepresentable & CaseIterable>(_ text: Located<String>, log: inout DiagnosticLog) -> Choice?
    where Choice.RawValue == String {
        if let value = Choice(rawValue: text.value) { return value }
        let names = Choice.allCases.map(\.rawValue)
        log.error(.badValue, at: text.location, "'\(text.value)' is not one of: \(names.joined(separator: ", "))",
                  hint: DidYouMean.suggestion(for: text.value, among: names).map { "did you mean '\($0)'?" })
        return nil
    }

    /// A single string or a list of strings (`play: hello` and `play: [hello, world]`).
    func stringList(_ key: String, log: inout DiagnosticLog) -> [Located<String>]? {
        guard let value = node(key) else { return nil }
        return Self.stringList(value, what: "'\(key)'", log: &log)
    }

    static func stringList(_ value: YAMLNode, what: String, log: inout DiagnosticLog) -> [Located<String>]? {
        if let text = value.scalar { return [Located(text, at: value.location)] }
        guard let items = value.sequence else {
            log.error(.badValue, at: value.location, "\(what) must be a value or a list, found \(value.kindDescription)")
            return nil
        }
        var result: [Located<String>] = []
        for item in items {
            guard let text = item.scalar else {
                log.error(.badValue, at: item.location, "items of \(what) must be single values")
                continue
            }
            result.append(Located(text, at: item.location))
        }
        return result
    }

    /// A mapping whose keys are free-form names (menu options, `set` variables).
    func namedEntries(_ key: String, log: inout DiagnosticLog) -> [(name: Located<String>, value: YAMLNode)]? {
        guard let value = node(key) else { return nil }
        guard let mapping = value.mapping else {
            if value.isNull { return [] }
            log.error(.badValue, at: value.location, "'\(key)' must be a mapping, found \(value.kindDescription)")
            return nil
        }
        return mapping.compactMap { pair in
            guard let name = pair.key.scalar else {
                log.error(.badValue, at: pair.key.location, "keys of '\(key)' must be single values")
                return nil
            }
            return (Located(name, at: pair.key.location), pair.value)
        }
    }
}

import Foundation

/// Reads `flows/directory.yaml`: departments, people, schedules and allowed outbound destinations.
struct DirectoryReader {
    static let topLevelKeys = ["departments", "people", "schedules", "outbound"]

    static func read(_ root: YAMLNode, log: inout DiagnosticLog) -> Directory {
        var directory = Directory()
        guard let reader = MappingReader(root, context: "the directory", known: topLevelKeys, log: &log) else { return directory }
        for entry in reader.namedEntries("departments", log: &log) ?? [] {
            if let department = readDepartment(entry.name, entry.value, log: &log) { directory.departments.append(department) }
        }
        for entry in reader.namedEntries("people", log: &log) ?? [] {
            if let person = readPerson(entry.name, entry.value, log: &log) { directory.people.append(person) }
        }
        for entry in reader.namedEntries("schedules", log: &log) ?? [] {
            if let schedule = readSchedule(entry.name, entry.value, log: &log) { directory.schedules.append(schedule) }
        }
        if let outbound = reader.node("outbound"),
           let outboundReader = MappingReader(outbound, context: "'outbound'", known: ["allowed"], log: &log) {
            directory.allowedOutbound = outboundReader.stringList("allowed", log: &log) ?? []
            for pattern in directory.allowedOutbound {
                if let problem = DialPattern(pattern.value).problem { log.error(.badValue, at: pattern.location, problem) }
            }
        }
        return directory
    }

    private static func readDepartment(_ id: Located<String>, _ node: YAMLNode, log: inout DiagnosticLog) -> Department? {
        let known = ["name", "extension", "members", "strategy", "member-timeout", "mailbox"]
        guard let reader = MappingReader(node, context: "department '\(id.value)'", known: known, log: &log) else { return nil }
        return Department(id: id.value, location: id.location,
                          displayName: reader.string("name", log: &log)?.value ?? id.value,
                          extensionNumber: reader.string("extension", log: &log),
                          members: reader.stringList("members", log: &log) ?? [],
                          strategy: reader.choice("strategy", log: &log) ?? .simultaneous,
                          memberTimeout: reader.duration("member-timeout", log: &log) ?? .seconds(15),
                          mailbox: reader.string("mailbox", log: &log))
    }

    private static func readPerson(_ id: Located<String>, _ node: YAMLNode, log: inout DiagnosticLog) -> Person? {
        let known = ["name", "extension", "mailbox", "sip", "phones", "forwarding"]
        guard let reader = MappingReader(node, context: "person '\(id.value)'", known: known, log: &log) else { return nil }
        var credentials: SIPCredentials?
        if let sip = reader.node("sip"),
           let sipReader = MappingReader(sip, context: "'sip'", known: ["username", "realm", "ha1", "ha1-sha256", "password"], log: &log) {
            if let password = sipReader.keyLocation("password") {
                log.error(.badValue, at: password, "a plain password may not be stored in the directory",
                          hint: "store ha1: the MD5 of 'username:realm:password' (e.g. printf 'alice:example.com:secret' | md5sum)")
            }
            let username = sipReader.string("username", log: &log)?.value ?? id.value
            let realm = sipReader.string("realm", required: true, log: &log)
            let ha1 = sipReader.string("ha1", required: true, log: &log)
            if let ha1, ha1.value.count != 32 || !ha1.value.allSatisfy(\.isHexDigit) {
                log.error(.badValue, at: ha1.location, "ha1 must be 32 hexadecimal digits (an MD5 digest)")
            }
            let sha256 = sipReader.string("ha1-sha256", log: &log)
            if let sha256, sha256.value.count != 64 || !sha256.value.allSatisfy(\.isHexDigit) {
                log.error(.badValue, at: sha256.location, "ha1-sha256 must be 64 hexadecimal digits (a SHA-256 digest)",
                          hint: "printf 'alice:example.com:secret' | sha256sum")
            }
            if let realm, let ha1 {
                credentials = SIPCredentials(username: username, realm: realm.value, ha1: ha1.value.lowercased(),
                                             ha1SHA256: sha256?.value.lowercased())
            }
        }
        var forwarding = Person.Forwarding()
        if let node = reader.node("forwarding"),
           let forwardReader = MappingReader(node, context: "'forwarding'", known: ["always", "busy", "no-answer"], log: &log) {
            forwarding.always = forwardReader.string("always", log: &log)
            forwarding.busy = forwardReader.string("busy", log: &log)
            forwarding.noAnswer = forwardReader.string("no-answer", log: &log)
        }
        return Person(id: id.value, location: id.location,
                      displayName: reader.string("name", log: &log)?.value ?? id.value,
                      extensionNumber: reader.string("extension", log: &log),
                      mailbox: reader.string("mailbox", log: &log), sip: credentials,
                      phones: reader.stringList("phones", log: &log) ?? [], forwarding: forwarding)
    }

    private static let weekdayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    private static func readSchedule(_ id: Located<String>, _ node: YAMLNode, log: inout DiagnosticLog) -> Schedule? {
        let known = ["time-zone", "weekly", "holidays", "overrides"]
        guard let reader = MappingReader(node, context: "schedule '\(id.value)'", known: known, log: &log) else { return nil }
        var timeZone = TimeZone(identifier: "UTC") ?? .current
        if let zone = reader.string("time-zone", required: true, log: &log) {
            if let parsed = TimeZone(identifier: zone.value) { timeZone = parsed } else {
                let suggestion = DidYouMean.suggestion(for: zone.value, among: TimeZone.knownTimeZoneIdentifiers)
                log.error(.scheduleError, at: zone.location, "unknown time zone '\(zone.value)'",
                          hint: suggestion.map { "did you mean '\($0)'?" } ?? "use an IANA name such as Europe/Berlin")
            }
        }
        var weekly: [Int: [TimeRange]] = [:]
        for entry in reader.namedEntries("weekly", log: &log) ?? [] {
            guard let days = weekdays(entry.name.value) else {
                log.error(.scheduleError, at: entry.name.location, "'\(entry.name.value)' is not a weekday or range of weekdays",
                          hint: "use mon, tue, wed, thu, fri, sat, sun or a range such as mon-fri")
                continue
            }
            let ranges = readRanges(entry.value, log: &log)
            for day in days { weekly[day, default: []] += ranges }
        }
        var holidays: [CalendarDay] = []
        for text in reader.stringList("holidays", log: &log) ?? [] {
            if let day = CalendarDay.parse(text.value) { holidays.append(day) } else {
                log.error(.scheduleError, at: text.location, "'\(text.value)' is not a date",
                          hint: "write YYYY-MM-DD for one day or MM-DD for every year")
            }
        }
        var overrides: [(day: CalendarDay, hours: [TimeRange])] = []
        for item in reader.node("overrides")?.sequence ?? [] {
            guard let overrideReader = MappingReader(item, context: "an override", known: ["date", "hours"], log: &log),
                  let date = overrideReader.string("date", required: true, log: &log) else { continue }
            guard let day = CalendarDay.parse(date.value) else {
                log.error(.scheduleError, at: date.location, "'\(date.value)' is not a date", hint: "write YYYY-MM-DD")
                continue
            }
            overrides.append((day, overrideReader.node("hours").map { readRanges($0, log: &log) } ?? []))
        }
        return Schedule(id: id.value, location: id.location, timeZone: timeZone, weekly: weekly,
                        holidays: holidays, overrides: overrides)
    }

    private static func weekdays(_ text: String) -> [Int]? {
        let bounds = text.lowercased().split(separator: "-").map(String.init)
        let numbers = bounds.compactMap { weekdayNames.firstIndex(of: $0).map { $0 + 1 } }
        guard numbers.count == bounds.count else { return nil }
        switch numbers.count {
        case 1: return numbers
        case 2 where numbers[0] <= numbers[1]: return Array(numbers[0]...numbers[1])
        default: return nil
        }
    }

    private static func readRanges(_ node: YAMLNode, log: inout DiagnosticLog) -> [TimeRange] {
        guard let texts = MappingReader.stringList(node, what: "hours", log: &log) else { return [] }
        var ranges: [TimeRange] = []
        for text in texts where text.value != "closed" {
            switch TimeRange.parse(text.value) {
            case .success(let range): ranges.append(range)
            case .failure(let error): log.error(.scheduleError, at: text.location, error.reason)
            }
        }
        return ranges
    }
}

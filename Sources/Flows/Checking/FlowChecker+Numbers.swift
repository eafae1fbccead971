/// Numbers a caller can dial: flow numbers and extensions must be unique, and menu keys must not
/// collide with extensions a caller may key directly in that menu.
extension FlowChecker {
    /// Every dialable number with its owner, in file order.
    var dialableNumbers: [(number: Located<String>, owner: String)] {
        var numbers: [(Located<String>, String)] = []
        for flow in system.flows { numbers += flow.numbers.map { ($0, "flow '\(flow.name)'") } }
        for department in system.directory.departments {
            if let number = department.extensionNumber { numbers.append((number, "department '\(department.id)'")) }
        }
        for person in system.directory.people {
            if let number = person.extensionNumber { numbers.append((number, "person '\(person.id)'")) }
        }
        return numbers
    }

    func checkNumbers(_ log: inout DiagnosticLog) {
        var seen: [String: (Located<String>, String)] = [:]
        for (number, owner) in dialableNumbers {
            if let (first, firstOwner) = seen[number.value] {
                log.error(.duplicateExtension, at: number.location,
                          "number \(number.value) of \(owner) is already used by \(firstOwner)",
                          hint: "first used at \(first.location)")
            } else {
                seen[number.value] = (number, owner)
            }
        }
    }

    func checkMenuCollisions(in flow: Flow, _ log: inout DiagnosticLog) {
        let extensions = system.directory.people.compactMap { person in person.extensionNumber.map { ($0.value, "person '\(person.id)'") } }
            + system.directory.departments.compactMap { department in department.extensionNumber.map { ($0.value, "department '\(department.id)'") } }
        for step in flow.steps {
            guard case .menu(let menu) = step.action, menu.dialExtensions else { continue }
            for option in menu.options {
                let key = option.key.value
                guard let (number, owner) = extensions.first(where: { $0.0.hasPrefix(key) || key.hasPrefix($0.0) }) else { continue }
                log.error(.menuKeyCollidesWithExtension, at: option.key.location,
                          "menu key '\(key)' collides with extension \(number) of \(owner), which this menu lets callers dial",
                          hint: "a caller pressing \(key) could be heading for \(number); give extensions a first digit no menu key uses, or set dial-extensions: false")
            }
        }
    }
}

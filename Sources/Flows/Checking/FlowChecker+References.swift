/// Dangling names: steps, sub-flows and their parameters, people, departments, mailboxes, schedules.
extension FlowChecker {
    func checkStepReferences(in flow: Flow, _ log: inout DiagnosticLog) {
        let stepNames = flow.steps.map(\.name)
        var seen = Set<String>()
        for step in flow.steps where !seen.insert(step.name).inserted {
            log.error(.duplicateName, at: step.location, "step '\(step.name)' is defined twice in flow '\(flow.name)'")
        }
        func checkTarget(_ target: Located<String>) {
            if !stepNames.contains(target.value) {
                log.error(.danglingStep, at: target.location, "no step named '\(target.value)' in flow '\(flow.name)'",
                          hint: suggestion(target.value, stepNames) ?? "define it under 'steps:'")
            }
        }
        checkTarget(flow.start)
        if let onError = flow.onError { checkTarget(onError) }
        for step in flow.steps {
            step.edges.forEach { checkTarget($0.target) }
            checkActionReferences(step, in: flow, &log)
        }
    }

    private func checkActionReferences(_ step: Step, in flow: Flow, _ log: inout DiagnosticLog) {
        let directory = system.directory
        switch step.action {
        case .call(let call):
            guard let callee = system.flow(named: call.flow.value) else {
                log.error(.danglingFlow, at: call.flow.location, "no flow named '\(call.flow.value)'",
                          hint: suggestion(call.flow.value, system.flows.map(\.name)) ?? "add flows/\(call.flow.value).yaml")
                return
            }
            for argument in call.arguments where !callee.parameters.contains(argument.name) {
                log.error(.badParameter, at: call.flow.location,
                          "flow '\(callee.name)' has no parameter '\(argument.name)'",
                          hint: callee.parameters.isEmpty ? "declare it with 'params:' in that flow" : "its parameters: \(callee.parameters.joined(separator: ", "))")
            }
        case .transfer(let transfer):
            checkDestination(transfer.destination, &log)
        case .voicemail(let voicemail):
            checkMailbox(voicemail.mailbox, &log)
        case .voicemailAccess(let access):
            if let mailbox = access.mailbox { checkMailbox(mailbox, &log) }
        case .branch(let cases):
            for condition in cases.flatMap(\.conditions) {
                switch condition {
                case .open(let schedule), .closed(let schedule):
                    if directory.schedule(schedule.value) == nil {
                        log.error(.danglingSchedule, at: schedule.location, "no schedule named '\(schedule.value)'",
                                  hint: suggestion(schedule.value, directory.schedules.map(\.id)) ?? "define it under 'schedules:' in directory.yaml")
                    }
                default: break
                }
            }
        default:
            break
        }
    }

    func checkDestination(_ destination: Located<String>, _ log: inout DiagnosticLog) {
        let directory = system.directory
        switch TransferDestination(destination.value) {
        case .person(let id):
            if directory.person(id) == nil {
                log.error(.danglingPerson, at: destination.location, "no person '\(id)' in the directory",
                          hint: suggestion(id, directory.people.map(\.id)) ?? "add them under 'people:' in directory.yaml")
            }
        case .department(let id):
            if directory.department(id) == nil {
                log.error(.danglingDepartment, at: destination.location, "no department '\(id)' in the directory",
                          hint: suggestion(id, directory.departments.map(\.id)) ?? "add it under 'departments:' in directory.yaml")
            }
        case .unknownKind(let kind):
            log.error(.badValue, at: destination.location, "'\(kind)/…' is not a kind of destination",
                      hint: "write person/NAME, department/NAME, a sip: URI or an outside number")
        case .external(let target):
            checkOutboundTarget(Located(target, at: destination.location), &log)
        }
    }

    func checkMailbox(_ mailbox: Located<String>, _ log: inout DiagnosticLog) {
        guard !TransferDestination.isDynamic(mailbox.value) else { return }
        let known = system.directory.mailboxes
        if !known.contains(mailbox.value) {
            log.error(.danglingMailbox, at: mailbox.location, "no mailbox '\(mailbox.value)'",
                      hint: suggestion(mailbox.value, known.sorted()) ?? "give a person or department 'mailbox: \(mailbox.value)'")
        }
    }

    /// Department members must be people.
    func checkDirectoryReferences(_ log: inout DiagnosticLog) {
        let people = system.directory.people.map(\.id)
        for department in system.directory.departments {
            if department.members.isEmpty {
                log.error(.missingKey, at: department.location, "department '\(department.id)' has no members",
                          hint: "a transfer to it could never ring anyone")
            }
            for member in department.members where !people.contains(member.value) {
                log.error(.danglingPerson, at: member.location, "no person '\(member.value)' in the directory",
                          hint: suggestion(member.value, people) ?? "add them under 'people:'")
            }
        }
    }
}

/// Which flow a dialled number starts: a flow's `numbers`, else a person's or department's
/// extension (a built-in two-step flow: ring, then the mailbox).
extension FlowSystem {
    public func entryFlow(forNumber number: String) -> Flow? {
        if let flow = flow(forNumber: number) { return flow }
        let location = SourceLocation.builtIn
        let destination: String
        let mailbox: Located<String>?
        if let person = directory.people.first(where: { $0.extensionNumber?.value == number }) {
            destination = "person/\(person.id)"
            mailbox = person.mailbox
        } else if let department = directory.departments.first(where: { $0.extensionNumber?.value == number }) {
            destination = "department/\(department.id)"
            mailbox = department.mailbox
        } else {
            return nil
        }
        var transfer = TransferStep(destination: Located(destination, at: location))
        var steps: [Step] = []
        if let mailbox {
            transfer.onNoAnswer = Located("mailbox", at: location)
            steps.append(Step(name: "mailbox", location: location, action: .voicemail(VoicemailStep(mailbox: mailbox))))
        }
        steps.insert(Step(name: "ring", location: location, action: .transfer(transfer)), at: 0)
        return Flow(name: "extension-\(number)", file: "<built-in>", location: location, numbers: [Located(number, at: location)],
                    start: Located("ring", at: location), parameters: [], language: "en", onError: nil,
                    steps: steps, maxStepsWithoutInput: 100)
    }
}

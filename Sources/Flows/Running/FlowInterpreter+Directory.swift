/// `directory`: dial-by-name. The caller keys the first letters of a name; one match is announced
/// and rung, several (up to 9) are offered as a short list, none counts as a failed attempt.
extension FlowInterpreter {
    func runDirectory(_ directory: DirectoryStep, step: Step, flow: Flow) async throws -> StepResult {
        let people = system.directory.people.filter { $0.extensionNumber != nil }
        let request = DigitRequest(maxDigits: directory.minLetters, terminator: "#",
                                   firstDigitTimeout: directory.timeout, interDigitTimeout: .seconds(3))
        for _ in 1...directory.attempts {
            try await playPrompts(directory.prompt.map(\.value), language: flow.language, bargeIn: true)
            let input = try await session.collectDigits(request)
            await record(.digits(input.digits, ending: input.ending))
            stepsWithoutInput = 0
            let found = input.digits.isEmpty ? [] : KeypadNames.matches(input.digits, in: people, match: directory.match)
            if let chosen = try await choose(from: Array(found.prefix(9)), flow: flow) {
                try await playPrompts([BuiltInPrompts.directoryExtension] + spokenExtension(chosen),
                                      language: flow.language, bargeIn: false)
                return try await transferToDirectoryEntry(.person(chosen.id), flow: flow, fallback: directory.onNoMatch)
            }
            try await playPrompts([BuiltInPrompts.directoryNoMatch], language: flow.language, bargeIn: true)
        }
        if let target = directory.onNoMatch { return .goTo(target.value) }
        throw StepFailure(reason: "no name matched in \(directory.attempts) attempts")
    }

    /// One match is chosen at once; several are read out ("for extension 3 0 1, press 1") and the caller picks.
    private func choose(from matches: [Person], flow: Flow) async throws -> Person? {
        guard matches.count > 1 else { return matches.first }
        var list: [String] = []
        for (index, person) in matches.enumerated() {
            list += [BuiltInPrompts.directoryFor, BuiltInPrompts.directoryExtension] + spokenExtension(person)
            list += [BuiltInPrompts.directoryPress, BuiltInPrompts.digit(Character(String(index + 1)))]
        }
        try await playPrompts(list, language: flow.language, bargeIn: true)
        let pick = try await session.collectDigits(DigitRequest(maxDigits: 1, terminator: nil,
                                                                 firstDigitTimeout: .seconds(5), interDigitTimeout: .seconds(1)))
        await record(.digits(pick.digits, ending: pick.ending))
        guard let number = Int(pick.digits), (1...matches.count).contains(number) else { return nil }
        return matches[number - 1]
    }

    private func spokenExtension(_ person: Person) -> [String] {
        (person.extensionNumber?.value ?? "").filter(\.isNumber).map(BuiltInPrompts.digit)
    }
}

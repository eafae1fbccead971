/// Runs scenarios through the simulator and compares what happened with what was expected.
public struct FlowScenarioRunner: Sendable {
    public var simulator: FlowSimulator
    /// Makes each scenario's voicemail simulation (nil: voicemail steps answer as scripted).
    public var voicemail: VoicemailSimulationFactory?

    public init(system: FlowSystem, prompts: (any PromptCatalog)? = nil, voicemail: VoicemailSimulationFactory? = nil) {
        simulator = FlowSimulator(system: system, prompts: prompts)
        self.voicemail = voicemail
    }

    /// The verdict on one scenario; `failures` is empty when it passed.
    public struct Verdict: Sendable {
        public var scenario: FlowScenario
        public var failures: [String]
        public var run: FlowSimulator.Run?
        public var passed: Bool { failures.isEmpty }
    }

    public func run(_ scenario: FlowScenario) async -> Verdict {
        var mailboxes: (any VoicemailSimulation)?
        if let voicemail {
            do {
                mailboxes = try await voicemail(scenario.script.mailboxes, simulator.system.directory)
            } catch {
                return Verdict(scenario: scenario, failures: ["the scenario's mailboxes cannot be set up: \(error)"], run: nil)
            }
        }
        guard let run = await simulator.simulate(scenario.call, at: scenario.start, script: scenario.script, voicemail: mailboxes) else {
            await mailboxes?.finish()
            return Verdict(scenario: scenario, failures: ["no flow or extension answers \(scenario.call.called)"], run: nil)
        }
        var failures = Self.compare(run, with: scenario.expectation)
        failures += await Self.compareMailboxes(scenario.expectation.mailboxes, in: mailboxes)
        await mailboxes?.finish()
        return Verdict(scenario: scenario, failures: failures, run: run)
    }

    /// Checks `expect: mailboxes:` against the simulation's store.
    public static func compareMailboxes(_ expected: [String: FlowScenario.MailboxExpectation],
                                        in simulation: (any VoicemailSimulation)?) async -> [String] {
        guard !expected.isEmpty else { return [] }
        guard let simulation else { return ["mailboxes are checked only with the voicemail simulation (switchboard test)"] }
        let states = await simulation.mailboxStates()
        var failures: [String] = []
        for (number, wanted) in expected.sorted(by: { $0.key < $1.key }) {
            guard let state = states[number] else {
                failures.append("mailbox \(number): not found")
                continue
            }
            let counts: [(String, Int?, Int)] = [("new", wanted.new, state.new), ("saved", wanted.saved, state.saved),
                                                 ("unheard", wanted.unheard, state.unheard)]
            for (what, want, have) in counts where want.map({ $0 != have }) ?? false {
                failures.append("mailbox \(number): expected \(want ?? 0) \(what), found \(have)")
            }
            if let greeting = wanted.greeting, greeting != state.hasGreeting {
                failures.append("mailbox \(number): expected \(greeting ? "a" : "no") greeting")
            }
            if let pin = wanted.pin, !(await simulation.pinOpens(pin, mailbox: number)) {
                failures.append("mailbox \(number): PIN \(pin) does not open it")
            }
        }
        return failures
    }

    public func runAll(_ scenarios: [FlowScenario]) async -> [Verdict] {
        var verdicts: [Verdict] = []
        for scenario in scenarios { verdicts.append(await run(scenario)) }
        return verdicts
    }

    static func compare(_ run: FlowSimulator.Run, with expected: FlowScenario.Expectation) -> [String] {
        var failures: [String] = []
        if let outcome = expected.outcome, outcome != run.outcome.name {
            failures.append("outcome: expected \(outcome), got \(run.outcome)")
        }
        if let destination = expected.transferredTo, run.outcome != .transferred(to: destination) {
            failures.append("expected a transfer to \(destination), got \(run.outcome)")
        }
        if let mailbox = expected.mailbox, !run.voicemailBoxes.contains(mailbox) {
            failures.append("expected a message in mailbox \(mailbox), got \(run.voicemailBoxes.isEmpty ? "none" : run.voicemailBoxes.joined(separator: ", "))")
        }
        let checks: [(String, [String], [String])] = [
            ("steps", expected.steps, run.steps), ("prompts", expected.prompts, run.prompts),
            ("transfers", expected.transfers, run.transferDestinations),
        ]
        for (what, wanted, actual) in checks where !isSubsequence(wanted, of: actual) {
            failures.append("\(what): expected \(wanted.joined(separator: ", ")) in this order; got \(actual.joined(separator: ", "))")
        }
        if let limit = expected.maxDuration, let last = run.trace.last, last.time > limit {
            failures.append("call lasted \(last.time.flowText), more than \(limit.flowText)")
        }
        return failures
    }

    static func isSubsequence(_ wanted: [String], of actual: [String]) -> Bool {
        var remaining = wanted[...]
        for item in actual where item == remaining.first { remaining = remaining.dropFirst() }
        return remaining.isEmpty
    }
}

extension FlowSimulator.Run {
    /// Step names visited, in order (`name`, or `flow/name` inside sub-flows too — both match).
    public var steps: [String] {
        trace.compactMap { if case .step(_, let name, _) = $0.kind { name } else { nil } }
    }

    /// Prompt names played, in order (fragments of `say` included).
    public var prompts: [String] {
        trace.flatMap { event -> [String] in if case .played(let prompts, _) = event.kind { prompts } else { [] } }
    }

    public var transferDestinations: [String] {
        trace.compactMap { if case .transfer(let destination, _, _, _) = $0.kind { destination } else { nil } }
    }

    public var voicemailBoxes: [String] {
        trace.compactMap { if case .voicemail(let mailbox, _) = $0.kind { mailbox } else { nil } }
    }
}

import Foundation
import Testing
@testable import Flows

/// Each step kind's behaviour in virtual time, through the simulator.
@Suite("Interpreter: step semantics")
struct InterpreterTests {
    static func flow(_ steps: String, extra: String = "") -> String {
        "flow: main\nnumbers: [\"100\"]\n\(extra)steps:\n" + steps
    }

    /// Runs a flow on a session the test keeps, to inspect the requests it received.
    static func runWithSession(_ flow: String, script: SimulationScript = SimulationScript(),
                               caller: String = "5551234") async throws -> (CallOutcome, FlowInterpreter, SimulatedCallSession) {
        let (system, _) = FlowFixtures.load(["main.yaml": flow])
        let session = SimulatedCallSession(info: CallInfo(caller: caller, called: "100"), start: FlowFixtures.mondayMorning, script: script)
        let interpreter = FlowInterpreter(system: system, session: session)
        let main = try #require(system.flow(named: "main"))
        let outcome = await interpreter.run(main)
        return (outcome, interpreter, session)
    }

    @Test("play, then next; a step without next ends the call with a hang-up")
    func play() async throws {
        let run = try #require(await FlowFixtures.run(Self.flow("  a: { play: [one, two], next: b }\n  b: { play: three }\n")))
        #expect(run.prompts == ["one", "two", "three"])
        #expect(run.outcome == .hangup)
        #expect(run.trace.last?.time == .seconds(3))
    }

    @Test("say speaks digits, numbers, dates and times from fragments, with variables")
    func say() async throws {
        let steps = """
          a: { say: { digits: "${caller}" }, next: b }
          b: { say: { number: "342" }, next: c }
          c: { say: { date: "2026-11-30" }, next: d }
          d: { say: { time: "14:05" } }
        """
        let run = try #require(await FlowFixtures.run(Self.flow(steps), caller: "5551"))
        #expect(run.prompts == ["digit-5", "digit-5", "digit-5", "digit-1",
                                "number-3", "number-hundred", "number-40", "number-2",
                                "day-monday", "month-november", "ordinal-30",
                                "number-2", "time-oh", "number-5", "time-pm"])
    }

    @Test("say with an unspeakable value takes the failure path")
    func sayFailure() async throws {
        let run = try #require(await FlowFixtures.run(Self.flow("  a: { say: { number: lots }, on-failure: b }\n  b: { hangup: }\n")))
        #expect(run.steps == ["a", "b"])
        #expect(run.trace.contains { if case .failure = $0.kind { true } else { false } })
    }

    @Test("collect: stores valid input, retries short or mismatching input, then fails over")
    func collect() async throws {
        let steps = """
          ask:
            collect: { prompt: enter, into: account, min-digits: 4, max-digits: 6, pattern: "[1-9][0-9]+", attempts: 3 }
            next: check
            on-failure: gave-up
          check:
            branch:
              - if: { var: account, equals: "12345" }
                goto: good
            next: gave-up
          good: { hangup: }
          gave-up: { hangup: }
        """
        let script = FlowFixtures.pressing(.press("12#"), .press("0123#"), .press("12345#"))
        let run = try #require(await FlowFixtures.run(Self.flow(steps), script: script))
        #expect(run.steps == ["ask", "check", "good"])
        #expect(run.prompts == ["enter", "invalid-entry", "enter", "invalid-entry", "enter"])
        #expect(run.trace.contains { if case .variable("account", "12345") = $0.kind { true } else { false } })

        let failing = try #require(await FlowFixtures.run(Self.flow(steps), script: FlowFixtures.pressing(.silence, .silence, .silence)))
        #expect(failing.steps == ["ask", "gave-up"])
    }

    @Test("collect stops at max-digits and honours its own timeouts")
    func collectLimits() async throws {
        let steps = "  ask:\n    collect: { into: pin, max-digits: 4, first-digit-timeout: 3s, inter-digit-timeout: 1s }\n"
        let run = try #require(await FlowFixtures.run(Self.flow(steps), script: FlowFixtures.pressing(.press("123456"))))
        #expect(run.digitEvents.first?.digits == "1234")
        #expect(run.digitEvents.first?.ending == .maxDigits)
        let silent = try #require(await FlowFixtures.run(Self.flow(steps), script: FlowFixtures.pressing(.silence)))
        #expect(silent.digitEvents.first?.ms == 3000)
    }

    @Test("branch on schedules (open, closed, holidays), caller ID, digits and variables; first match wins")
    func branch() async throws {
        let steps = """
          start:
            branch:
              - if: { caller: "+4930X." }
                goto: berlin
              - if: { open: office }
                goto: open
              - goto: closed
          berlin: { hangup: }
          open: { hangup: }
          closed: { hangup: }
        """
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        let monday = try #require(await FlowFixtures.run(Self.flow(steps)))
        #expect(monday.steps.last == "open")
        let night = try #require(await FlowFixtures.run(Self.flow(steps), at: LocalTime.parse("2026-11-30T20:00", timeZone: berlin)!))
        #expect(night.steps.last == "closed")
        let christmas = try #require(await FlowFixtures.run(Self.flow(steps), at: LocalTime.parse("2026-12-25T10:00", timeZone: berlin)!))
        #expect(christmas.steps.last == "closed")
        let caller = try #require(await FlowFixtures.run(Self.flow(steps), caller: "+49301234"))
        #expect(caller.steps.last == "berlin")
    }

    @Test("set and ${…} interpolation; branch on digits and on call variables")
    func setAndVariables() async throws {
        let steps = """
          a: { set: { greeting: "hello-${call.lang}" }, next: b }
          b:
            branch:
              - if: { var: greeting, matches: "hello-d." }
                goto: c
            next: x
          c:
            collect: { into: choice, max-digits: 2 }
            next: d
          d:
            branch:
              - if: { digits: "4X" }
                goto: e
            next: x
          e: { hangup: }
          x: { hangup: }
        """
        let run = try #require(await FlowFixtures.run(Self.flow(steps), script: FlowFixtures.pressing(.press("42")), variables: ["lang": "de"]))
        #expect(run.steps == ["a", "b", "c", "d", "e"])
    }

    @Test("call runs a sub-flow with parameters in its own scope; return hands values back")
    func callAndReturn() async throws {
        let main = Self.flow("""
          a: { set: { secret: kept }, next: b }
          b: { call: { flow: double, with: { n: "2" } }, next: c }
          c: { say: { number: "${result}" }, next: d }
          d:
            branch:
              - if: { var: secret, equals: kept }
                goto: e
            next: x
          e: { hangup: }
          x: { hangup: }
        """)
        let sub = """
        flow: double
        params: [n]
        steps:
          inner:
            branch:
              - if: { var: secret }
                goto: leak
            next: out
          leak: { return: { result: "99" } }
          out: { return: { result: "4${n}" } }
        """
        let run = try #require(await FlowFixtures.run(main, extra: ["double.yaml": sub]))
        #expect(run.prompts == ["number-40", "number-2"])
        #expect(run.steps == ["a", "b", "inner", "out", "c", "d", "e"])
    }

    @Test("transfer: bridged by default, blind on request; whisper and announce; simultaneous rings everyone")
    func transferRequests() async throws {
        let steps = """
          a: { transfer: { to: department/sales, whisper: call-from-ivr, announce: please-hold, ring-timeout: 20s }, next: b }
          b: { hangup: }
        """
        var script = SimulationScript()
        script.defaultTransferResult = .noAnswer
        let (outcome, _, session) = try await Self.runWithSession(Self.flow(steps), script: script)
        let requests = await session.transferRequests
        #expect(requests.count == 1)
        #expect(requests.first?.mode == .bridged)
        #expect(requests.first?.whisper == ["call-from-ivr"])
        #expect(requests.first?.ringTimeout == .seconds(20))
        #expect(requests.first?.endpoints == [.registered(user: "301"), .registered(user: "302"), .external("+4930111222")])
        #expect(outcome == .hangup)

        let blind = try await Self.runWithSession(Self.flow("  a: { transfer: { to: person/alice, mode: blind } }\n"))
        #expect(await blind.2.transferRequests.first?.mode == .blind)
        #expect(blind.0 == .transferred(to: "person/alice"))
    }

    @Test("transfer: sequential hunting rings members in order, each for member-timeout, within ring-timeout")
    func sequential() async throws {
        let steps = "  a: { transfer: { to: department/support, ring-timeout: 15s, on-no-answer: vm } }\n  vm: { voicemail: support }\n"
        var script = SimulationScript()
        script.defaultTransferResult = .noAnswer
        let (outcome, _, session) = try await Self.runWithSession(Self.flow(steps), script: script)
        let requests = await session.transferRequests
        #expect(requests.map(\.endpoints.first) == [.registered(user: "303"), .registered(user: "302")])
        #expect(requests.map(\.ringTimeout) == [.seconds(10), .seconds(5)])
        #expect(outcome == .voicemail(mailbox: "support"))
    }

    @Test("transfer: busy goes to on-busy; a busy person with busy-forwarding is rung there")
    func busyAndForwarding() async throws {
        let steps = "  a: { transfer: { to: person/carol, on-busy: b, on-no-answer: c } }\n  b: { hangup: }\n  c: { hangup: }\n"
        var script = SimulationScript()
        script.transferResults = ["registered:303": .busy, "+4930999888": .noAnswer]
        let (_, interpreter, session) = try await Self.runWithSession(Self.flow(steps), script: script)
        #expect(await session.transferRequests.map(\.endpoints) == [[.registered(user: "303")], [.external("+4930999888")]])
        #expect(interpreter.trace.contains { if case .step(_, "c", _) = $0.kind { true } else { false } })

        var busy = SimulationScript()
        busy.defaultTransferResult = .busy
        let run = try #require(await FlowFixtures.run(Self.flow(steps), script: busy))
        #expect(run.steps == ["a", "b"])
    }

    @Test("Runtime toll-fraud guard: a dynamic destination outside the allowed patterns is refused")
    func tollFraudAtRuntime() async throws {
        let steps = """
          ask: { collect: { into: number, max-digits: 12 }, next: dial }
          dial: { transfer: { to: "${number}" }, on-failure: refused }
          refused: { play: not-allowed }
        """
        let (_, _, session) = try await Self.runWithSession(Self.flow(steps), script: FlowFixtures.pressing(.press("0900123#")))
        #expect(await session.transferRequests.isEmpty)
        let run = try #require(await FlowFixtures.run(Self.flow(steps), script: FlowFixtures.pressing(.press("0900123#"))))
        #expect(run.steps == ["ask", "dial", "refused"])
    }

    @Test("voicemail ends the call unless next is given; voicemail-access and web-directory call the session")
    func voicemailAndWeb() async throws {
        let ends = try #require(await FlowFixtures.run(Self.flow("  a: { voicemail: { mailbox: sales, greeting: closed } }\n")))
        #expect(ends.outcome == .voicemail(mailbox: "sales"))
        let goesOn = try #require(await FlowFixtures.run(Self.flow("  a: { voicemail: sales, next: b }\n  b: { play: thanks }\n")))
        #expect(goesOn.prompts == ["thanks"])
        let access = try #require(await FlowFixtures.run(Self.flow("  a: { voicemail-access: {} }\n")))
        #expect(access.outcome == .voicemailAccess)
        let web = "  a: { web-directory: { on-declined: b } }\n  b: { hangup: }\n"
        #expect(try #require(await FlowFixtures.run(Self.flow(web), variables: ["accepts-html": "true"])).outcome == .webDirectory)
        #expect(try #require(await FlowFixtures.run(Self.flow(web))).steps == ["a", "b"])
    }

    @Test("directory: letters find a person; several matches are offered as a list")
    func directory() async throws {
        let steps = "  d: { directory: { match: either, min-letters: 1 } }\n"
        // "2" = A, B or C: Alice, Archer, Baker, Bob, Carol, Chen → three people, then pick 2 (Bob).
        let run = try #require(await FlowFixtures.run(Self.flow(steps), script: FlowFixtures.pressing(.press("2"), .press("2"))))
        #expect(run.outcome == .transferred(to: "person/bob"))
        #expect(run.prompts.contains("directory-press"))
    }

    @Test("hangup ends the call")
    func hangup() async throws {
        let (outcome, _, session) = try await Self.runWithSession(Self.flow("  a: { hangup: }\n"))
        #expect(outcome == .hangup)
        #expect(await session.hungUp)
    }

    @Test("A failing step takes on-failure, else the flow's on-error, else the built-in apology")
    func failurePaths() async throws {
        var script = SimulationScript()
        script.unavailablePrompts = ["gone"]
        let own = try #require(await FlowFixtures.run(Self.flow("  a: { play: gone, on-failure: b }\n  b: { play: sorry }\n"), script: script))
        #expect(own.prompts == ["sorry"])
        let global = try #require(await FlowFixtures.run(Self.flow("  a: { play: gone }\n  b: { play: sorry }\n", extra: "on-error: b\n"), script: script))
        #expect(global.prompts == ["sorry"])
        let builtIn = try #require(await FlowFixtures.run(Self.flow("  a: { play: gone }\n"), script: script))
        #expect(builtIn.prompts == [BuiltInPrompts.technicalDifficulty])
        #expect(builtIn.outcome.name == "failed")
    }

    @Test("A step name that does not exist at run time still ends with the apology, not silence")
    func danglingAtRuntime() async throws {
        let run = try #require(await FlowFixtures.run(Self.flow("  a: { goto: nowhere }\n")))
        #expect(run.prompts == [BuiltInPrompts.technicalDifficulty])
        #expect(run.outcome.name == "failed")
    }

    @Test("The bound on steps without input stops a runaway loop")
    func runaway() async throws {
        let steps = "  a: { set: { x: \"1\" }, next: b }\n  b: { goto: a }\n"
        let run = try #require(await FlowFixtures.run(Self.flow(steps, extra: "max-steps-without-input: 10\n")))
        #expect(run.trace.contains { if case .runaway(11) = $0.kind { true } else { false } })
        #expect(run.steps.count == 11)
        #expect(run.outcome == .failed(reason: "runaway loop"))
        #expect(run.prompts == [BuiltInPrompts.technicalDifficulty])
    }

    @Test("The caller hanging up ends the flow at once, even in a long prompt")
    func callerHangsUp() async throws {
        var script = SimulationScript()
        script.hangUpAt = .milliseconds(2500)
        let run = try #require(await FlowFixtures.run(Self.flow("  a: { play: [one, two, three, four], next: b }\n  b: { hangup: }\n"), script: script))
        #expect(run.outcome == .callerHungUp)
        #expect(run.trace.last?.time == .milliseconds(2500))
    }

    @Test("An extension without a flow runs the built-in ring-then-mailbox flow; an unknown number has none")
    func extensionEntry() async throws {
        var script = SimulationScript()
        script.defaultTransferResult = .noAnswer
        let run = try #require(await FlowFixtures.run(Self.flow("  a: { hangup: }\n"), script: script, number: "301"))
        #expect(run.outcome == .voicemail(mailbox: "alice"))
        #expect(await FlowFixtures.run(Self.flow("  a: { hangup: }\n"), number: "999") == nil)
    }

    @Test("voicemail with operator: the result 'operator' continues at the operator step; a dangling one is reported")
    func voicemailOperator() async throws {
        let steps = """
          vm:
            voicemail: { mailbox: sales, operator: desk }
          desk: { play: operator-here }
        """
        var script = SimulationScript()
        script.voicemailResult = .operatorRequested
        let run = try #require(await FlowFixtures.run(Self.flow(steps), script: script))
        #expect(run.steps == ["vm", "desk"])
        #expect(run.prompts == ["operator-here"])
        script.voicemailResult = .recorded
        let recorded = try #require(await FlowFixtures.run(Self.flow(steps), script: script))
        #expect(recorded.outcome == .voicemail(mailbox: "sales"))
        let diagnostics = FlowFixtures.diagnostics(["main.yaml": Self.flow("  vm:\n    voicemail: { mailbox: sales, operator: nowhere }\n")])
        #expect(diagnostics.contains { $0.kind == .danglingStep })
    }
}

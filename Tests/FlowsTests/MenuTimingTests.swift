import Testing
@testable import Flows

/// The menu timing rules of docs/flows.md#menu-timing, in virtual time. Prompts last 1 s each
/// (the simulator's default without a catalog); scripted key presses come 500 ms after a wait
/// starts, 300 ms apart.
@Suite("Menu timing rules")
struct MenuTimingTests {
    static func menu(bargeIn: Bool = true, options: String = #"{ "1": a, "12": b, "2": c }"#,
                     limits: String = "attempts: 3") -> String {
        """
        flow: main
        numbers: ["100"]
        steps:
          m:
            menu:
              prompt: main
              retry-prompt: short
              timeout: 5s
              inter-digit-timeout: 2s
              barge-in: \(bargeIn)
              options: \(options)
              \(limits)
              on-failure: failed
          a: { hangup: }
          b: { hangup: }
          c: { hangup: }
          back: { play: again, next: m }
          failed: { hangup: }
          no-input-target: { hangup: }
          invalid-target: { hangup: }
        """
    }

    @Test("The first-digit timer starts when the prompt ends; notices and retries follow; the limit ends the menu")
    func noInputTiming() async throws {
        let run = try #require(await FlowFixtures.run(Self.menu(), script: FlowFixtures.pressing(.silence, .silence, .silence)))
        // prompt 0–1 s, wait 5 s → 6 s; notice 6–7, retry 7–8, wait → 13 s; notice, retry → 20 s.
        #expect(run.digitEvents.map(\.ms) == [6000, 13000, 20000])
        #expect(run.digitEvents.allSatisfy { $0.ending == .firstDigitTimeout })
        #expect(run.prompts == ["main", "no-input", "short", "no-input", "short"])
        #expect(run.steps.last == "failed")
    }

    @Test("A key that other entries extend waits for the inter-digit timer, then counts as entered")
    func interDigitTimeout() async throws {
        let run = try #require(await FlowFixtures.run(Self.menu(), script: FlowFixtures.pressing(.press("1"))))
        // key at 1.5 s, inter-digit 2 s → 3.5 s.
        #expect(run.digitEvents.first?.ms == 3500)
        #expect(run.digitEvents.first?.ending == .interDigitTimeout)
        #expect(run.steps.last == "a")
    }

    @Test("A key nothing longer starts with is taken at once")
    func immediateCompletion() async throws {
        let run = try #require(await FlowFixtures.run(Self.menu(), script: FlowFixtures.pressing(.press("2"))))
        #expect(run.digitEvents.first?.ms == 1500)
        #expect(run.digitEvents.first?.ending == .complete)
        #expect(run.steps.last == "c")
    }

    @Test("Each key restarts the inter-digit timer")
    func eachKeyRestartsTimer() async throws {
        var script = SimulationScript()
        script.timedKeys = [.init(at: .milliseconds(1500), keys: "12", gap: .milliseconds(1900))]
        let run = try #require(await FlowFixtures.run(Self.menu(), script: script))
        #expect(run.digitEvents.first?.digits == "12")
        #expect(run.digitEvents.first?.ms == 3400)
        #expect(run.steps.last == "b")

        var slow = SimulationScript()
        slow.timedKeys = [.init(at: .milliseconds(1500), keys: "12", gap: .milliseconds(2100))]
        let slowRun = try #require(await FlowFixtures.run(Self.menu(), script: slow))
        #expect(slowRun.digitEvents.first?.digits == "1")
        #expect(slowRun.digitEvents.first?.ms == 3500)
        #expect(slowRun.steps.last == "a")
    }

    @Test("# ends input early and is not part of the keys")
    func terminator() async throws {
        let run = try #require(await FlowFixtures.run(Self.menu(), script: FlowFixtures.pressing(.press("1#"))))
        #expect(run.digitEvents.first?.digits == "1")
        #expect(run.digitEvents.first?.ending == .terminator)
        #expect(run.digitEvents.first?.ms == 1800)
    }

    @Test("Barge-in on (the default): a key during the prompt stops it and is the first key")
    func bargeInOn() async throws {
        var script = SimulationScript()
        script.timedKeys = [.init(at: .milliseconds(400), keys: "2")]
        let run = try #require(await FlowFixtures.run(Self.menu(), script: script))
        let played = try #require(run.trace.first { if case .played(_, let key) = $0.kind { key != nil } else { false } })
        #expect(played.time == .zero)
        #expect(run.digitEvents.first?.ms == 400)
        #expect(run.steps.last == "c")
    }

    @Test("Barge-in off: keys during the prompt are discarded and the timer starts at its end")
    func bargeInOff() async throws {
        var script = SimulationScript()
        script.timedKeys = [.init(at: .milliseconds(400), keys: "2")]
        script.responses = [.silence, .press("1")]
        let run = try #require(await FlowFixtures.run(Self.menu(bargeIn: false), script: script))
        #expect(run.digitEvents.first?.digits == "")
        #expect(run.digitEvents.first?.ms == 6000)
        #expect(run.trace.contains { if case .noInput(1, 3) = $0.kind { true } else { false } })
    }

    @Test("No-input and invalid counts are separate, with their own targets")
    func separateLimits() async throws {
        let limits = "no-input: { limit: 2, target: no-input-target }\n      invalid: { limit: 2, target: invalid-target }"
        let script = FlowFixtures.pressing(.press("7"), .silence, .press("7"))
        let run = try #require(await FlowFixtures.run(Self.menu(limits: limits), script: script))
        #expect(run.steps.last == "invalid-target")
        #expect(run.prompts == ["main", "invalid-option", "short", "no-input", "short"])

        let silent = try #require(await FlowFixtures.run(Self.menu(limits: limits), script: FlowFixtures.pressing(.silence, .press("7"), .silence)))
        #expect(silent.steps.last == "no-input-target")
    }

    @Test("Entering the menu again starts both counts from zero")
    func reentryResetsCounts() async throws {
        let options = #"{ "1": a, "5": back }"#
        let limits = "invalid: { limit: 2, target: invalid-target }"
        let script = FlowFixtures.pressing(.press("7"), .press("5"), .press("7"), .press("7"))
        let run = try #require(await FlowFixtures.run(Self.menu(options: options, limits: limits), script: script))
        let counts = run.trace.compactMap { if case .invalidInput(_, let count, _) = $0.kind { count } else { nil } }
        #expect(counts == [1, 1, 2])
        #expect(run.steps == ["m", "back", "m", "invalid-target"])
        // After re-entry the first attempt plays the full prompt again.
        #expect(run.prompts == ["main", "invalid-option", "short", "again", "main", "invalid-option", "short"])
    }

    @Test("A key pressed during a notice barges in and counts for the next attempt")
    func bargeInDuringNotice() async throws {
        var script = SimulationScript()
        script.responses = [.silence]
        script.timedKeys = [.init(at: .milliseconds(6500), keys: "2")]   // during the no-input notice (6–7 s)
        let run = try #require(await FlowFixtures.run(Self.menu(), script: script))
        #expect(run.digitEvents.map(\.ms) == [6000, 6500])
        #expect(run.steps.last == "c")
    }

    @Test("Menus accept a staff extension when dial-extensions is on")
    func dialExtension() async throws {
        let flow = Self.menu(options: #"{ "1": a }"#, limits: "dial-extensions: true")
        let run = try #require(await FlowFixtures.run(flow, script: FlowFixtures.pressing(.press("302"))))
        #expect(run.outcome == .transferred(to: "person/bob"))
        #expect(run.digitEvents.first?.ending == .complete)
    }
}

import Flows
import Foundation
import Storage
import Switchboard
import Testing
import Voicemail

/// The simulator running the real deposit and retrieval procedures (`SimulatedVoicemail`) on
/// the scenarios in Tests/Fixtures/voicemail-sim, plus what a scenario file cannot say: exact
/// skip positions, a hang-up at every moment, call-back endpoints.
@Suite("Voicemail in the simulator", .serialized)
struct VoicemailSimulationTests {
    static let fixture = CallServer.repository.appendingPathComponent("Tests/Fixtures/voicemail-sim").path

    /// The fixture's flows (no prompt catalog: every prompt lasts 1 s) and its scenarios.
    static func load() throws -> (FlowSystem, [FlowScenario]) {
        let (system, diagnostics) = FlowSystemLoader().load(directory: fixture)
        #expect(!diagnostics.contains { $0.severity == .error }, "\(diagnostics)")
        let (scenarios, problems) = FlowScenarioReader().load(directory: fixture + "/tests")
        #expect(problems.isEmpty, "\(problems)")
        return (system, scenarios)
    }

    static func scenario(_ name: String) throws -> (FlowSystem, FlowScenario) {
        let (system, scenarios) = try load()
        return (system, try #require(scenarios.first { $0.name == name }, "no scenario '\(name)'"))
    }

    /// Runs `scenario` with a fresh simulation; returns the run and the simulation (the caller finishes it).
    static func run(_ scenario: FlowScenario, _ system: FlowSystem) async throws -> (FlowSimulator.Run, SimulatedVoicemail) {
        let voicemail = try await SimulatedVoicemail(mailboxes: scenario.script.mailboxes, directory: system.directory)
        let run = try #require(await FlowSimulator(system: system).simulate(scenario.call, at: scenario.start,
                                                                            script: scenario.script, voicemail: voicemail))
        return (run, voicemail)
    }

    static func activity(_ run: FlowSimulator.Run) -> [(time: Duration, text: String)] {
        run.trace.compactMap { if case .voicemailActivity(let text) = $0.kind { ($0.time, text) } else { nil } }
    }

    @Test("every scenario of the fixture passes with the real procedures")
    func fixtureScenarios() async throws {
        let (system, scenarios) = try Self.load()
        #expect(scenarios.count >= 33)
        let runner = FlowScenarioRunner(system: system, voicemail: SimulatedVoicemail.factory)
        for verdict in await runner.runAll(scenarios) {
            #expect(verdict.passed, "\(verdict.scenario.name): \(verdict.failures) \(verdict.run?.trace.map(\.description) ?? [])")
        }
    }

    @Test("wrong expectations about mailboxes fail (the checks are live)")
    func mailboxExpectationsCanFail() async throws {
        let (system, original) = try Self.scenario("7 deletes a message and the next one plays")
        var scenario = original
        scenario.expectation.mailboxes["201"] = .init(new: 2, saved: 0, unheard: 1, greeting: true, pin: "9999")
        let verdict = await FlowScenarioRunner(system: system, voicemail: SimulatedVoicemail.factory).run(scenario)
        #expect(verdict.failures.count == 5, "\(verdict.failures)")
        // Without the simulation the scripted answers cannot satisfy a mailbox expectation.
        #expect(!(await FlowScenarioRunner(system: system).run(scenario)).passed)
    }

    @Test("a deposit leaves a real message: caller, length, folder")
    func depositStoresTheMessage() async throws {
        let (system, scenario) = try Self.scenario("# then 3 saves the message")
        let (run, voicemail) = try await Self.run(scenario, system)
        let messages = try await voicemail.store.messages(in: "201", folder: .new)
        await voicemail.finish()
        #expect(messages.count == 1)
        #expect(messages.first?.caller.number == "5550123")
        #expect(messages.first?.duration == .seconds(8))
        #expect(messages.first?.calledNumber == "600")
        #expect(Self.activity(run).map(\.text).contains("recorded 8s (ended by #)"))
        #expect(run.outcome == .voicemail(mailbox: "201"))
    }

    @Test("1 in the review menu plays the recording; 2 discards the first take")
    func reviewListenAndReRecord() async throws {
        let (system, listen) = try Self.scenario("1 plays the recording back, then 3 saves")
        let (listened, first) = try await Self.run(listen, system)
        await first.finish()
        #expect(Self.activity(listened).map(\.text).contains("played the recording (8s)"))
        let (system2, again) = try Self.scenario("2 re-records; only the second take is kept")
        let (rerecorded, second) = try await Self.run(again, system2)
        let kept = try await second.store.messages(in: "201", folder: nil)
        await second.finish()
        #expect(kept.map(\.duration) == [.seconds(4)])
        #expect(Self.activity(rerecorded).map(\.text).contains("discarded the recording"))
    }

    @Test("* and # while a message plays skip back and forward 5 seconds")
    func skipping() async throws {
        let (system, original) = try Self.scenario("7 deletes a message and the next one plays")
        var scenario = original
        scenario.script.responses = [.press("1234#"), .press("1"), .press("#"), .press("#"), .press("#")]
        // Where the first message (10 s) starts, from a run without keys during it.
        let (plain, first) = try await Self.run(scenario, system)
        await first.finish()
        let played = try #require(Self.activity(plain).first { $0.text == "played message from 5550123 (10s)" })
        let start = played.time - .seconds(10)
        // * at 7 s into the message goes back to 2 s; # 1 s into the replay (at 3 s) jumps to 8 s.
        scenario.script.timedKeys = [.init(at: start + .seconds(7), keys: "*"), .init(at: start + .seconds(8), keys: "#")]
        let (skipped, second) = try await Self.run(scenario, system)
        await second.finish()
        let texts = Self.activity(skipped).map(\.text)
        #expect(texts.contains("play message from 5550123 for 7s, interrupted by *"))
        #expect(texts.contains("play message from 5550123 from 2s for 1s, interrupted by #"))
        #expect(texts.contains("played message from 5550123 from 8s (2s)"))
        // # past the end of a message goes to the message menu.
        scenario.script.timedKeys = [.init(at: start + .seconds(8), keys: "#")]
        let (pastEnd, third) = try await Self.run(scenario, system)
        await third.finish()
        #expect(Self.activity(pastEnd).map(\.text).contains("play message from 5550123 for 8s, interrupted by #"))
        #expect(pastEnd.prompts.contains("vm-message-menu"))
    }

    @Test("wrong PINs and the lock-out are in the transcript")
    func pinFailuresInTranscript() async throws {
        let (system, scenario) = try Self.scenario("three wrong PINs lock the mailbox")
        let (run, voicemail) = try await Self.run(scenario, system)
        await voicemail.finish()
        let texts = Self.activity(run).map(\.text)
        #expect(texts.filter { $0.hasPrefix("log-in refused") }.count == 2)
        #expect(texts.contains("locked out (too many wrong PINs)"))
        #expect(texts.last == "retrieval ended: lockedOut")
    }

    @Test("a hang-up at any moment of a deposit keeps a message exactly when 1 s was recorded")
    func depositHangUpEverywhere() async throws {
        let (system, scenario) = try Self.scenario("# then 3 saves the message")
        // Greeting 0–6 s, beep 6–7 s, recording from 7 s; 1 s (the minimum) is reached at 8 s.
        for tenth in stride(from: 1, through: 300, by: 4) {
            var hungUp = scenario
            let at = Duration.milliseconds(tenth * 100 + 50)
            hungUp.script.hangUpAt = at
            let (run, voicemail) = try await Self.run(hungUp, system)
            let stored = try await voicemail.store.messages(in: "201", folder: nil).count
            await voicemail.finish()
            #expect(stored == (at > .seconds(8) ? 1 : 0), "hang-up at \(at.flowText): \(stored) message(s); \(run.trace.map(\.description))")
            #expect(run.outcome == .voicemail(mailbox: "201") || run.outcome == .callerHungUp)
        }
    }

    @Test("a hang-up at any moment of a retrieval keeps exactly what was done")
    func retrievalHangUpEverywhere() async throws {
        let (system, scenario) = try Self.scenario("7 deletes a message and the next one plays")
        let (full, first) = try await Self.run(scenario, system)
        await first.finish()
        let deletedAt = try #require(Self.activity(full).first { $0.text.hasPrefix("deleted message from 5550123") }).time
        let heardAt = try #require(Self.activity(full).first { $0.text == "played message from 5550123 (10s)" }).time
        let end = try #require(full.trace.last).time
        var at = Duration.milliseconds(250)
        while at < end {
            var hungUp = scenario
            hungUp.script.hangUpAt = at
            let (run, voicemail) = try await Self.run(hungUp, system)
            let states = await voicemail.mailboxStates()
            await voicemail.finish()
            let box = try #require(states["201"])
            #expect(box.new + box.saved == (at > deletedAt ? 2 : 3), "hang-up at \(at.flowText)")
            // Heard is marked when playback ends (or a key stops it), never before.
            #expect(box.unheard <= (at > heardAt ? 1 : 2) && box.unheard >= (at > deletedAt ? 0 : 1), "hang-up at \(at.flowText)")
            #expect(run.outcome == .callerHungUp || at >= end)
            at += .milliseconds(1_500)
        }
    }

    @Test("call-back rings a staff extension's phones and an allowed number over the trunk")
    func callBackEndpoints() async throws {
        let (system, original) = try Self.scenario("with call-back, 3 2 calls an allowed number back")
        var scenario = original
        let (run, voicemail) = try await Self.run(scenario, system)
        await voicemail.finish()
        #expect(run.transferRequests.map(\.endpoints) == [[.external("+4930123456")]])
        #expect(run.transferRequests.first?.mode == .bridged)
        // The saved message is from 202, Bob's extension: his registered phones ring.
        scenario.script.responses = [.press("1234#"), .press("1"), .press("6"), .press("6"), .press("3"), .press("2")]
        let (staffCall, second) = try await Self.run(scenario, system)
        await second.finish()
        #expect(staffCall.transferRequests.map(\.endpoints) == [[.registered(user: "bob")]])
        // Without `call-back: true` (700) nothing is ever rung.
        scenario.call = CallInfo(caller: scenario.call.caller, called: "700")
        let (refused, third) = try await Self.run(scenario, system)
        await third.finish()
        #expect(refused.transferRequests.isEmpty)
        #expect(refused.prompts.contains("vm-no-callback"))
    }
}

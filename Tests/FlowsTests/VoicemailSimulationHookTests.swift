import Foundation
import Testing
@testable import Flows

/// The simulator's voicemail hook (`VoicemailSimulation`), the caller's side of a simulated
/// recording, the scenario keys `speak` and `mailboxes`, and the step option `call-back`.
@Suite("Voicemail simulation hook")
struct VoicemailSimulationHookTests {
    /// Records what the interpreter asked for; answers fixed results.
    final class Recorder: VoicemailSimulation, @unchecked Sendable {
        let lock = NSLock()
        private var deposits: [VoicemailRequest] = []
        private var accesses: [VoicemailAccessRequest] = []

        func deposit(_ request: VoicemailRequest, on session: SimulatedCallSession) async throws -> VoicemailResult {
            lock.withLock { deposits.append(request) }
            await session.report(.voicemailActivity("deposit ran"))
            return .noMessage
        }

        func access(_ request: VoicemailAccessRequest, on session: SimulatedCallSession) async throws -> VoicemailAccessResult {
            lock.withLock { accesses.append(request) }
            return .completed
        }

        func mailboxStates() async -> [String: SimulatedMailboxState] { [:] }
        func pinOpens(_ pin: String, mailbox: String) async -> Bool { false }
        func finish() async {}
        var seen: ([VoicemailRequest], [VoicemailAccessRequest]) { lock.withLock { (deposits, accesses) } }
    }

    static let flows = """
    flow: main
    numbers: ["100"]
    steps:
      leave: { voicemail: { mailbox: "301" }, next: access }
      access: { voicemail-access: { mailbox: "301", call-back: true } }
    """

    @Test("voicemail steps go to the simulation, with the step's call-back option; a scripted result overrides it")
    func hookIsCalled() async throws {
        let (system, diagnostics) = FlowFixtures.load(["main.yaml": Self.flows])
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let recorder = Recorder()
        let run = try #require(await FlowSimulator(system: system).simulate(
            CallInfo(caller: "5551234", called: "100"), at: FlowFixtures.mondayMorning, script: SimulationScript(), voicemail: recorder))
        #expect(recorder.seen.0.map(\.mailbox) == ["301"])
        #expect(recorder.seen.1 == [VoicemailAccessRequest(mailbox: "301", language: "en", callBack: true)])
        #expect(run.trace.contains { if case .voicemail(_, .noMessage) = $0.kind { true } else { false } })
        // The session's report lands between the step and its result, in order.
        let texts = run.trace.map(\.description)
        let step = try #require(texts.firstIndex { $0.contains("step main/leave") })
        let report = try #require(texts.firstIndex { $0.contains("voicemail: deposit ran") })
        let result = try #require(texts.firstIndex { $0.contains("voicemail 301 → no-message") })
        #expect(step < report && report < result)

        var scripted = SimulationScript()
        scripted.voicemailResult = .recorded
        let other = Recorder()
        _ = await FlowSimulator(system: system).simulate(CallInfo(caller: "5551234", called: "100"), at: FlowFixtures.mondayMorning,
                                                         script: scripted, voicemail: other)
        #expect(other.seen.0.isEmpty)
        #expect(other.seen.1.count == 1)
    }

    @Test("call-back takes true or false; anything else is reported at its line and column")
    func callBackOption() {
        let bad = "flow: main\nnumbers: [\"100\"]\nsteps:\n  access:\n    voicemail-access: { call-back: maybe }\n"
        let diagnostics = FlowFixtures.diagnostics(["main.yaml": bad])
        #expect(diagnostics.map(\.description).contains { $0.hasPrefix("main.yaml:5:36: error: 'call-back' must be true or false") },
                "\(diagnostics)")
        let typo = "flow: main\nnumbers: [\"100\"]\nsteps:\n  access:\n    voicemail-access: { callback: true }\n"
        #expect(FlowFixtures.diagnostics(["main.yaml": typo]).contains { $0.description.contains("unknown key 'callback'") })
        let (system, _) = FlowFixtures.load(["main.yaml": Self.flows])
        guard case .voicemailAccess(let access)? = system.flow(named: "main")?.step(named: "access")?.action else {
            Issue.record("no voicemail-access step")
            return
        }
        #expect(access.callBack)
    }

    @Test("a simulated recording ends at the first of: end key, hang-up, maximum length, silence")
    func recordingEndings() async throws {
        func session(_ speech: [SimulatedSpeech], keys: [SimulationScript.TimedKeys] = [], hangUpAt: Duration? = nil) -> SimulatedCallSession {
            var script = SimulationScript()
            script.speech = speech
            script.timedKeys = keys
            script.hangUpAt = hangUpAt
            return SimulatedCallSession(info: CallInfo(caller: "1", called: "2"), start: Date(), script: script)
        }
        let hash = session([SimulatedSpeech(length: .seconds(8), then: .key("#"))])
        #expect(await hash.record(maxDuration: .seconds(60), silence: .seconds(5), endKeys: ["#"]) == (.seconds(8), .key("#")))
        let silent = session([SimulatedSpeech(length: .seconds(3))])
        #expect(await silent.record(maxDuration: .seconds(60), silence: .seconds(5), endKeys: ["#"]) == (.seconds(8), .silence))
        let long = session([SimulatedSpeech(length: .seconds(90))])
        #expect(await long.record(maxDuration: .seconds(60), silence: .seconds(5), endKeys: ["#"]) == (.seconds(60), .maxDuration))
        let gone = session([SimulatedSpeech(length: .seconds(4), then: .hangUp)])
        #expect(await gone.record(maxDuration: .seconds(60), silence: .seconds(5), endKeys: ["#"]) == (.seconds(4), .hangUp))
        await #expect(throws: CallSessionError.callerHungUp) { try await gone.play(["x"], language: "en", bargeIn: false) }
        // Keys other than end keys are ignored; the script's hang-up counts too.
        let keyed = session([SimulatedSpeech(length: .seconds(30))], keys: [.init(at: .seconds(2), keys: "5"), .init(at: .seconds(9), keys: "#")])
        #expect(await keyed.record(maxDuration: .seconds(60), silence: nil, endKeys: ["#"]) == (.seconds(9), .key("#")))
        let scripted = session([], hangUpAt: .seconds(7))
        #expect(await scripted.record(maxDuration: .seconds(60), silence: .seconds(5), endKeys: ["#"]) == (.seconds(7), .hangUp))
        // With no entries left: 10 s of speech, then a hang-up.
        let defaulted = session([])
        #expect(await defaulted.record(maxDuration: .seconds(60), silence: .seconds(5), endKeys: ["#"]) == (.seconds(10), .hangUp))
    }

    @Test("scenario keys speak and mailboxes are read; mistakes are reported at line and column")
    func scenarioKeys() throws {
        let file = """
        tests:
          - name: x
            call: { to: "100" }
            speak: [8s, silence, { for: 3s, then: "#" }, { for: 2s, then: hangup }]
            mailboxes:
              "201": { pin: "1234", max-messages: 3, messages: [{ from: "555", length: 4s, folder: saved }] }
            expect: { mailboxes: { "201": { new: 0, saved: 1, pin: "1234" } } }
          - name: y
            call: { to: "100" }
            speak: [{ for: 3s, then: star }, soon]
            mailboxes:
              "202":
                messages:
                  - { folder: old }
        """
        var log = DiagnosticLog()
        let root = try YAMLLoader().parse(data: Data(file.utf8), file: "t.yaml").get()
        let scenarios = FlowScenarioReader().read(root, log: &log)
        let first = try #require(scenarios.first)
        #expect(first.script.speech == [SimulatedSpeech(length: .seconds(8)), SimulatedSpeech(length: .zero),
                                        SimulatedSpeech(length: .seconds(3), then: .key("#")),
                                        SimulatedSpeech(length: .seconds(2), then: .hangUp)])
        #expect(first.script.mailboxes.first?.pin == "1234")
        #expect(first.script.mailboxes.first?.maxMessages == 3)
        #expect(first.script.mailboxes.first?.messages.first?.saved == true)
        #expect(first.script.mailboxes.first?.messages.first?.heard == true)
        #expect(first.expectation.mailboxes["201"] == FlowScenario.MailboxExpectation(new: 0, saved: 1, pin: "1234"))
        #expect(log.diagnostics.at(.badValue) == ["10:30", "10:38", "14:23"], "\(log.diagnostics)")
    }
}

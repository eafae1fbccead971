import ArgumentParser
import Flows
import Foundation
import Switchboard

/// `switchboard simulate --to 100 …`: one call through the flows in virtual time; prints the trace.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run one call through the flows in virtual time and print the trace."
    )

    @OptionGroup var options: FlowsOptions

    @Option(help: "The number dialled (a flow number or an extension).")
    var to: String

    @Option(help: "The caller's number.")
    var from = "5550100"

    @Option(help: "Local start time, e.g. 2026-11-30T10:00.")
    var at: String?

    @Option(help: "IANA time zone of --at.")
    var tz = "UTC"

    @Option(parsing: .singleValue, help: "Keys pressed at the next wait for input, e.g. --press 1 --press silence --press 301#.")
    var press: [String] = []

    @Option(help: "Outcome of every transfer: answered, no-answer, busy, failed.")
    var transferResult = "answered"

    @Option(parsing: .singleValue, help: "A call variable NAME=VALUE, e.g. accepts-html=true.")
    var variable: [String] = []

    @Option(help: "The caller hangs up after this long, e.g. 30s.")
    var hangupAfter: String?

    @Option(parsing: .singleValue, help: "Each recording: the caller speaks this long, e.g. --speak 8s (then silence), --speak 8s# (then presses #), --speak 8s-hangup.")
    var speak: [String] = []

    @Option(parsing: .singleValue, help: "A mailbox the simulated store starts with, NUMBER or NUMBER:PIN, e.g. --mailbox 201:1234.")
    var mailbox: [String] = []

    func run() async throws {
        guard let (system, _) = options.loadChecked() else {
            print("simulate: the flows have errors; run `switchboard check` for details")
            throw ExitCode(1)
        }
        guard let zone = TimeZone(identifier: tz) else { throw ValidationError("unknown time zone '\(tz)'") }
        let start = try at.map { text in
            guard let date = LocalTime.parse(text, timeZone: zone) else { throw ValidationError("--at '\(text)' is not like 2026-11-30T10:00") }
            return date
        } ?? Date()
        var script = SimulationScript()
        script.responses = press.map { $0 == "silence" || $0.isEmpty ? .silence : .press($0) }
        guard let result = TransferResult(rawValue: transferResult) else {
            throw ValidationError("--transfer-result must be answered, no-answer, busy or failed")
        }
        script.defaultTransferResult = result
        if let hangupAfter {
            guard let duration = FlowDuration.parse(hangupAfter) else {
                throw ValidationError("--hangup-after takes a duration, e.g. 30s")
            }
            script.hangUpAt = duration
        }
        script.speech = try speak.map(Self.speech)
        script.mailboxes = mailbox.map { text in
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            return SimulatedMailbox(number: parts.first ?? text, pin: parts.count == 2 ? parts[1] : nil)
        }
        var variables: [String: String] = [:]
        for pair in variable {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--variable takes NAME=VALUE") }
            variables[parts[0]] = parts[1]
        }
        let call = CallInfo(caller: from, called: to, variables: variables)
        let simulator = FlowSimulator(system: system, prompts: FilePromptCatalog(root: options.promptsRoot))
        let finalScript = script
        let voicemail = try await SimulatedVoicemail(mailboxes: script.mailboxes, directory: system.directory)
        let run = await simulator.simulate(call, at: start, script: finalScript, voicemail: voicemail, observer: { print($0) })
        await voicemail.finish()
        guard run != nil else {
            print("no flow or extension answers \(to) (a live call would get 404 Not Found)")
            throw ExitCode(1)
        }
    }

    /// `8s`, `8s#` (then a key), `8s-hangup`, `silence`.
    static func speech(_ text: String) throws -> SimulatedSpeech {
        if text == "silence" { return SimulatedSpeech(length: .zero) }
        var body = Substring(text)
        var then = SimulatedSpeech.After.nothing
        if body.hasSuffix("-hangup") {
            body = body.dropLast("-hangup".count)
            then = .hangUp
        } else if let last = body.last, last.isKeypadKey, body.dropLast().last?.isLetter == true {
            body = body.dropLast()
            then = .key(last)
        }
        guard let length = FlowDuration.parse(String(body)) else {
            throw ValidationError("--speak takes a duration, optionally followed by a key or -hangup: 8s, 8s#, 8s-hangup, silence")
        }
        return SimulatedSpeech(length: length, then: then)
    }
}

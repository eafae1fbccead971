import ArgumentParser

/// The `switchboard` command line: `serve`, the flow tools (`check`, `simulate`, `test`,
/// `graph`), `mailbox` (voicemail boxes), benchmarks and `sip-check`.
@main
struct SwitchboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "Switchboard: a SIP IVR and call-routing engine.",
        subcommands: [ServeCommand.self, CheckCommand.self, SimulateCommand.self, FlowTestCommand.self, GraphCommand.self,
                      BenchCommand.self, SIPCheckCommand.self, MailboxCommand.self, WebCommand.self]
    )
}

/// `switchboard bench …`: benchmarks that print figures (build with `-c release`).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the speed of Switchboard's hot paths.",
        subcommands: [BenchParseCommand.self, BenchTransactionsCommand.self, BenchMediaCommand.self, BenchCallsCommand.self]
    )
}

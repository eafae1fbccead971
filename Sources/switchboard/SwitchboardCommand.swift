import ArgumentParser

/// The `switchboard` command line. `serve`, `check`, `simulate`, `graph` and `mailbox`
/// arrive with the issues that build them; today it has `bench` and `sip-check`.
@main
struct SwitchboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "Switchboard: a SIP IVR and call-routing engine.",
        subcommands: [BenchCommand.self, SIPCheckCommand.self]
    )
}

/// `switchboard bench …`: benchmarks that print figures (build with `-c release`).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the speed of Switchboard's hot paths.",
        subcommands: [BenchParseCommand.self, BenchMediaCommand.self]
    )
}

import ArgumentParser

@main
struct Switchboard: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "switchboard", abstract: "SIP IVR and call-routing engine.")
}

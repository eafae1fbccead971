import ArgumentParser
import Foundation
import SIPMessage

/// `switchboard sip-check FILE…`: parses each file as one SIP datagram, validates it, and
/// says what a Switchboard node would do with it: accept it, or answer with which status.
struct SIPCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sip-check",
        abstract: "Parse and validate SIP messages; print the verdict for each file."
    )

    @Argument(help: "Files, each holding one SIP message.")
    var files: [String]

    func run() throws {
        var rejected = 0
        for path in files {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let name = URL(fileURLWithPath: path).lastPathComponent
            do throws(SIPParseError) {
                let message = try SIPParser().parse(bytes)
                try message.validate()
                let what = message.method.map { "\($0) request" } ?? "\(message.statusCode ?? 0) response"
                print("\(name): ok (\(what), \(message.headers.count) header lines, \(message.body.count) body bytes)")
            } catch {
                rejected += 1
                print("\(name): \(error.suggestedStatus) \(error.reasonPhrase)")
            }
        }
        if rejected > 0 { throw ExitCode(1) }
    }
}

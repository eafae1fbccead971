import Foundation
import Storage
import Testing
import TestSupport
import Voicemail

private typealias F = StorageFixture

/// `switchboard mailbox …` as a user runs it: the built binary on a temporary data directory.
@Suite("switchboard mailbox (CLI)")
struct MailboxCLITests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Run {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Runs `switchboard mailbox ARGS --data DIR`, feeding `input` to standard input.
    static func mailbox(_ arguments: [String], data: URL, input: String? = nil) throws -> Run {
        let binary = repository.appendingPathComponent(".build/debug/switchboard")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the switchboard product first")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["mailbox"] + arguments + ["--data", data.path]
        let output = Pipe(), errors = Pipe(), stdin = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
                   errors: String(decoding: err, as: UTF8.self))
    }

    @Test("add, set-pin, list --json, messages --json, export, remove; errors exit non-zero with a sentence")
    func session() async throws {
        let fixture = try F()
        defer { fixture.cleanUp() }
        let data = fixture.directory.appendingPathComponent("data")

        let added = try Self.mailbox(["add", "201", "--name", "Alice Example", "--max-messages", "10"], data: data)
        #expect(added.status == 0, "\(added.errors)")
        #expect(added.output.contains("mailbox 201 created"))
        let duplicate = try Self.mailbox(["add", "201", "--name", "Again"], data: data)
        #expect(duplicate.status == 1)
        #expect(duplicate.errors.contains("mailbox '201' exists already"))
        let badNumber = try Self.mailbox(["add", "../x", "--name", "Bad"], data: data)
        #expect(badNumber.status != 0)
        #expect(badNumber.errors.contains("not a valid mailbox number"))
        let badPIN = try Self.mailbox(["set-pin", "201", "12ab"], data: data)
        #expect(badPIN.status == 1)
        #expect(badPIN.errors.contains("digits only"))
        let pin = try Self.mailbox(["set-pin", "201"], data: data, input: "4711\n")
        #expect(pin.status == 0, "\(pin.errors)")

        // A message deposited as `serve` would, in the same data directory.
        let stores = try SwitchboardStores.open(dataDirectory: data)
        #expect(try await stores.voicemail.verifyPIN("4711", for: "201"))
        let message = try #require(try await F.deposit(stores.voicemail, frames: 24_000).message)

        let list = try Self.mailbox(["list", "--json"], data: data)
        #expect(list.status == 0)
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(list.output.utf8)) as? [[String: Any]])
        #expect(entries.count == 1)
        #expect(entries.first?["number"] as? String == "201")
        #expect(entries.first?["owner"] as? String == "Alice Example")
        #expect(entries.first?["pinSet"] as? Bool == true)
        #expect(entries.first?["new"] as? Int == 1)
        #expect(entries.first?["maxMessages"] as? Int == 10)
        let plainList = try Self.mailbox(["list"], data: data)
        #expect(plainList.output.contains("Alice Example"))

        let messages = try Self.mailbox(["messages", "201", "--json"], data: data)
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(messages.output.utf8)) as? [[String: Any]])
        #expect(listed.first?["id"] as? String == message.id.uuidString.lowercased())
        #expect(listed.first?["durationSeconds"] as? Double == 3)
        #expect(listed.first?["callerNumber"] as? String == "+4930123456")
        #expect(listed.first?["folder"] as? String == "new")
        #expect(try Self.mailbox(["messages", "404"], data: data).status == 1)

        let exportFolder = fixture.directory.appendingPathComponent("out")
        let export = try Self.mailbox(["export", "201", "--to", exportFolder.path], data: data)
        #expect(export.status == 0, "\(export.errors)")
        let exported = try FileManager.default.contentsOfDirectory(atPath: exportFolder.path)
        let prefix = message.id.uuidString.lowercased().prefix(8)
        #expect(exported == ["201_20261118-110640_from-+4930123456_new_\(prefix).wav"])
        #expect(try Data(contentsOf: exportFolder.appendingPathComponent(exported[0])) == Data(contentsOf: message.audioFile))

        let refused = try Self.mailbox(["remove", "201"], data: data)
        #expect(refused.status == 1)
        #expect(refused.errors.contains("holds 1 message"))
        #expect(try Self.mailbox(["remove", "201", "--force"], data: data).status == 0)
        #expect(try Self.mailbox(["list"], data: data).output.contains("no mailboxes"))
        #expect(try Self.mailbox(["remove", "201"], data: data).errors.contains("no mailbox '201'"))
    }
}

import ArgumentParser
import Foundation
import Storage
import Voicemail

/// `switchboard mailbox …`: voicemail boxes from the command line — add, list, set a PIN,
/// remove, list messages, export their audio. Works on the same data directory as
/// `serve --data` (SQLite in WAL mode, so it is safe while `serve` runs).
struct MailboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailbox",
        abstract: "Manage voicemail boxes and their messages.",
        subcommands: [Add.self, List.self, SetPIN.self, Remove.self, Messages.self, Export.self]
    )

    /// The option every subcommand shares.
    struct DataOptions: ParsableArguments {
        @Option(name: .long, help: "Data directory (default data, as for serve --data).")
        var data: String = "data"

        func stores() throws -> SwitchboardStores {
            do { return try SwitchboardStores.open(dataDirectory: URL(fileURLWithPath: data, isDirectory: true)) } catch {
                throw MailboxCommandFailure("cannot open the data directory '\(data)': \(error)")
            }
        }
    }

    /// `mailbox add NUMBER --name NAME`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a mailbox.")
        @OptionGroup var options: DataOptions
        @Argument(help: "The mailbox number, as flows/directory.yaml names it (e.g. 201 or sales).")
        var number: String
        @Option(name: .long, help: "Owner's name (a person or department).")
        var name: String
        @Option(name: .long, help: "Initial PIN, 4–12 digits (or use set-pin, which can read it from stdin).")
        var pin: String?
        @Option(name: .long, help: "Most messages it holds (default 100).")
        var maxMessages: Int = MailboxLimits().maxMessages
        @Option(name: .long, help: "Longest message in seconds (default 180).")
        var maxSeconds: Int = MailboxLimits().maxSeconds
        @Option(name: .long, help: "Shorter messages are discarded, in seconds (default 1).")
        var minSeconds: Int = MailboxLimits().minSeconds
        @Option(name: .long, help: "A personal greeting audio file.")
        var greeting: String?

        func run() async throws {
            if let pin { try failing { try PINRules.standard.validate(pin) } }
            let store = try options.stores().voicemail
            let limits = MailboxLimits(maxMessages: maxMessages, maxSeconds: maxSeconds, minSeconds: minSeconds)
            try await failingAsync {
                try await store.createMailbox(Mailbox(number: number, ownerName: name, greetingPath: greeting, limits: limits))
                if let pin { try await store.setPIN(pin, for: number) }
            }
            print("mailbox \(number) created (\(name))\(pin == nil ? "; no PIN yet: switchboard mailbox set-pin \(number)" : "")")
        }
    }

    /// `mailbox list [--json]`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List mailboxes with their message counts.")
        @OptionGroup var options: DataOptions
        @Flag(name: .long, help: "JSON output.")
        var json = false

        func run() async throws {
            let store = try options.stores().voicemail
            let entries = try await failingAsync {
                var entries: [MailboxListing] = []
                for mailbox in try await store.mailboxes() {
                    entries.append(MailboxListing(mailbox, counts: try await store.counts(for: mailbox.number)))
                }
                return entries
            }
            if json { return try printJSON(entries) }
            guard !entries.isEmpty else { return print("no mailboxes") }
            let rows = entries.map { [$0.number, $0.owner, String($0.new), String($0.saved), String($0.unheard), $0.pinSet ? "set" : "none"] }
            print(table(header: ["MAILBOX", "OWNER", "NEW", "SAVED", "UNHEARD", "PIN"], rows: rows))
        }
    }

    /// `mailbox set-pin NUMBER [PIN]`.
    struct SetPIN: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-pin",
            abstract: "Set a mailbox's PIN (stored only as a salted scrypt hash).",
            discussion: "Without PIN, the first line of standard input is read, so the PIN stays out of the process list.")
        @OptionGroup var options: DataOptions
        @Argument(help: "The mailbox number.")
        var number: String
        @Argument(help: "The PIN, 4–12 digits.")
        var pin: String?

        func run() async throws {
            guard let pin = pin ?? readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces) else {
                throw MailboxCommandFailure("no PIN given (argument or a line on standard input)")
            }
            let store = try options.stores().voicemail
            try await failingAsync { try await store.setPIN(pin, for: number) }
            print("PIN set for mailbox \(number)")
        }
    }

    /// `mailbox remove NUMBER [--force]`.
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a mailbox, its messages and their audio.")
        @OptionGroup var options: DataOptions
        @Argument(help: "The mailbox number.")
        var number: String
        @Flag(name: .long, help: "Remove it even if it holds messages.")
        var force = false

        func run() async throws {
            let store = try options.stores().voicemail
            try await failingAsync {
                let counts = try await store.counts(for: number)
                guard counts.total == 0 || force else {
                    throw MailboxCommandFailure("mailbox \(number) holds \(counts.total) message(s); "
                        + "export them first (mailbox export \(number) --to DIR) or add --force")
                }
                try await store.removeMailbox(number)
            }
            print("mailbox \(number) removed")
        }
    }

    /// `mailbox messages NUMBER [--folder new|saved] [--json]`.
    struct Messages: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a mailbox's messages, oldest first.")
        @OptionGroup var options: DataOptions
        @Argument(help: "The mailbox number.")
        var number: String
        @Option(name: .long, help: "Only this folder: new or saved.")
        var folder: MessageFolder?
        @Flag(name: .long, help: "JSON output.")
        var json = false

        func run() async throws {
            let store = try options.stores().voicemail
            let messages = try await failingAsync {
                guard try await store.mailbox(number) != nil else { throw VoicemailError.mailboxNotFound(number) }
                return try await store.messages(in: number, folder: folder).map(MessageListing.init)
            }
            if json { return try printJSON(messages) }
            guard !messages.isEmpty else { return print("no messages in mailbox \(number)") }
            let rows = messages.map { message in
                [message.id, message.folder, message.receivedAt, MessageListing.clock(message.durationSeconds),
                 message.callerNumber ?? "withheld", message.callerName ?? "", message.heard ? "heard" : "unheard"]
            }
            print(table(header: ["ID", "FOLDER", "RECEIVED (UTC)", "LENGTH", "FROM", "NAME", ""], rows: rows))
        }
    }

    /// `mailbox export NUMBER --to DIR [--folder new|saved]`.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a mailbox's message audio into a folder, with readable file names.",
            discussion: "Files are named MAILBOX_YYYYMMDD-HHMMSS_from-CALLER_FOLDER_ID8.wav (UTC).")
        @OptionGroup var options: DataOptions
        @Argument(help: "The mailbox number.")
        var number: String
        @Option(name: .long, help: "Folder to copy into (created if missing).")
        var to: String
        @Option(name: .long, help: "Only this folder: new or saved.")
        var folder: MessageFolder?

        func run() async throws {
            let store = try options.stores().voicemail
            let messages = try await failingAsync {
                guard try await store.mailbox(number) != nil else { throw VoicemailError.mailboxNotFound(number) }
                return try await store.messages(in: number, folder: folder)
            }
            let target = URL(fileURLWithPath: to, isDirectory: true)
            let manager = FileManager.default
            try failing { try manager.createDirectory(at: target, withIntermediateDirectories: true) }
            var missing = 0
            for message in messages {
                let destination = target.appendingPathComponent(MessageListing.exportName(message))
                do {
                    if manager.fileExists(atPath: destination.path) { try manager.removeItem(at: destination) }
                    try manager.copyItem(at: message.audioFile, to: destination)
                    print(destination.path)
                } catch {
                    missing += 1
                    printError("message \(VoicemailStoreKey.text(message.id)): cannot copy \(message.audioFile.path): \(error.localizedDescription)")
                }
            }
            printError("exported \(messages.count - missing) of \(messages.count) message(s) to \(target.path)")
            if missing > 0 { throw ExitCode(1) }
        }
    }
}

extension MessageFolder: ExpressibleByArgument {}

/// An error the `mailbox` commands print as `Error: …` and exit 1 with.
struct MailboxCommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body`, turning store errors into `MailboxCommandFailure`s with their sentence.
private func failing<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as MailboxCommandFailure { throw error } catch {
        throw MailboxCommandFailure(String(describing: error))
    }
}

private func failingAsync<T>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch let error as MailboxCommandFailure { throw error } catch {
        throw MailboxCommandFailure(String(describing: error))
    }
}

private func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

private func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// Left-aligned columns separated by two spaces.
private func table(header: [String], rows: [[String]]) -> String {
    let all = [header] + rows
    let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
    return all.map { row in
        row.indices.map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
            .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }.joined(separator: "\n")
}

import Foundation
import SIPMessage
import Storage
import Testing
import Voicemail
#if canImport(Glibc)
import Glibc
#endif

/// A message survives the server being killed (SIGKILL) in the middle of the recording: the
/// recorder's file, synced every second, is recovered at the next start.
@Suite("switchboard serve: voicemail after a crash", .serialized)
struct ServeVoicemailCrashTests {
    /// A running `switchboard serve`; killed by `deinit` if the test did not stop it.
    final class ServeProcess {
        let process = Process()
        let errors = Pipe()
        let watchdog: Task<Void, any Error>

        init(config: URL, port: Int) throws {
            let binary = ServeProcessTests.repository.appendingPathComponent(".build/debug/switchboard")
            guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw Failure("build the switchboard product first") }
            process.executableURL = binary
            process.arguments = ["serve", "--config", config.path]
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let pid = process.processIdentifier
            // A bound on the whole test: a server that never gets going is killed.
            watchdog = Task.detached {
                try await Task.sleep(for: .seconds(120))
                kill(pid, SIGKILL)
            }
            var log = ""
            while !log.contains("listening on udp 127.0.0.1:\(port)") {
                let chunk = errors.fileHandleForReading.availableData
                guard !chunk.isEmpty else { throw Failure("serve exited: \(log)") }
                log += String(decoding: chunk, as: UTF8.self)
            }
        }

        /// Sends `signal` and waits for the process to end.
        func stop(_ signal: Int32) {
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            watchdog.cancel()
        }

        deinit {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            watchdog.cancel()
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    @Test("SIGKILL during a recording: after a restart the message is there, with the audio written before the kill")
    func killDuringRecording() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vm-crash-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let stores = try SwitchboardStores.open(dataDirectory: data)
        try await stores.voicemail.createMailbox(Mailbox(number: "301", ownerName: "Alice Archer"))

        let port = try ServeProcessTests.freePort()
        let rtpBase = Int.random(in: 42_000...58_000)
        let config = root.appendingPathComponent("serve.yaml")
        let fixtures = ServeProcessTests.repository.appendingPathComponent("Tests/Fixtures/call-flows").path
        let prompts = ServeProcessTests.repository.appendingPathComponent("prompts").path
        try """
        sip: ["udp:127.0.0.1:\(port)"]
        flows: \(fixtures)
        prompts: \(prompts)
        data: \(data.path)
        rtp-ports: \(rtpBase)-\(rtpBase + 99)
        log-level: notice

        """.write(to: config, atomically: true, encoding: .utf8)

        let first = try ServeProcess(config: config, port: port)
        let caller = try LiveVoicemailTests.Caller(number: "600", serverPort: port)
        try caller.press("#")
        #expect(caller.hearsTone(1000, packets: 3), "no beep")
        // Speak until the server has written at least a second of it (it writes once a second
        // of audio has arrived, so on a loaded machine that can take longer than a second).
        try await offloaded { try caller.speak(seconds: 3, thenWhile: { LiveVoicemailTests.longestRecording(in: data) < .seconds(1) }) }
        #expect(LiveVoicemailTests.longestRecording(in: data) >= .seconds(1), "the server wrote no second of audio")
        first.stop(SIGKILL)
        #expect(try await stores.voicemail.messages(in: "301", folder: nil).isEmpty, "a message was visible before recovery")

        let second = try ServeProcess(config: config, port: port)
        let messages = try await stores.voicemail.messages(in: "301", folder: .new)
        #expect(messages.count == 1)
        if let message = messages.first {
            #expect(message.duration >= .seconds(1), "recovered \(message.duration)")
            #expect(message.caller.number == "4930555")
            #expect(FileManager.default.fileExists(atPath: message.audioFile.path))
        }
        second.stop(SIGTERM)
    }
}

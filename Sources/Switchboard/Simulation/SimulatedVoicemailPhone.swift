import Flows
import Foundation
import Voicemail

/// `VoicemailPhone` over a simulated call: prompts and keys in virtual time by the
/// scenario's script, audio files as long as their WAV says, and recordings written as WAV
/// files of silence as long as the caller "spoke" (`speak:`), so the store keeps real files.
struct SimulatedVoicemailPhone: VoicemailPhone {
    let session: SimulatedCallSession
    let store: ReportingVoicemailStore
    let language: String

    /// The sample rate of simulated recordings.
    static let sampleRate = 8000

    func now() async -> Date { await session.now() }

    /// Trace lines for prompts that tell of something the store does not record.
    static let events = [VoicemailRetrieval.Prompts.loginIncorrect: "log-in refused (wrong PIN or unknown mailbox)",
                         VoicemailRetrieval.Prompts.lockedOut: "locked out (too many wrong PINs)"]

    func play(_ items: [VoicemailAudio], bargeIn: Bool) async throws -> Character? {
        for case .prompt(let name) in items {
            if let event = Self.events[name] { await session.report(.voicemailActivity(event)) }
        }
        var names: [String] = []
        for item in items {
            if let more = item.promptNames {
                names += more
                continue
            }
            guard case .file(let url) = item else { continue }
            if let key = try await playPrompts(names, bargeIn: bargeIn) { return key }
            names = []
            if case .interrupted(let key, _) = try await playFile(url, from: .zero) { return key }
        }
        return try await playPrompts(names, bargeIn: bargeIn)
    }

    private func playPrompts(_ names: [String], bargeIn: Bool) async throws -> Character? {
        guard !names.isEmpty else { return nil }
        return try await VoicemailStepSupport.asPhoneErrors { try await session.playConsuming(names, language: language, bargeIn: bargeIn) }
    }

    func playFile(_ file: URL, from offset: Duration) async throws -> FilePlayback {
        let length: Duration
        do {
            length = try WAVFile.inspect(file).duration
        } catch {
            throw VoicemailPhoneError.unplayable(file, error.description)
        }
        let label = store.label(of: file) + (offset > .zero ? " from \(offset.flowText)" : "")
        guard let stop = try await VoicemailStepSupport.asPhoneErrors({ try await session.playAudio(label, length: length - offset) }) else { return .finished }
        return .interrupted(by: stop.key, at: offset + stop.at)
    }

    func collect(_ request: KeyRequest) async throws -> String {
        try await VoicemailStepSupport.asPhoneErrors { try await session.collectKeys(prefix: request.prefix, DigitRequest(request)) }
    }

    func record(to file: URL, _ request: RecordRequest) async throws -> RecordResult {
        let (length, ending) = await session.record(maxDuration: request.maxDuration, silence: request.silence,
                                                    endKeys: request.endKeys)
        try SimulatedVoicemail.writeSilence(to: file, length: length)
        let result: RecordResult.Ending = switch ending {
        case .key(let key): .key(key)
        case .maxDuration: .maxDuration
        case .silence: .silence
        case .hangUp: .hangUp
        }
        return RecordResult(duration: length, ending: result)
    }
}

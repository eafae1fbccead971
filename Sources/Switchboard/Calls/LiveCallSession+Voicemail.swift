import Flows
import Foundation
import Logging
import Media
import NIOConcurrencyHelpers
import NIOCore
import Storage
import Voicemail

/// A recording in progress on the media loop: the caller's decoded audio goes to the
/// `Recorder` (libsndfile, written and synced at least every second) as it arrives.
final class LiveRecording {
    let recorder: Recorder
    let endKeys: Set<Character>
    let continuation: CheckedContinuation<(RecordResult, RecorderBox), any Error>

    init(recorder: Recorder, endKeys: Set<Character>, continuation: CheckedContinuation<(RecordResult, RecorderBox), any Error>) {
        self.recorder = recorder
        self.endKeys = endKeys
        self.continuation = continuation
    }
}

/// Hands a finished `Recorder` from the media loop to the task that closes it (nothing on the
/// loop touches it any more by then).
final class RecorderBox: @unchecked Sendable {
    let recorder: Recorder
    init(_ recorder: Recorder) { self.recorder = recorder }
}

// MARK: - The voicemail steps

extension LiveCallSession {
    /// `voicemail`: runs `VoicemailDeposit` over this call (docs/voicemail.md#deposit).
    func voicemail(_ request: VoicemailRequest) async throws -> VoicemailResult {
        guard let environment, let store = environment.voicemail else { return .failed }
        try await ensureAnswered()  // a recording needs an answered call (also after early media)
        let logger = Logger(label: "switchboard.voicemail")
        let deposit = VoicemailDeposit(store: store, phone: LiveVoicemailPhone(session: self, language: request.language),
                                       mailbox: request.mailbox, caller: VoicemailStepSupport.caller(info),
                                       calledNumber: info.called, greeting: request.greeting,
                                       operatorAvailable: request.operatorAvailable, log: { logger.warning("\($0)") })
        let outcome = await deposit.run()
        switch outcome {
        case .saved(let message):
            environment.status.update { $0.voicemailDeposits += 1 }
            logger.info("voicemail \(message.id.uuidString.lowercased()) in \(message.mailbox), \(message.duration)")
        case .operatorRequested(let saved?):
            environment.status.update { $0.voicemailDeposits += 1 }
            logger.info("voicemail \(saved.id.uuidString.lowercased()) in \(saved.mailbox), then the operator")
        default:
            break
        }
        return VoicemailStepSupport.result(of: outcome)
    }

    /// `voicemail-access`: runs `VoicemailRetrieval` (docs/voicemail.md#retrieval). Without a
    /// mailbox in the step, a caller whose user part names a mailbox logs into it (the PIN is
    /// still asked); anyone else is asked for the number. With the step's `call-back: true`,
    /// `3 2` bridges the staff member to the message's caller when the directory allows it.
    func voicemailAccess(_ request: VoicemailAccessRequest) async throws -> VoicemailAccessResult {
        guard let environment, let store = environment.voicemail else { return .failed }
        try await ensureAnswered()
        let logger = Logger(label: "switchboard.voicemail")
        let retrieval = await VoicemailStepSupport.retrieval(
            request, info: info, store: store, files: store,
            phone: LiveVoicemailPhone(session: self, language: request.language), pinGuard: environment.pinGuard,
            directory: environment.flows.directory,
            transfer: { [self] transfer in
                let result = try await self.transfer(transfer)
                logger.notice("voicemail call-back to \(transfer.destination): \(result)")
                return result
            },
            log: { logger.warning("\($0)") })
        return try await VoicemailStepSupport.access(retrieval, ended: { _ in },
                                                     failed: { logger.warning("voicemail access failed: \($0)") })
    }
}

// MARK: - Media-loop primitives

extension LiveCallSession {
    /// Plays `items`; with `bargeIn`, returns the key that stopped it, taken out of the
    /// type-ahead, and how long it had played.
    func playConsuming(_ items: [PlayItem], bargeIn: Bool) async throws -> (key: Character?, played: Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        let result: PlaybackResult = try await withCheckedThrowingContinuation { continuation in
            media.eventLoop.execute { [self] in startPlaying(items, bargeIn: bargeIn, continuation) }
        }
        guard case .interrupted(let key) = result else { return (nil, clock.now - start) }
        let played = clock.now - start
        try? await media.eventLoop.submit { [self] in
            if keys.first == key { keys.removeFirst() }
        }.get()
        return (key, played)
    }

    /// Puts `prefix` in front of the type-ahead and collects as `request` says.
    func collect(prefix: String, _ request: DigitRequest) async throws -> DigitResult {
        if !prefix.isEmpty {
            try? await media.eventLoop.submit { [self] in keys.insert(contentsOf: prefix, at: 0) }.get()
        }
        return try await collectDigits(request)
    }

    /// Records the caller into a WAV at `file` (see `VoicemailPhone.record`). The file is
    /// closed (every write on disk) before this returns.
    func record(to file: URL, _ request: RecordRequest) async throws -> RecordResult {
        let (result, box) = try await withCheckedThrowingContinuation { continuation in
            media.eventLoop.execute { [self] in startRecording(file, request, continuation) }
        }
        try box.recorder.finish()
        return result
    }

    private func startRecording(_ file: URL, _ request: RecordRequest,
                                _ continuation: CheckedContinuation<(RecordResult, RecorderBox), any Error>) {
        guard !ended, let channel, recording == nil else {
            return continuation.resume(throwing: VoicemailPhoneError.hungUp)
        }
        keys.removeAll()  // keys typed before the beep do not end the recording
        let recorder: Recorder
        do {
            recorder = try Recorder(path: file.path, sampleRate: channel.codec.sampleRate,
                                    maximumSeconds: Self.seconds(request.maxDuration),
                                    silenceSeconds: request.silence.map(Self.seconds))
        } catch {
            return continuation.resume(throwing: error)
        }
        recording = LiveRecording(recorder: recorder, endKeys: request.endKeys, continuation: continuation)
        channel.onAudio = { [unowned self] samples in recordAudio(samples) }
    }

    private func recordAudio(_ samples: [Int16]) {
        guard let recording else { return }
        do {
            switch try recording.recorder.append(samples) {
            case .maximumDuration?: endRecording(.maxDuration)
            case .silence?: endRecording(.silence)
            case nil: break
            }
        } catch {
            self.recording = nil
            channel?.onAudio = nil
            recording.continuation.resume(throwing: error)
        }
    }

    /// A key while recording: an end key stops it; others are ignored.
    func recordingReceived(_ key: Character) {
        guard let recording, recording.endKeys.contains(key) else { return }
        endRecording(.key(key))
    }

    /// Stops the recording in progress, if any, and reports `ending` (the call's end reports
    /// `.hangUp`: the audio so far is kept).
    func endRecording(_ ending: RecordResult.Ending) {
        guard let recording else { return }
        self.recording = nil
        channel?.onAudio = nil
        let duration = Duration.milliseconds(Int64((recording.recorder.durationSeconds * 1000).rounded()))
        recording.continuation.resume(returning: (RecordResult(duration: duration, ending: ending), RecorderBox(recording.recorder)))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

// MARK: - The phone the voicemail procedures talk to

/// `VoicemailPhone` over a live call: prompt names and spoken numbers/dates from the prompt
/// library (English fragments by `SayComposer`), message files decoded with libsndfile,
/// keys from the call's digit stream, recording with `Recorder`.
struct LiveVoicemailPhone: VoicemailPhone {
    let session: LiveCallSession
    let language: String
    /// The last decoded message (skipping ±5 s replays it from another offset).
    private let decoded = NIOLockedValueBox<(path: String, prompt: Prompt)?>(nil)

    init(session: LiveCallSession, language: String) {
        self.session = session
        self.language = language
    }

    func now() async -> Date { Date() }

    func play(_ items: [VoicemailAudio], bargeIn: Bool) async throws -> Character? {
        var playItems: [PlayItem] = []
        for item in items { playItems += try playItemsFor(item) }
        return try await VoicemailStepSupport.asPhoneErrors { try await session.playConsuming(playItems, bargeIn: bargeIn).key }
    }

    func playFile(_ file: URL, from offset: Duration) async throws -> FilePlayback {
        let whole = try load(file)
        let skip = max(0, Int(LiveCallSession.seconds(offset) * 8000))
        let prompt = skip == 0 ? whole : Prompt(name: whole.name, samples8k: Array(whole.samples8k.dropFirst(skip)),
                                                samples16k: Array(whole.samples16k.dropFirst(skip * 2)))
        guard !prompt.samples8k.isEmpty else { return .finished }
        let (key, played) = try await VoicemailStepSupport.asPhoneErrors { try await session.playConsuming([.prompt(prompt)], bargeIn: true) }
        guard let key else { return .finished }
        return .interrupted(by: key, at: offset + played)
    }

    func collect(_ request: KeyRequest) async throws -> String {
        try await VoicemailStepSupport.asPhoneErrors { try await session.collect(prefix: request.prefix, DigitRequest(request)).digits }
    }

    func record(to file: URL, _ request: RecordRequest) async throws -> RecordResult {
        try await session.record(to: file, request)
    }

    /// The prompts that speak `item`; a prompt missing from the library is left out (logged
    /// by `switchboard check` already) rather than failing the caller's session.
    private func playItemsFor(_ item: VoicemailAudio) throws -> [PlayItem] {
        guard let names = item.promptNames else {
            if case .file(let url) = item { return [.prompt(try load(url))] }
            return []
        }
        return names.compactMap { name in session.prompts.prompt(named: name, language: language).map { .prompt($0) } }
    }

    /// Decodes an audio file (any format libsndfile reads) into a prompt; the last one is kept.
    private func load(_ file: URL) throws -> Prompt {
        if let cached = decoded.withLockedValue({ $0 }), cached.path == file.path { return cached.prompt }
        do {
            let prompt = try PromptLibrary.load(name: file.lastPathComponent, path: file.path)
            decoded.withLockedValue { $0 = (file.path, prompt) }
            return prompt
        } catch {
            throw VoicemailPhoneError.unplayable(file, error.reason)
        }
    }
}

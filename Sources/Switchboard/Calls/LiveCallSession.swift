import Flows
import Foundation
import Media
import NIOCore
import SDP

/// The flow interpreter's view of a live call (`CallSession`) over the call's media channel:
/// prompts from the shared ``PromptLibrary``, keys from RFC 4733 events, SIP INFO and in-band
/// tones (one digit stream, see `MediaChannel`), and timeouts on the media loop.
///
/// The interpreter awaits one thing at a time (a play, a collect); that wait is `waiter`,
/// resumed by a media event, a timeout, or the end of the call (`callerHungUp`). All state
/// lives on the media engine's event loop; the async methods hop there. The voicemail steps
/// (`LiveCallSession+Voicemail.swift`) add one more wait, a recording (`recording`), which
/// keys and the end of the call also stop.
final class LiveCallSession: CallSession, MediaEventHandler, @unchecked Sendable {
    let info: CallInfo
    let media: MediaEngine
    let prompts: PromptLibrary
    /// The media channel number (its sockets are open from the start).
    let channelID: Int
    /// The signalling side: BYE the caller, ring transfer targets.
    let signalling: CallHandle
    /// The time flows see.
    private let clock: @Sendable () -> Date
    /// Silence on the wire this long ends the call as dead.
    private let mediaTimeout: Duration
    /// The shared services voicemail steps use (store, PIN guard, counters); set by the
    /// router before the flow starts. Nil: voicemail steps fail.
    var environment: CallEnvironment?

    // Media-loop state.
    private(set) var channel: MediaChannel?
    /// Keys pressed and not yet consumed (type-ahead after a barge-in, keys between steps).
    var keys: [Character] = []
    private var waiter: Waiter?
    private(set) var ended = false
    /// Set by the flow's task once the call is answered, and once the caller can hear us
    /// (answered or early media); only that task reads them.
    private var answered = false
    private var hasMedia = false
    /// A voicemail recording in progress (see `LiveCallSession+Voicemail.swift`).
    var recording: LiveRecording?

    private enum Waiter {
        case play(CheckedContinuation<PlaybackResult, any Error>, bargeIn: Bool)
        case collect(CheckedContinuation<DigitResult, any Error>, DigitCollector, timeout: Scheduled<Void>?)
    }

    init(info: CallInfo, media: MediaEngine, prompts: PromptLibrary, channelID: Int, signalling: CallHandle,
         clock: @escaping @Sendable () -> Date = { Date() }, mediaTimeout: Duration = .seconds(30)) {
        self.clock = clock
        self.mediaTimeout = mediaTimeout
        self.info = info
        self.media = media
        self.prompts = prompts
        self.channelID = channelID
        self.signalling = signalling
    }

    // MARK: Media set-up (called by the signalling side)

    /// Starts (or, after a re-INVITE, updates) the channel for the negotiated stream.
    func startMedia(_ stream: NegotiatedStream) {
        media.eventLoop.execute { [self] in
            guard !ended else { return }
            if let channel {
                // A re-INVITE or UPDATE: new remote address, direction or hold (RFC 3264 §8.4).
                channel.remoteAddress = try? SocketAddress(ipAddress: stream.remoteAddress, port: Int(stream.remotePort))
                channel.sendsMedia = stream.direction == .sendrecv || stream.direction == .sendonly
                channel.receiver.setOnHold(stream.isRemoteHold, at: .now())
                return
            }
            var generator = SystemRandomNumberGenerator()
            guard let created = MediaChannel(id: channelID, stream: stream, sender: RTPSender(using: &generator)) else {
                endLocally()
                return
            }
            created.receiver.inactivityTimeout = TimeAmount(mediaTimeout)
            channel = created
            media.attach(created, handler: self)
        }
    }

    /// A key from a SIP INFO (`application/dtmf-relay`, RFC 6086 legacy use).
    func infoDigit(_ digit: DTMFDigit) {
        media.eventLoop.execute { [self] in
            guard let channel else { return }
            for event in channel.receiveInfoDigit(digit) { handle(event) }
        }
    }

    /// The caller hung up (BYE, CANCEL) or the dialog died: whatever the flow waits for
    /// throws `callerHungUp`, and the media stops.
    func callerHungUp() {
        media.eventLoop.execute { [self] in finish() }
    }

    // MARK: CallSession

    func now() async -> Date { clock() }

    /// Answers the call before the first step that needs it (transfer, voicemail); throws
    /// `callerHungUp` when the call ended instead.
    func ensureAnswered() async throws {
        if answered { return }
        guard await signalling.answer() else { throw CallSessionError.callerHungUp }
        answered = true
        hasMedia = true
    }

    /// Before prompts and keys: early media when the flow asks for it, else the answer.
    private func ensureMedia() async throws {
        if hasMedia { return }
        guard await signalling.media() else { throw CallSessionError.callerHungUp }
        hasMedia = true
    }

    func play(_ names: [String], language: String, bargeIn: Bool) async throws -> PlaybackResult {
        try await ensureMedia()
        let items = try names.map { name -> PlayItem in
            guard let prompt = prompts.prompt(named: name, language: language) else {
                throw CallSessionError.promptUnavailable(name)
            }
            return .prompt(prompt)
        }
        return try await withCheckedThrowingContinuation { continuation in
            media.eventLoop.execute { [self] in startPlaying(items, bargeIn: bargeIn, continuation) }
        }
    }

    func collectDigits(_ request: DigitRequest) async throws -> DigitResult {
        try await ensureMedia()
        return try await withCheckedThrowingContinuation { continuation in
            media.eventLoop.execute { [self] in startCollecting(request, continuation) }
        }
    }

    func transfer(_ request: TransferRequest) async throws -> TransferResult {
        try await ensureAnswered()
        let result = await signalling.transfer(request)
        // After a bridged call the caller's leg is hung up by the call (`answered`); a
        // caller who hung up while it rang ends the flow.
        if result != .answered, await isEnded() { throw CallSessionError.callerHungUp }
        return result
    }

    func offerWebDirectory() async throws -> WebDirectoryResult {
        if answered { return .declined }  // a 300/380 is still possible during early media
        return await signalling.offerWebDirectory()
    }

    /// Ringback to the caller while a transfer rings (ITU-T E.180 cadence); stopped by the
    /// bridge (the relay silences the player) or by `stopRingback`.
    func startRingback() {
        media.eventLoop.execute { [self] in
            guard !ended, let channel, waiter == nil else { return }
            channel.play([.looping(Tones.ringback, milliseconds: 10 * 60 * 1000)])
        }
    }

    func stopRingback() {
        media.eventLoop.execute { [self] in
            guard waiter == nil else { return }
            channel?.stopPlayback()
        }
    }

    func hangUp() async {
        let wasUp: Bool = (try? await media.eventLoop.submit { [self] in
            let wasUp = !ended
            finish()
            return wasUp
        }.get()) ?? false
        if wasUp { signalling.hangUp() }
    }

    private func isEnded() async -> Bool {
        (try? await media.eventLoop.submit { [self] in ended }.get()) ?? true
    }

    // MARK: Media loop

    func startPlaying(_ items: [PlayItem], bargeIn: Bool,
                      _ continuation: CheckedContinuation<PlaybackResult, any Error>) {
        guard !ended, let channel else { return continuation.resume(throwing: CallSessionError.callerHungUp) }
        if bargeIn, let first = keys.first {
            // A key already typed stops the prompt before it starts; it stays buffered.
            return continuation.resume(returning: .interrupted(by: first))
        }
        if !bargeIn { keys.removeAll() }
        if items.isEmpty { return continuation.resume(returning: .completed) }
        waiter = .play(continuation, bargeIn: bargeIn)
        channel.play(items, bargeIn: bargeIn)
    }

    private func startCollecting(_ request: DigitRequest, _ continuation: CheckedContinuation<DigitResult, any Error>) {
        guard !ended else { return continuation.resume(throwing: CallSessionError.callerHungUp) }
        var collector = DigitCollector(request)
        while !keys.isEmpty {
            if let result = collector.receive(keys.removeFirst()) { return continuation.resume(returning: result) }
        }
        waiter = .collect(continuation, collector, timeout: scheduleTimeout(collector.timeout))
    }

    private func scheduleTimeout(_ duration: Duration) -> Scheduled<Void> {
        media.eventLoop.scheduleTask(in: TimeAmount(duration)) { [self] in
            guard case .collect(let continuation, let collector, _) = waiter else { return }
            waiter = nil
            continuation.resume(returning: collector.timedOut())
        }
    }

    func handle(_ event: MediaEvent) {
        guard !ended else { return }
        switch event {
        case .digit(_, let press):
            channel?.digits.clear()  // keys are kept here, not in the channel's queue
            received(press.digit.character)
        case .playbackFinished:
            guard case .play(let continuation, _) = waiter else { return }
            waiter = nil
            continuation.resume(returning: .completed)
        case .playbackInterrupted(_, let digit):
            guard case .play(let continuation, _) = waiter else { return }
            waiter = nil
            continuation.resume(returning: .interrupted(by: digit.character))
        case .inactive:
            // No RTP or RTCP for the inactivity timeout, not on hold: a dead call.
            endLocally()
        case .remoteBye:
            break  // the SIP BYE ends the call
        }
    }

    private func received(_ key: Character) {
        if recording != nil { return recordingReceived(key) }
        switch waiter {
        case .play(_, let bargeIn):
            if bargeIn { keys.append(key) }  // the interruption event follows; the key stays buffered
        case .collect(let continuation, var collector, let timeout):
            timeout?.cancel()
            if let result = collector.receive(key) {
                waiter = nil
                continuation.resume(returning: result)
            } else {
                waiter = .collect(continuation, collector, timeout: scheduleTimeout(collector.timeout))
            }
        case nil:
            keys.append(key)
        }
    }

    /// Ends the session from the media side (dead media) and asks for a BYE.
    private func endLocally() {
        guard !ended else { return }
        finish()
        signalling.hangUp()
    }

    /// Stops media and fails whatever the flow waits for.
    private func finish() {
        guard !ended else { return }
        ended = true
        endRecording(.hangUp)
        switch waiter {
        case .play(let continuation, _):
            continuation.resume(throwing: CallSessionError.callerHungUp)
        case .collect(let continuation, _, let timeout):
            timeout?.cancel()
            continuation.resume(throwing: CallSessionError.callerHungUp)
        case nil:
            break
        }
        waiter = nil
        channel = nil
        media.close(channelID: channelID)
    }
}

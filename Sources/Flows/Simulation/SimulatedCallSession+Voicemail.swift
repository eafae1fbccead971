import Foundation

/// The caller's side of the voicemail procedures in virtual time: what a `VoicemailSimulation`
/// drives. Prompts, keys and recordings follow the same script (`press`, `keys-at`, `speak`,
/// `hangup-at`) as the rest of the call, and each is reported to the call's trace.
extension SimulatedCallSession {
    /// Virtual time since the call started.
    public var time: Duration { .milliseconds(elapsed) }

    /// Adds voicemail activity to the call's trace at the current virtual time.
    public func report(_ kind: TraceEvent.Kind) { traceSink?(kind, time) }

    /// Plays prompts like `play`, but the key that stops it is taken out of the type-ahead and
    /// returned (the voicemail procedures act on it themselves).
    public func playConsuming(_ names: [String], language: String, bargeIn: Bool) throws -> Character? {
        let started = time
        var key: Character?
        if case .interrupted(let pressed) = try play(names, language: language, bargeIn: bargeIn) {
            if keys.first?.key == pressed { keys.removeFirst() }
            key = pressed
        }
        traceSink?(.played(prompts: names, interrupted: key), started)
        return key
    }

    /// Plays `length` of audio (a message, a greeting) with barge-in: nil when it played to the
    /// end, else the key (consumed) and how far playback had got.
    public func playAudio(_ label: String, length: Duration) throws -> (key: Character, at: Duration)? {
        let start = elapsed
        let end = start + max(0, length.milliseconds)
        if let first = keys.first, first.time < end {
            keys.removeFirst()
            try advance(to: first.time)
            let at = Duration.milliseconds(elapsed - start)
            report(.voicemailActivity("play \(label) for \(at.flowText), interrupted by \(first.key)"))
            return (first.key, at)
        }
        keys.removeAll { $0.time < end }
        try advance(to: end)
        report(.voicemailActivity("played \(label) (\(length.flowText))"))
        return nil
    }

    /// Reads keys: `prefix` (typed already) first, then like `collectDigits`.
    public func collectKeys(prefix: String, _ request: DigitRequest) throws -> String {
        keys.insert(contentsOf: prefix.map { (time: elapsed, key: $0) }, at: 0)
        let result = try collectDigits(request)
        report(.digits(result.digits, ending: result.ending))
        return result.digits
    }

    /// Records the caller: the next `speak` entry says how long they talk and what they do
    /// then. A key of `endKeys` ends it (other keys are ignored, and keys typed before it
    /// starts do not count), as do the caller hanging up, `maxDuration`, and `silence` after
    /// the talking. Never throws: a hang-up is an ending (what was said is kept).
    public func record(maxDuration: Duration, silence: Duration?,
                       endKeys: Set<Character>) -> (length: Duration, ending: SimulatedRecordingEnding) {
        let start = elapsed
        keys.removeAll { $0.time <= start }
        let take = speech.isEmpty ? SimulatedSpeech.default : speech.removeFirst()
        let spokeUntil = start + max(0, take.length.milliseconds)
        switch take.then {
        case .key(let key):
            keys.append((spokeUntil, key))
            keys.sort { $0.time < $1.time }
        case .hangUp:
            hangUpTime = min(hangUpTime ?? spokeUntil, spokeUntil)
        case .nothing:
            break
        }
        // On a tie the earlier entry wins: a key, then the hang-up, the limit, the silence.
        var endings: [(time: Int64, ending: SimulatedRecordingEnding)] = []
        if let key = keys.first(where: { endKeys.contains($0.key) }) { endings.append((key.time, .key(key.key))) }
        if let hangUp = hangUpTime { endings.append((max(hangUp, start), .hangUp)) }
        endings.append((start + maxDuration.milliseconds, .maxDuration))
        if let silence { endings.append((spokeUntil + silence.milliseconds, .silence)) }
        let end = endings.min { $0.time < $1.time } ?? (start, .hangUp)
        keys.removeAll { $0.time <= end.time }
        elapsed = max(elapsed, end.time)
        let length = Duration.milliseconds(end.time - start)
        let why = switch end.ending {
        case .key(let key): "ended by \(key)"
        case .maxDuration: "the maximum length"
        case .silence: "silence"
        case .hangUp: "the caller hung up"
        }
        report(.voicemailActivity("recorded \(length.flowText) (\(why))"))
        return (length, end.ending)
    }
}

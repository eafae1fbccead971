import Foundation

/// What the deposit and retrieval procedures (`VoicemailDeposit`, `VoicemailRetrieval`) need
/// from a call, and nothing more: play audio with barge-in, read keys, record to a file. The
/// live call implements it over RTP (`LiveCallSession`); tests implement it with a scripted
/// fake, so every menu path runs without SIP, sockets or a clock.
///
/// Keys: a key that interrupts `play` is **consumed** and returned (the procedure acts on it
/// at once, or hands it to `collect` as `prefix`). A hang-up surfaces as
/// `VoicemailPhoneError.hungUp` from `play` and `collect`; `record` instead returns the audio
/// it has with ending `.hangUp`, because a message left by a caller who hangs up is kept.
public protocol VoicemailPhone: Sendable {
    /// The current time (wall clock on a live call).
    func now() async -> Date
    /// Plays `items` in order. With `bargeIn`, the first key stops playback and is returned
    /// (consumed); without it, keys pressed meanwhile are discarded and nil is returned.
    /// Throws `hungUp`, or `unplayable` for a file that cannot be decoded.
    func play(_ items: [VoicemailAudio], bargeIn: Bool) async throws -> Character?
    /// Plays the audio file from `offset` with barge-in: `.finished`, or the key that stopped it
    /// (consumed) and how far into the file playback had got.
    func playFile(_ file: URL, from offset: Duration) async throws -> FilePlayback
    /// Reads keys (type-ahead first) as `request` says; an empty string on a timeout.
    func collect(_ request: KeyRequest) async throws -> String
    /// Records the caller into a new WAV file at `file` until a key in `request.endKeys`, the
    /// maximum length, the silence limit or a hang-up. The file is written as audio arrives and
    /// synced at least every second. Throws only when the file cannot be written.
    func record(to file: URL, _ request: RecordRequest) async throws -> RecordResult
}

/// One thing to play: a prompt by name, a number, digits, a date and time, or an audio file.
/// The phone turns numbers and dates into prompt names (English: `number-40 number-2`).
public enum VoicemailAudio: Hashable, Sendable {
    /// A prompt of the prompt library (`prompts/en/NAME.wav`).
    case prompt(String)
    /// A cardinal number said in words ("forty two").
    case number(Int)
    /// Digits said one by one ("two zero one").
    case digits(String)
    /// A date and time said in the phone's time zone ("Monday November sixteenth, ten thirty a.m.").
    case dateTime(Date)
    /// An audio file (a personal greeting).
    case file(URL)
}

/// How `playFile` ended.
public enum FilePlayback: Hashable, Sendable {
    /// The file played to its end.
    case finished
    /// A key stopped it at `position` into the file.
    case interrupted(by: Character, at: Duration)
}

/// What keys to read.
public struct KeyRequest: Hashable, Sendable {
    /// Keys typed already (e.g. the one that interrupted the prompt); counted as input.
    public var prefix: String
    public var maxDigits: Int
    /// Ends input and is not part of it.
    public var terminator: Character?
    /// Wait for the first key.
    public var firstTimeout: Duration
    /// Wait between keys.
    public var interDigitTimeout: Duration

    public init(prefix: String = "", maxDigits: Int, terminator: Character? = nil,
                firstTimeout: Duration = .seconds(5), interDigitTimeout: Duration = .seconds(3)) {
        self.prefix = prefix
        self.maxDigits = maxDigits
        self.terminator = terminator
        self.firstTimeout = firstTimeout
        self.interDigitTimeout = interDigitTimeout
    }

    /// One menu key.
    public static func menuKey(prefix: Character?, timeout: Duration = .seconds(5)) -> KeyRequest {
        KeyRequest(prefix: prefix.map { String($0) } ?? "", maxDigits: 1, firstTimeout: timeout, interDigitTimeout: timeout)
    }
}

/// How to record.
public struct RecordRequest: Hashable, Sendable {
    /// Longest recording.
    public var maxDuration: Duration
    /// Continuous silence that ends the recording; nil never ends on silence.
    public var silence: Duration?
    /// Keys that end the recording (the key is returned in the ending, not recorded as input).
    public var endKeys: Set<Character>

    public init(maxDuration: Duration, silence: Duration? = .seconds(5), endKeys: Set<Character> = ["#"]) {
        self.maxDuration = maxDuration
        self.silence = silence
        self.endKeys = endKeys
    }
}

/// What a recording holds and why it stopped.
public struct RecordResult: Hashable, Sendable {
    /// Why recording stopped.
    public enum Ending: Hashable, Sendable {
        /// A key of `endKeys`.
        case key(Character)
        /// The maximum length.
        case maxDuration
        /// The silence limit.
        case silence
        /// The caller hung up.
        case hangUp
    }
    /// Length of the audio written.
    public var duration: Duration
    public var ending: Ending

    public init(duration: Duration, ending: Ending) {
        self.duration = duration
        self.ending = ending
    }
}

/// Why a phone operation did not complete.
public enum VoicemailPhoneError: Error, Hashable, Sendable {
    /// The caller hung up.
    case hungUp
    /// An audio file (a message, a greeting) cannot be played: missing or not audio.
    case unplayable(URL, String)
    /// A prompt is missing from the prompt library.
    case promptUnavailable(String)
}

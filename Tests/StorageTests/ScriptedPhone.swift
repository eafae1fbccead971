import Foundation
import TestSupport
import Voicemail

/// A `VoicemailPhone` driven by a script of what the caller does, in order: press keys, let
/// a prompt time out, speak for a while into a recording, hang up. Everything played is
/// logged as text (`prompt names`, `n:42`, `d:201`, `date`, `file:NAME@SECONDS`), so a test
/// reads what the caller heard. When the script runs out the caller hangs up, so no menu can
/// loop forever.
///
/// Keys barge into any barge-in prompt (the fake does not model timing); a prompt without
/// barge-in leaves keys for the next read.
actor ScriptedPhone: VoicemailPhone {
    struct DiskFull: Error {}

    enum Input: Sendable, Equatable {
        /// Keys typed (buffered; read one by one).
        case keys(String)
        /// Nothing pressed: the next read times out.
        case timeout
        /// Speaks into the recording for `seconds`, then the recording ends with `ending`
        /// (a key, `.maxDuration`, `.silence`, or `.hangUp`, after which the caller is gone).
        case speak(Double, RecordResult.Ending)
        /// Lets the next barge-in prompt or message play to its end (a read skips it).
        case wait
        /// The recording fails to write (a full disk): `record` throws after writing half a file.
        case diskFull
        /// Hangs up.
        case hangUp
    }

    private var inputs: [Input]
    private var typed: [Character] = []
    private var gone = false
    /// What the caller heard, in order.
    private(set) var heard: [String] = []
    /// Files recorded, in order.
    private(set) var recordings: [URL] = []
    private let clock: Date

    init(_ inputs: [Input], now: Date = Date(timeIntervalSince1970: 1_795_000_000)) {
        self.inputs = inputs
        self.clock = now
    }

    func now() -> Date { clock }

    /// Takes the next typed key, refilling from the script; nil on a timeout. Throws on a hang-up.
    private func nextKey(waiting: Bool) throws -> Character? {
        if !typed.isEmpty { return typed.removeFirst() }
        if gone { throw VoicemailPhoneError.hungUp }
        guard let input = inputs.first else {
            gone = true
            throw VoicemailPhoneError.hungUp
        }
        switch input {
        case .keys(let keys):
            inputs.removeFirst()
            typed = Array(keys)
            return typed.isEmpty ? nil : typed.removeFirst()
        case .timeout:
            if waiting { inputs.removeFirst() }
            return nil
        case .hangUp:
            inputs.removeFirst()
            gone = true
            throw VoicemailPhoneError.hungUp
        case .speak:
            return nil
        case .wait:
            inputs.removeFirst()
            return try nextKey(waiting: waiting)
        case .diskFull:
            return nil
        }
    }

    /// Whether a key interrupts what plays now: one is typed or comes next; `.wait` lets it
    /// finish (and is used up).
    private func interrupts() throws -> Bool {
        if !typed.isEmpty { return true }
        if gone { throw VoicemailPhoneError.hungUp }
        switch inputs.first {
        case .keys: return true
        case .hangUp:
            _ = try nextKey(waiting: false)
            return false
        case .wait:
            inputs.removeFirst()
            return false
        default: return false
        }
    }

    private func describe(_ item: VoicemailAudio) -> String {
        switch item {
        case .prompt(let name): name
        case .number(let number): "n:\(number)"
        case .digits(let digits): "d:\(digits)"
        case .dateTime: "date"
        case .file(let url): "file:\(url.lastPathComponent)"
        }
    }

    func play(_ items: [VoicemailAudio], bargeIn: Bool) throws -> Character? {
        if gone { throw VoicemailPhoneError.hungUp }
        for item in items {
            if case .file(let url) = item, !FileManager.default.fileExists(atPath: url.path) || (try? WAVFile.inspect(url)) == nil {
                throw VoicemailPhoneError.unplayable(url, "not a WAV")
            }
        }
        heard += items.map(describe)
        if inputs.first == .hangUp, typed.isEmpty { return try nextKey(waiting: false) }
        guard bargeIn, try interrupts() else { return nil }
        return try nextKey(waiting: false)
    }

    func playFile(_ file: URL, from offset: Duration) throws -> FilePlayback {
        if gone { throw VoicemailPhoneError.hungUp }
        guard (try? WAVFile.inspect(file)) != nil else { throw VoicemailPhoneError.unplayable(file, "not a WAV") }
        heard.append("file@\(offset.components.seconds)")
        guard try interrupts(), let key = try nextKey(waiting: false) else { return .finished }
        return .interrupted(by: key, at: offset + .seconds(1))
    }

    func collect(_ request: KeyRequest) throws -> String {
        var digits = ""
        var pending = Array(request.prefix)
        while digits.count < request.maxDigits {
            let key: Character?
            if !pending.isEmpty { key = pending.removeFirst() } else { key = try nextKey(waiting: true) }
            guard let key else { return digits }
            if key == request.terminator { return digits }
            digits.append(key)
        }
        return digits
    }

    func record(to file: URL, _ request: RecordRequest) throws -> RecordResult {
        if gone { return RecordResult(duration: .zero, ending: .hangUp) }
        if inputs.first == .diskFull {
            inputs.removeFirst()
            try Data(WAVBytes.pcm16(frames: 4000).prefix(3000)).write(to: file)
            throw DiskFull()
        }
        guard case .speak(let seconds, let ending) = inputs.first else {
            if inputs.first == .hangUp || inputs.isEmpty {
                if !inputs.isEmpty { inputs.removeFirst() }
                gone = true
                return RecordResult(duration: .zero, ending: .hangUp)
            }
            return RecordResult(duration: .zero, ending: .silence)
        }
        inputs.removeFirst()
        let kept = min(seconds, Double(request.maxDuration.components.seconds))
        try WAVBytes.pcm16(frames: Int(kept * 8000)).write(to: file)
        recordings.append(file)
        heard.append("recorded:\(kept)")
        if ending == .hangUp { gone = true }
        return RecordResult(duration: .milliseconds(Int64(kept * 1000)), ending: ending)
    }
}

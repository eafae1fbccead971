import Foundation

/// Where a key press came from.
public enum DTMFSource: Sendable, Hashable {
    /// RTP telephone-events (RFC 4733).
    case rtpEvent
    /// SIP INFO (`application/dtmf-relay` or `application/dtmf`).
    case sipInfo
    /// Tones detected in the audio.
    case inBand
}

/// One key press in the stream.
public struct DTMFKeyPress: Sendable, Equatable {
    /// The key.
    public var digit: DTMFDigit
    /// Where it came from.
    public var source: DTMFSource
    /// When it arrived, in milliseconds of the call's clock.
    public var atMilliseconds: Int64
}

/// The one stream of key presses a call's flow reads, fed by all three DTMF paths.
///
/// A peer may signal the same key two ways at once (an RFC 4733 event and the tone still in
/// the audio, or an event and an INFO): a press of the same key from a *different* source
/// within ``mergeWindowMilliseconds`` of the last accepted one is the same press and is
/// dropped. Presses from the same source are never merged (that source already separates
/// repeated keys).
public struct DTMFDigitStream: Sendable {
    /// Presses of the same key from another source this close together are one press.
    public var mergeWindowMilliseconds: Int64 = 200
    private var pending: [DTMFKeyPress] = []
    private var last: DTMFKeyPress?
    /// Presses dropped as the same press reported by a second path.
    public private(set) var merged = 0

    /// Creates an empty stream.
    public init() {}

    /// Offers a press; returns whether it was accepted as new.
    @discardableResult
    public mutating func offer(_ digit: DTMFDigit, from source: DTMFSource, atMilliseconds now: Int64) -> Bool {
        if let last, last.digit == digit, last.source != source, now - last.atMilliseconds <= mergeWindowMilliseconds {
            merged += 1
            return false
        }
        let press = DTMFKeyPress(digit: digit, source: source, atMilliseconds: now)
        last = press
        pending.append(press)
        return true
    }

    /// Presses accepted and not yet taken, oldest first.
    public var queued: [DTMFKeyPress] { pending }

    /// Takes the oldest press.
    public mutating func next() -> DTMFKeyPress? {
        pending.isEmpty ? nil : pending.removeFirst()
    }

    /// Takes all presses.
    public mutating func drain() -> [DTMFKeyPress] {
        defer { pending.removeAll() }
        return pending
    }

    /// Forgets presses typed ahead (e.g. when a menu says "typed-ahead keys don't count").
    public mutating func clear() {
        pending.removeAll()
    }
}

/// Bodies of SIP INFO requests that carry a key (the SIP core passes the body and its
/// Content-Type here).
public enum DTMFInfoBody {
    /// A key and, when given, its duration in milliseconds.
    public struct Parsed: Sendable, Equatable {
        /// The key.
        public var digit: DTMFDigit
        /// `Duration=` in milliseconds, if present.
        public var durationMilliseconds: Int?
    }

    /// Parses `application/dtmf-relay` (`Signal=5` / `Duration=160` lines) or
    /// `application/dtmf` (the key alone). Signals may be the character or the RFC 4733
    /// code (10 = `*`, 11 = `#`, 12–15 = A–D). Returns nil for other types or bad bodies.
    public static func parse(contentType: String, body: String) -> Parsed? {
        let type = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch type {
        case "application/dtmf-relay":
            var digit: DTMFDigit?
            var duration: Int?
            for line in body.split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let key = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
                let value = parts[1].trimmingCharacters(in: .whitespaces)
                if key == "signal" { digit = signal(value) }
                if key == "duration" { duration = Int(value).flatMap { $0 >= 0 ? $0 : nil } }
            }
            return digit.map { Parsed(digit: $0, durationMilliseconds: duration) }
        case "application/dtmf":
            return signal(body.trimmingCharacters(in: .whitespacesAndNewlines)).map { Parsed(digit: $0, durationMilliseconds: nil) }
        default:
            return nil
        }
    }

    private static func signal(_ text: String) -> DTMFDigit? {
        if text.count == 1, let character = text.first, let digit = DTMFDigit(character: character) { return digit }
        if let code = UInt8(text), code <= 15 { return DTMFDigit(rawValue: code) }
        return nil
    }
}


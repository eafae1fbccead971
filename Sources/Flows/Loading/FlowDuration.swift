import Foundation

/// Parses durations as written in flow files: `5s`, `500ms`, `2m`, `1.5s`; a bare number means
/// seconds. Anything over a day is refused (no flow waits that long, and it keeps arithmetic safe).
public enum FlowDuration {
    static let maximumSeconds = 86_400.0

    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count)
            if let value = Double(number), value >= 0, value * factor <= maximumSeconds { return .milliseconds(Int64((value * factor * 1000).rounded())) }
            return nil
        }
        if let value = Double(trimmed), value >= 0, value <= maximumSeconds { return .milliseconds(Int64((value * 1000).rounded())) }
        return nil
    }
}

extension Duration {
    /// Whole milliseconds, for virtual clocks and traces.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// "5s", "1.5s", "250ms" — the form flow files use.
    public var flowText: String {
        let ms = milliseconds
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        if ms < 1000 { return "\(ms)ms" }
        return "\(Double(ms) / 1000)s"
    }
}

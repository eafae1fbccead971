/// Number patterns for caller-ID branches and allowed outbound destinations, in the dialplan
/// style admins know: `X` any digit, `Z` 1–9, `N` 2–9, `[1-5]` a set, a trailing `.` one or more
/// further characters, a trailing `!` zero or more; everything else literal. Patterns that start
/// with `sip:` are globs where `*` matches any run of characters.
public struct DialPattern: Sendable, Hashable {
    public var text: String

    public init(_ text: String) { self.text = text }

    public func matches(_ candidate: String) -> Bool {
        if text.hasPrefix("sip:") || text.hasPrefix("sips:") { return Self.glob(Array(text), Array(candidate)) }
        return Self.dial(Array(text), Array(candidate))
    }

    /// Why the pattern is malformed, or nil.
    public var problem: String? {
        if text.isEmpty { return "empty pattern" }
        if text.hasPrefix("sip") { return nil }
        var depth = 0
        for (index, character) in text.enumerated() {
            if character == "[" { depth += 1 }
            if character == "]" { depth -= 1 }
            if depth < 0 || depth > 1 { return "unbalanced [ ] in '\(text)'" }
            if (character == "." || character == "!") && depth == 0 && index != text.count - 1 {
                return "'\(character)' may only end a pattern"
            }
        }
        return depth == 0 ? nil : "unbalanced [ ] in '\(text)'"
    }

    private static func dial(_ pattern: [Character], _ input: [Character]) -> Bool {
        var p = 0, i = 0
        while p < pattern.count {
            let token = pattern[p]
            if token == "." && p == pattern.count - 1 { return i < input.count }
            if token == "!" && p == pattern.count - 1 { return true }
            guard i < input.count else { return false }
            let character = input[i]
            switch token {
            case "X": guard character.isASCII, character.isNumber else { return false }
            case "Z": guard ("1"..."9").contains(character) else { return false }
            case "N": guard ("2"..."9").contains(character) else { return false }
            case "[":
                guard let close = pattern[p...].firstIndex(of: "]") else { return false }
                guard setContains(Array(pattern[(p + 1)..<close]), character) else { return false }
                p = close
            default: guard token == character else { return false }
            }
            p += 1
            i += 1
        }
        return i == input.count
    }

    private static func setContains(_ set: [Character], _ character: Character) -> Bool {
        var index = 0
        while index < set.count {
            if index + 2 < set.count, set[index + 1] == "-" {
                if set[index] <= set[index + 2], (set[index]...set[index + 2]).contains(character) { return true }
                index += 3
            } else {
                if set[index] == character { return true }
                index += 1
            }
        }
        return false
    }

    private static func glob(_ pattern: [Character], _ input: [Character]) -> Bool {
        guard let first = pattern.first else { return input.isEmpty }
        if first == "*" {
            for start in 0...input.count where glob(Array(pattern.dropFirst()), Array(input[start...])) { return true }
            return false
        }
        guard let head = input.first, head == first else { return false }
        return glob(Array(pattern.dropFirst()), Array(input.dropFirst()))
    }
}

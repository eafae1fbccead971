/// A DTMF key: 0–9, `*`, `#`, A–D. Its raw value is the RFC 4733 event code (§3.2,
/// Table 7: 0–9, `*` = 10, `#` = 11, A–D = 12–15).
public enum DTMFDigit: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case d0 = 0, d1, d2, d3, d4, d5, d6, d7, d8, d9
    case star = 10, pound = 11
    case a = 12, b, c, d

    /// The key for a character (`0`–`9`, `*`, `#`, `A`–`D` in either case).
    public init?(character: Character) {
        switch character {
        case "0"..."9":
            guard let ascii = character.asciiValue else { return nil }
            self.init(rawValue: ascii - 48)
        case "*": self = .star
        case "#": self = .pound
        case "A", "a": self = .a
        case "B", "b": self = .b
        case "C", "c": self = .c
        case "D", "d": self = .d
        default: return nil
        }
    }

    /// The key's character.
    public var character: Character {
        switch self {
        case .star: "*"
        case .pound: "#"
        case .a: "A"
        case .b: "B"
        case .c: "C"
        case .d: "D"
        default: Character(UnicodeScalar(48 + rawValue))
        }
    }

    public var description: String { String(character) }

    /// The row (low group) and column (high group) frequencies in Hz (ITU-T Q.23).
    public var frequencies: (low: Double, high: Double) {
        let rows: [Double] = [697, 770, 852, 941]
        let cols: [Double] = [1209, 1336, 1477, 1633]
        let (row, col) = DTMFDigit.keypadPosition[Int(rawValue)]
        return (rows[row], cols[col])
    }

    /// Keypad position (row, column) by event code.
    static let keypadPosition: [(Int, Int)] = [
        (3, 1), (0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (2, 0), (2, 1), (2, 2),
        (3, 0), (3, 2), (0, 3), (1, 3), (2, 3), (3, 3),
    ]

    /// The key at a keypad position.
    static func at(row: Int, column: Int) -> DTMFDigit? {
        guard let index = keypadPosition.firstIndex(where: { $0 == (row, column) }) else { return nil }
        return DTMFDigit(rawValue: UInt8(index))
    }
}

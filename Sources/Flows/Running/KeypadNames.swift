/// Letters to keypad digits (ITU E.161: ABC = 2 … WXYZ = 9) for dial-by-name.
public enum KeypadNames {
    public static func digits(for name: String) -> String {
        String(name.lowercased().compactMap { letter -> Character? in
            switch letter {
            case "a", "b", "c": "2"
            case "d", "e", "f": "3"
            case "g", "h", "i": "4"
            case "j", "k", "l": "5"
            case "m", "n", "o": "6"
            case "p", "q", "r", "s": "7"
            case "t", "u", "v": "8"
            case "w", "x", "y", "z": "9"
            default: nil
            }
        })
    }

    /// People whose first or last name (per `match`) starts with the keyed letters, in directory order.
    public static func matches(_ keys: String, in people: [Person], match: DirectoryStep.Match) -> [Person] {
        people.filter { person in
            let words = person.displayName.split(separator: " ").map(String.init)
            let candidates: [String]
            switch match {
            case .firstName: candidates = Array(words.prefix(1))
            case .lastName: candidates = Array(words.suffix(1))
            case .either: candidates = words
            }
            return candidates.contains { digits(for: $0).hasPrefix(keys) }
        }
    }
}

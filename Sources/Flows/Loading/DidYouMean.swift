/// Suggests the closest known word for a misspelt one ("did you mean 'timeout'?").
public enum DidYouMean {
    /// The candidate with the smallest edit distance, if it is close enough to be a likely typo.
    public static func suggestion(for word: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        let allowed = max(1, min(3, word.count / 3))
        return best.1 <= allowed ? best.0 : nil
    }

    /// Edit distance over characters where swapping two neighbours counts as one edit
    /// (optimal string alignment), so "strat" is one edit from "start".
    static func editDistance(_ a: String, _ b: String) -> Int {
        let left = Array(a), right = Array(b)
        if left.isEmpty { return right.count }
        if right.isEmpty { return left.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: right.count + 1), count: left.count + 1)
        for i in 0...left.count { table[i][0] = i }
        for j in 0...right.count { table[0][j] = j }
        for i in 1...left.count {
            for j in 1...right.count {
                let cost = left[i - 1] == right[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, left[i - 1] == right[j - 2], left[i - 2] == right[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[left.count][right.count]
    }

    /// " (did you mean 'x'?)" or "" — appended to hints.
    static func hint(for word: String, among candidates: [String]) -> String {
        if let best = suggestion(for: word, among: candidates) { return "did you mean '\(best)'?" }
        return "known keys: \(candidates.joined(separator: ", "))"
    }
}

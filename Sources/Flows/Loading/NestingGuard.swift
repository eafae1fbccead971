/// Measures how deeply `[` and `{` nest in YAML text before the parser sees it: the parser
/// recurses per level, so a file of a million `[` would exhaust the stack. Quoted scalars and
/// comments are skipped; the count errs on the side of refusing odd files, never crashing.
enum NestingGuard {
    /// Flow files nest a handful of levels; anything near this is an attack or an accident.
    static let maximumDepth = 64

    /// The line and column where nesting first exceeds `maximumDepth`, or nil.
    static func firstExcess(in text: String) -> (line: Int, column: Int)? {
        var depth = 0, line = 1, column = 0
        var quote: Character?
        var inComment = false
        var previous: Character = "\n"
        for character in text {
            column += 1
            if character == "\n" {
                line += 1
                column = 0
                inComment = false
                previous = character
                continue
            }
            if inComment { continue }
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "#" && (previous == " " || previous == "\t" || previous == "\n") {
                inComment = true
            } else if character == "\"" || (character == "'" && " [{,:\n\t".contains(previous)) {
                quote = character
            } else if character == "[" || character == "{" {
                depth += 1
                if depth > maximumDepth { return (line, column) }
            } else if character == "]" || character == "}" {
                depth = max(0, depth - 1)
            }
            previous = character
        }
        return nil
    }
}

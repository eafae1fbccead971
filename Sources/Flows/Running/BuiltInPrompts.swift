/// The prompt names the interpreter itself plays (beyond those a flow names): number and date
/// fragments for `say`, the menu defaults, dial-by-name phrases, the fallback apology. The default
/// English set in `prompts/en/` covers all of them; `switchboard check` warns about any missing.
public enum BuiltInPrompts {
    public static let technicalDifficulty = "technical-difficulty"
    public static let noInput = "no-input"
    public static let invalidOption = "invalid-option"
    public static let invalidEntry = "invalid-entry"
    public static let pleaseHold = "please-hold"
    public static let goodbye = "goodbye"
    public static let directoryIntro = "directory-intro"
    public static let directoryNoMatch = "directory-no-match"
    public static let directoryFor = "directory-for"
    public static let directoryPress = "directory-press"
    public static let directoryExtension = "directory-extension"
    public static let beep = "beep"

    public static func digit(_ key: Character) -> String {
        switch key {
        case "*": "digit-star"
        case "#": "digit-pound"
        default: "digit-\(key)"
        }
    }

    static let weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
    static let months = ["january", "february", "march", "april", "may", "june", "july", "august",
                         "september", "october", "november", "december"]

    /// Every built-in name, for the checker and the prompt generator.
    public static var all: [String] {
        var names = [technicalDifficulty, noInput, invalidOption, invalidEntry, pleaseHold, goodbye,
                     directoryIntro, directoryNoMatch, directoryFor, directoryPress, directoryExtension, beep]
        names += "0123456789*#".map(digit)
        names += (0...19).map { "number-\($0)" } + stride(from: 20, through: 90, by: 10).map { "number-\($0)" }
        names += ["number-hundred", "number-thousand", "number-million", "number-minus"]
        names += (1...31).map { "ordinal-\($0)" }
        names += weekdays.map { "day-\($0)" } + months.map { "month-\($0)" }
        names += ["time-am", "time-pm", "time-oh", "time-oclock"]
        return names
    }
}

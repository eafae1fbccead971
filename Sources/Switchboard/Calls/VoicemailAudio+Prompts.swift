import Flows
import Foundation
import Voicemail

extension VoicemailAudio {
    /// The prompt names that speak this item — numbers and dates as `SayComposer`'s English
    /// fragments (`number-40 number-2`; weekday, month, ordinal day, twelve-hour time in the
    /// server's time zone). Nil for an audio file. Shared by the live and the simulated phone.
    var promptNames: [String]? {
        switch self {
        case .prompt(let name): return [name]
        case .number(let number): return SayComposer.fragments(.number, String(number)) ?? []
        case .digits(let digits): return SayComposer.fragments(.digits, digits) ?? []
        case .dateTime(let date):
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = "yyyy-MM-dd"
            let day = formatter.string(from: date)
            formatter.dateFormat = "HH:mm"
            return (SayComposer.fragments(.date, day) ?? []) + (SayComposer.fragments(.time, formatter.string(from: date)) ?? [])
        case .file: return nil
        }
    }
}

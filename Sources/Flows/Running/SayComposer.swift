import Foundation

/// Turns a value into the prompt fragments that speak it in English: `say: { number: 42 }` →
/// `number-40 number-2`. Nil when the value cannot be spoken in that form.
public enum SayComposer {
    public static func fragments(_ form: SayStep.Form, _ value: String) -> [String]? {
        let text = value.trimmingCharacters(in: .whitespaces)
        switch form {
        case .digits:
            let keys = text.filter { $0 != "+" && $0 != " " && $0 != "-" }
            guard !keys.isEmpty, keys.allSatisfy(\.isKeypadKey) else { return nil }
            return keys.map(BuiltInPrompts.digit)
        case .number:
            guard let number = Int(text), number.magnitude < 1_000_000_000 else { return nil }
            return number < 0 ? ["number-minus"] + words(Int(number.magnitude)) : words(number)
        case .date:
            return date(text)
        case .time:
            return time(text)
        }
    }

    /// 0 … 999,999,999 as number fragments.
    static func words(_ number: Int) -> [String] {
        if number < 20 { return ["number-\(number)"] }
        if number < 100 {
            let tens = ["number-\(number / 10 * 10)"]
            return number % 10 == 0 ? tens : tens + ["number-\(number % 10)"]
        }
        let scales: [(Int, String)] = [(1_000_000, "number-million"), (1000, "number-thousand"), (100, "number-hundred")]
        for (size, name) in scales where number >= size {
            let rest = number % size
            return words(number / size) + [name] + (rest == 0 ? [] : words(rest))
        }
        return []
    }

    /// `YYYY-MM-DD` → weekday, month, ordinal day.
    static func date(_ text: String) -> [String]? {
        guard let day = CalendarDay.parse(text), let year = day.year else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        guard let date = calendar.date(from: DateComponents(year: year, month: day.month, day: day.day)) else { return nil }
        let weekday = calendar.component(.weekday, from: date)
        return ["day-\(BuiltInPrompts.weekdays[weekday - 1])", "month-\(BuiltInPrompts.months[day.month - 1])",
                "ordinal-\(day.day)"]
    }

    /// `HH:MM` (24-hour) → twelve-hour English: "ten thirty a.m.", "nine o'clock p.m.", "two oh five".
    static func time(_ text: String) -> [String]? {
        let parts = text.split(separator: ":").map { Int($0) }
        guard parts.count == 2, let hour = parts[0], let minute = parts[1],
              (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        let twelveHour = hour % 12 == 0 ? 12 : hour % 12
        var result = words(twelveHour)
        if minute == 0 {
            result.append("time-oclock")
        } else if minute < 10 {
            result += ["time-oh", "number-\(minute)"]
        } else {
            result += words(minute)
        }
        result.append(hour < 12 ? "time-am" : "time-pm")
        return result
    }
}

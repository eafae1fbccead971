import Foundation

/// Parses `2026-11-30T10:00` (or with `:SS`) as a wall-clock time in an IANA time zone.
public enum LocalTime {
    public static func parse(_ text: String, timeZone: TimeZone) -> Date? {
        let halves = text.split(separator: "T")
        guard halves.count == 2, let day = CalendarDay.parse(String(halves[0])), let year = day.year else { return nil }
        let clock = halves[1].split(separator: ":").map { Int($0) }
        guard (2...3).contains(clock.count), clock.allSatisfy({ $0 != nil }) else { return nil }
        let numbers = clock.compactMap { $0 }
        guard (0...23).contains(numbers[0]), (0...59).contains(numbers[1]) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(from: DateComponents(year: year, month: day.month, day: day.day,
                                                  hour: numbers[0], minute: numbers[1], second: numbers.count == 3 ? numbers[2] : 0))
    }
}

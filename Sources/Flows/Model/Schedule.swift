import Foundation

/// Opening hours: weekly hours in an IANA time zone, holidays (closed all day) and overrides
/// (other hours on one date). Evaluated in the schedule's own zone, whatever the server's.
public struct Schedule: Sendable {
    public var id: String
    public var location: SourceLocation
    public var timeZone: TimeZone
    /// Weekday (1 = Monday … 7 = Sunday) → open ranges.
    public var weekly: [Int: [TimeRange]]
    /// Dates closed all day: a full date (`2026-12-25`) or a yearly one (`12-25`).
    public var holidays: [CalendarDay]
    /// Dates with their own hours (an empty list: closed).
    public var overrides: [(day: CalendarDay, hours: [TimeRange])]

    /// Whether the schedule is open at `date`.
    public func isOpen(at date: Date) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: date)
        guard let year = parts.year, let month = parts.month, let day = parts.day,
              let weekday = parts.weekday, let hour = parts.hour, let minute = parts.minute else { return false }
        let minuteOfDay = hour * 60 + minute
        if let override = overrides.last(where: { $0.day.matches(year: year, month: month, day: day) }) {
            return override.hours.contains { $0.contains(minuteOfDay) }
        }
        if holidays.contains(where: { $0.matches(year: year, month: month, day: day) }) { return false }
        let isoWeekday = weekday == 1 ? 7 : weekday - 1   // Calendar: 1 = Sunday
        return (weekly[isoWeekday] ?? []).contains { $0.contains(minuteOfDay) }
    }
}

/// `08:00-17:30`: from the first minute up to (not including) the last; `24:00` ends a day.
public struct TimeRange: Sendable, Hashable {
    public var startMinute: Int
    public var endMinute: Int

    public func contains(_ minute: Int) -> Bool { minute >= startMinute && minute < endMinute }

    /// Parses `HH:MM-HH:MM`; nil with a reason when malformed or empty.
    public static func parse(_ text: String) -> Result<TimeRange, ScheduleSyntaxError> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { return .failure(.init("'\(text)' is not a time range like 08:00-17:00")) }
        guard let start = minutes(parts[0]), let end = minutes(parts[1]) else {
            return .failure(.init("'\(text)' has a time that is not HH:MM between 00:00 and 24:00"))
        }
        guard start < end else { return .failure(.init("'\(text)' ends before it starts")) }
        return .success(TimeRange(startMinute: start, endMinute: end))
    }

    private static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count <= 2, parts[1].count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0...24).contains(hour), (0...59).contains(minute), hour < 24 || minute == 0 else { return nil }
        return hour * 60 + minute
    }
}

/// A date in a schedule: with a year (one day) or without (every year).
public struct CalendarDay: Sendable, Hashable {
    public var year: Int?
    public var month: Int
    public var day: Int

    public func matches(year: Int, month: Int, day: Int) -> Bool {
        (self.year == nil || self.year == year) && self.month == month && self.day == day
    }

    /// Parses `YYYY-MM-DD` or `MM-DD`, checking that the day exists.
    public static func parse(_ text: String) -> CalendarDay? {
        let parts = text.split(separator: "-").map { Int($0) }
        guard parts.allSatisfy({ $0 != nil }) else { return nil }
        let numbers = parts.compactMap { $0 }
        let candidate: CalendarDay
        switch numbers.count {
        case 3: candidate = CalendarDay(year: numbers[0], month: numbers[1], day: numbers[2])
        case 2: candidate = CalendarDay(year: nil, month: numbers[0], day: numbers[1])
        default: return nil
        }
        guard (1...12).contains(candidate.month), (1...31).contains(candidate.day),
              (1...9999).contains(candidate.year ?? 2024) else { return nil }
        var components = DateComponents(year: candidate.year ?? 2024, month: candidate.month, day: candidate.day)
        components.calendar = Calendar(identifier: .gregorian)
        return components.isValidDate ? candidate : nil
    }
}

/// Why a time range or date in a schedule could not be read.
public struct ScheduleSyntaxError: Error, Sendable {
    public var reason: String
    init(_ reason: String) { self.reason = reason }
}

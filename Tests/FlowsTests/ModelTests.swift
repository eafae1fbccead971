import Foundation
import Testing
@testable import Flows

@Suite("Schedules, patterns, spoken values, keypad names")
struct ModelTests {
    static let berlin = TimeZone(identifier: "Europe/Berlin")!

    static func schedule() throws -> Schedule {
        let directory = """
        schedules:
          office:
            time-zone: Europe/Berlin
            weekly: { mon-fri: ["08:00-12:00", "13:00-17:00"], sat: "10:00-12:00" }
            holidays: ["12-25", "2026-04-03"]
            overrides:
              - { date: 2026-12-24, hours: "08:00-10:00" }
              - { date: 2026-12-25, hours: "09:00-10:00" }
        """
        let (system, diagnostics) = FlowFixtures.load([:], directory: directory)
        #expect(diagnostics.filter { $0.severity == .error }.isEmpty)
        return try #require(system.directory.schedule("office"))
    }

    @Test("Weekly hours in the schedule's own time zone, with lunch breaks and end minutes excluded", arguments: [
        ("2026-11-30T08:00", true), ("2026-11-30T07:59", false), ("2026-11-30T12:30", false),
        ("2026-11-30T16:59", true), ("2026-11-30T17:00", false), ("2026-11-28T11:00", true), ("2026-11-29T11:00", false),
    ])
    func weekly(time: String, open: Bool) throws {
        let date = try #require(LocalTime.parse(time, timeZone: Self.berlin))
        #expect(try Self.schedule().isOpen(at: date) == open)
    }

    @Test("The same instant seen from another zone: 07:30 UTC is 08:30 in Berlin (open)")
    func timeZones() throws {
        let utc = try #require(LocalTime.parse("2026-11-30T07:30", timeZone: TimeZone(identifier: "UTC")!))
        #expect(try Self.schedule().isOpen(at: utc))
    }

    @Test("Holidays close whole days (yearly or dated); overrides win over both")
    func holidaysAndOverrides() throws {
        let schedule = try Self.schedule()
        func open(_ text: String) -> Bool { schedule.isOpen(at: LocalTime.parse(text, timeZone: Self.berlin)!) }
        #expect(!open("2026-04-03T10:00"))
        #expect(!open("2027-12-25T11:00"))
        #expect(open("2026-12-25T09:30"))
        #expect(open("2026-12-24T09:00"))
        #expect(!open("2026-12-24T11:00"))
    }

    @Test("Dial patterns", arguments: [
        ("+4930XXXX.", "+49301234567", true), ("+4930XXXX.", "+4930123", false), ("NXXXXXX", "5551234", true),
        ("NXXXXXX", "1551234", false), ("[13-5]XX", "401", true), ("[13-5]XX", "201", false), ("0!", "0", true),
        ("sip:*@partner.example", "sip:bob@partner.example", true), ("sip:*@partner.example", "sip:bob@evil.example", false),
    ])
    func dialPatterns(pattern: String, candidate: String, matches: Bool) {
        #expect(DialPattern(pattern).matches(candidate) == matches)
    }

    @Test("Malformed patterns are named")
    func patternProblems() {
        #expect(DialPattern("12.3").problem != nil)
        #expect(DialPattern("[12").problem != nil)
        #expect(DialPattern("12X.").problem == nil)
    }

    @Test("Numbers in English fragments", arguments: [
        (0, ["number-0"]), (13, ["number-13"]), (40, ["number-40"]), (42, ["number-40", "number-2"]),
        (100, ["number-1", "number-hundred"]), (2_005, ["number-2", "number-thousand", "number-5"]),
        (-7, ["number-minus", "number-7"]),
    ])
    func numbers(value: Int, fragments: [String]) {
        #expect(SayComposer.fragments(.number, String(value)) == fragments)
    }

    @Test("Times and dates")
    func timesAndDates() {
        #expect(SayComposer.fragments(.time, "00:00") == ["number-12", "time-oclock", "time-am"])
        #expect(SayComposer.fragments(.time, "12:30") == ["number-12", "number-30", "time-pm"])
        #expect(SayComposer.fragments(.time, "24:00") == nil)
        #expect(SayComposer.fragments(.date, "2026-02-30") == nil)
        #expect(SayComposer.fragments(.date, "2026-12-25") == ["day-friday", "month-december", "ordinal-25"])
        #expect(SayComposer.fragments(.digits, "+49 30#") == ["digit-4", "digit-9", "digit-3", "digit-0", "digit-pound"])
    }

    @Test("Every fragment say can produce is a built-in prompt")
    func fragmentsAreBuiltIn() {
        let all = Set(BuiltInPrompts.all)
        var produced: [String] = []
        for number in 0...1200 { produced += SayComposer.fragments(.number, String(number)) ?? [] }
        for month in 1...12 { produced += SayComposer.fragments(.date, String(format: "2026-%02d-28", month)) ?? [] }
        for hour in 0...23 { produced += SayComposer.fragments(.time, String(format: "%02d:07", hour)) ?? [] }
        #expect(Set(produced).isSubset(of: all))
    }

    @Test("Keypad letters and name matching")
    func keypad() {
        #expect(KeypadNames.digits(for: "Chen") == "2436")
        #expect(KeypadNames.digits(for: "O'Brien") == "627436")
        let (system, _) = FlowFixtures.load([:])
        #expect(KeypadNames.matches("243", in: system.directory.people, match: .lastName).map(\.id) == ["carol"])
        #expect(KeypadNames.matches("2", in: system.directory.people, match: .firstName).map(\.id) == ["alice", "bob", "carol"])
    }

    @Test("Durations as flow files write them")
    func durations() {
        #expect(FlowDuration.parse("5s") == .seconds(5))
        #expect(FlowDuration.parse("250ms") == .milliseconds(250))
        #expect(FlowDuration.parse("1.5s") == .milliseconds(1500))
        #expect(FlowDuration.parse("2m") == .seconds(120))
        #expect(FlowDuration.parse("soon") == nil)
        #expect(FlowDuration.parse("-1s") == nil)
    }
}

@Suite("Directory: who owns a mailbox")
struct MailboxOwnerTests {
    @Test("A mailbox belongs to the person with a SIP account whose mailbox key or user name it is; others to nobody")
    func accountOwner() {
        let directory = """
        people:
          alice: { name: Alice, extension: "301", mailbox: "301", sip: { username: alice, realm: r, ha1: 0123456789abcdef0123456789abcdef } }
          bob: { name: Bob, extension: "302", sip: { username: bob, realm: r, ha1: 0123456789abcdef0123456789abcdef } }
          carol: { name: Carol, extension: "303", mailbox: "303" }
        """
        let (system, diagnostics) = FlowFixtures.load([:], directory: directory)
        #expect(diagnostics.filter { $0.severity == .error }.isEmpty, "\(diagnostics)")
        #expect(system.directory.accountOwner(ofMailbox: "301")?.id == "alice")
        #expect(system.directory.accountOwner(ofMailbox: "bob")?.id == "bob")
        #expect(system.directory.accountOwner(ofMailbox: "303") == nil)   // carol has no SIP account
        #expect(system.directory.accountOwner(ofMailbox: "sales") == nil)
    }
}

import Flows
import Foundation

/// The directory as the pages and the 380/300 bodies show it at one moment: departments
/// with their hours state, people with their departments and whether they can be rung.
public struct DirectoryListing: Sendable, Equatable {
    /// A department row.
    public struct DepartmentEntry: Sendable, Equatable {
        public var id: String
        public var name: String
        public var extensionNumber: String?
        /// Display names of the members, in the directory's order (ids when unknown).
        public var members: [String]
        /// The schedule deciding its hours (``DepartmentHours``), if any.
        public var schedule: String?
        /// Open by that schedule now; nil when it has no schedule.
        public var isOpen: Bool?

        /// Everything a search matches against, folded (``DirectoryListing/fold(_:)``).
        public var searchText: String {
            DirectoryListing.fold(([name, id, extensionNumber ?? ""] + members).joined(separator: " "))
        }
    }

    /// A person row.
    public struct PersonEntry: Sendable, Equatable {
        public var id: String
        public var name: String
        public var extensionNumber: String?
        /// Names of the departments the person is a member of.
        public var departments: [String]
        /// Can be rung now (from ``DirectoryLiveState``); nil when not asked.
        public var isReachable: Bool?

        /// Everything a search matches against, folded.
        public var searchText: String {
            DirectoryListing.fold(([name, id, extensionNumber ?? ""] + departments).joined(separator: " "))
        }
    }

    public var departments: [DepartmentEntry]
    public var people: [PersonEntry]

    public init(departments: [DepartmentEntry], people: [PersonEntry]) {
        self.departments = departments
        self.people = people
    }

    /// The listing at `date`; `reachable` holds the ids of people who can be rung (nil:
    /// unknown, as in the SIP bodies, which are built without asking the registrar).
    public init(directory: Directory, hours: DepartmentHours, at date: Date, reachable: Set<String>?) {
        let names = Dictionary(directory.people.map { ($0.id, $0.displayName) }, uniquingKeysWith: { first, _ in first })
        departments = directory.departments.map { department in
            let schedule = hours.schedule(for: department.id)
            return DepartmentEntry(
                id: department.id, name: department.displayName, extensionNumber: department.extensionNumber?.value,
                members: department.members.map { names[$0.value] ?? $0.value },
                schedule: schedule, isOpen: schedule.flatMap(directory.schedule).map { $0.isOpen(at: date) })
        }
        people = directory.people.map { person in
            PersonEntry(
                id: person.id, name: person.displayName, extensionNumber: person.extensionNumber?.value,
                departments: directory.departments.filter { $0.members.contains { $0.value == person.id } }.map(\.displayName),
                isReachable: reachable.map { $0.contains(person.id) })
        }
    }

    /// The listing at `date` with reachability asked of `liveState`.
    public static func current(directory: Directory, hours: DepartmentHours, at date: Date,
                               liveState: any DirectoryLiveState) async -> DirectoryListing {
        var reachable: Set<String> = []
        for person in directory.people where await liveState.isReachable(person: person.id) { reachable.insert(person.id) }
        return DirectoryListing(directory: directory, hours: hours, at: date, reachable: reachable)
    }

    /// The entries whose name, id, extension, members or departments contain `query`,
    /// ignoring case and accents; everything when the query is blank.
    public func filtered(by query: String) -> DirectoryListing {
        let needle = Self.fold(query.trimmingCharacters(in: .whitespacesAndNewlines))
        guard !needle.isEmpty else { return self }
        return DirectoryListing(departments: departments.filter { $0.searchText.contains(needle) },
                                people: people.filter { $0.searchText.contains(needle) })
    }

    /// Lower case without accents (canonical decomposition, combining marks U+0300–U+036F
    /// dropped): what search compares. The page's script folds the same way
    /// (`normalize('NFD')`, the same range, `toLowerCase()`), so both searches agree.
    public static func fold(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.decomposedStringWithCanonicalMapping.unicodeScalars.filter { !(0x300...0x36F).contains($0.value) })
        return String(scalars).lowercased()
    }
}

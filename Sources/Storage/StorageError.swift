/// Why the database could not be opened or read.
public enum StorageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The database was migrated by a newer Switchboard (it has migrations this one does
    /// not know); opening it could damage it.
    case newerSchema(path: String, unknownMigrations: [String])
    /// A stored row holds a value this version cannot read.
    case corruptRow(table: String, reason: String)
    /// The data folder could not be created or used.
    case dataDirectory(path: String, reason: String)

    public var description: String {
        switch self {
        case .newerSchema(let path, let unknown):
            "\(path) was written by a newer Switchboard (unknown migrations: \(unknown.joined(separator: ", ")))"
        case .corruptRow(let table, let reason): "unreadable row in \(table): \(reason)"
        case .dataDirectory(let path, let reason): "data directory \(path): \(reason)"
        }
    }
}

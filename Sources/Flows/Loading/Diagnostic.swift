/// A place in a flow file: path, 1-based line and 1-based column (Unicode scalars, as libyaml counts).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:col`, the form editors and terminals turn into links.
    public var description: String { "\(file):\(line):\(column)" }
}

/// One finding of the loader or the checker, printed as `file:line:col: error: message` and a hint line.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible, Error {
    /// Errors make `switchboard check` fail and stop a reload; warnings are printed only.
    public enum Severity: String, Sendable, Hashable {
        case error, warning
    }

    /// What kind of problem it is; tests and tools match on this rather than on the wording.
    public enum Kind: String, Sendable, Hashable {
        case syntax, fileTooLarge, aliasBomb, unknownKey, missingKey, badValue
        case danglingStep, danglingFlow, danglingDepartment, danglingPerson, danglingMailbox, danglingSchedule
        case unreachableStep, missingPrompt, undecodablePrompt, duplicateExtension, duplicateName
        case scheduleError, loopWithoutInput, outboundNotAllowed, menuKeyCollidesWithExtension
        case badParameter
    }

    public var location: SourceLocation
    public var severity: Severity
    public var kind: Kind
    public var message: String
    public var hint: String?

    public init(_ kind: Kind, at location: SourceLocation, _ message: String, hint: String? = nil,
                severity: Severity = .error) {
        self.kind = kind
        self.location = location
        self.message = message
        self.hint = hint
        self.severity = severity
    }

    public var description: String {
        var text = "\(location): \(severity.rawValue): \(message)"
        if let hint { text += "\n  hint: \(hint)" }
        return text
    }
}

/// Collects diagnostics while a document is read, so one pass reports every problem, not the first.
public struct DiagnosticLog: Sendable {
    public private(set) var diagnostics: [Diagnostic] = []

    public init() {}

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    public mutating func add(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

    public mutating func add(contentsOf other: [Diagnostic]) { diagnostics.append(contentsOf: other) }

    public mutating func error(_ kind: Diagnostic.Kind, at location: SourceLocation, _ message: String,
                               hint: String? = nil) {
        diagnostics.append(Diagnostic(kind, at: location, message, hint: hint))
    }

    /// Diagnostics in file, line, column order (how a reader scans them).
    public var sorted: [Diagnostic] {
        diagnostics.sorted {
            ($0.location.file, $0.location.line, $0.location.column) < ($1.location.file, $1.location.line, $1.location.column)
        }
    }
}

extension SourceLocation {
    /// For defaults the language supplies (built-in prompt names), which no file wrote.
    public static let builtIn = SourceLocation(file: "<built-in>", line: 0, column: 0)
}

/// A session description that could not be parsed.
///
/// Every error names the 1-based line it was found on (except ``Kind/inputTooLarge``,
/// which concerns the input as a whole) and says in plain words what is wrong, e.g.
/// `line 4: bad o= line: expected 6 fields, found 5`.
public struct SDPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The category of the problem, so callers can react without matching on message text.
    public enum Kind: Equatable, Sendable {
        /// The input is larger than ``SessionDescription/maximumInputSize``.
        case inputTooLarge
        /// The input has more than ``SessionDescription/maximumLineCount`` lines.
        case tooManyLines
        /// The input has more than ``SessionDescription/maximumMediaCount`` `m=` sections.
        case tooManyMediaSections
        /// A line is not valid UTF-8 or contains a NUL or a bare CR.
        case invalidText
        /// A line is not of the form `<letter>=<value>`, or an `a=` line has no name.
        case malformedLine
        /// The first line is not a `v=` line (RFC 8866 §5).
        case missingVersion
        /// The `v=` line is not `v=0` (RFC 8866 §5.1).
        case unsupportedVersion
        /// No `o=` line directly after `v=` (RFC 8866 §5).
        case missingOrigin
        /// No `s=` line directly after `o=` (RFC 8866 §5).
        case missingSessionName
        /// The `o=` line is malformed (RFC 8866 §5.2).
        case badOrigin
        /// A `c=` line is malformed (RFC 8866 §5.7).
        case badConnection
        /// A `b=` line is malformed (RFC 8866 §5.8).
        case badBandwidth
        /// A `t=` line is malformed (RFC 8866 §5.9).
        case badTiming
        /// An `m=` line is malformed (RFC 8866 §5.14).
        case badMedia
        /// A line that may appear only once at its level appears again.
        case duplicateLine
        /// A line appears where RFC 8866 §5 does not allow it (e.g. `t=` inside a media section).
        case misplacedLine
        /// A media section with a non-zero port has no connection address at either level (RFC 8866 §5.7).
        case missingConnection
    }

    /// The category of the problem.
    public let kind: Kind
    /// The 1-based line number, or `nil` when the problem concerns the whole input.
    public let line: Int?
    /// What is wrong, without the line prefix.
    public let message: String

    /// Creates an error; `line` is 1-based.
    public init(_ kind: Kind, line: Int?, _ message: String) {
        self.kind = kind
        self.line = line
        self.message = message
    }

    /// `line N: message`, or just the message when no line applies.
    public var description: String {
        guard let line else { return message }
        return "line \(line): \(message)"
    }
}

/// What is wrong with a SIP message, precise enough to become the reason phrase of a `400`
/// (or the status a server should answer with, see `suggestedStatus`).
public enum SIPParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The message is larger than the configured limit (RFC 3261 §18.1.1; answered with `513`).
    case messageTooLarge(limit: Int)
    /// More header lines than the configured limit.
    case tooManyHeaders(limit: Int)
    /// A line (after unfolding) longer than the configured limit.
    case lineTooLong(limit: Int)
    /// Input ended before the blank line that ends the headers.
    case incompleteHeaders
    /// The Request-Line or Status-Line does not follow RFC 3261 §7.1 / §7.2.
    case badStartLine(String)
    /// The SIP-Version is not `SIP/2.0` (answered with `505`, RFC 3261 §21.5.7).
    case unsupportedVersion(String)
    /// A header line without a colon or with an invalid name.
    case badHeaderLine(String)
    /// A header's value does not match its grammar.
    case badHeaderValue(header: String, reason: String)
    /// A mandatory header is missing (RFC 3261 §8.1.1).
    case missingHeader(String)
    /// A header that may appear once appears more than once.
    case duplicateHeader(String)
    /// The CSeq method differs from the request method (RFC 3261 §8.1.1.5).
    case cseqMethodMismatch(cseq: String, request: String)
    /// A URI that does not match RFC 3261 §19.1 / §25 (or RFC 3966 for tel).
    case malformedURI(String)
    /// The Request-URI's scheme is not supported (answered with `416`, RFC 3261 §8.2.2.1).
    case unsupportedURIScheme(String)
    /// Content-Length disagrees with the bytes received (RFC 3261 §18.3).
    case contentLengthMismatch(declared: Int, available: Int)
    /// A stream message without Content-Length (RFC 3261 §18.3 makes it mandatory on streams).
    case missingContentLength

    /// The human-readable description, suitable as a reason phrase after "Bad Request - ".
    public var description: String {
        switch self {
        case .messageTooLarge(let limit): return "message larger than \(limit) bytes"
        case .tooManyHeaders(let limit): return "more than \(limit) header lines"
        case .lineTooLong(let limit): return "line longer than \(limit) bytes"
        case .incompleteHeaders: return "headers not terminated by an empty line"
        case .badStartLine(let why): return "malformed start line: \(why)"
        case .unsupportedVersion(let version): return "unsupported SIP version \(version)"
        case .badHeaderLine(let why): return "malformed header line: \(why)"
        case .badHeaderValue(let header, let reason): return "malformed \(header) header: \(reason)"
        case .missingHeader(let name): return "missing \(name) header"
        case .duplicateHeader(let name): return "more than one \(name) header"
        case .cseqMethodMismatch(let cseq, let request): return "CSeq method \(cseq) does not match request method \(request)"
        case .malformedURI(let why): return "malformed URI: \(why)"
        case .unsupportedURIScheme(let scheme): return "unsupported URI scheme \(scheme)"
        case .contentLengthMismatch(let declared, let available):
            return "Content-Length \(declared) but \(available) body bytes"
        case .missingContentLength: return "missing Content-Length on a stream transport"
        }
    }

    /// The status a server answers with (RFC 3261 §21): most errors are `400 Bad Request`.
    public var suggestedStatus: Int {
        switch self {
        case .messageTooLarge: return 513
        case .unsupportedVersion: return 505
        case .unsupportedURIScheme: return 416
        default: return 400
        }
    }

    /// A reason phrase for the response, naming what is wrong. Printable ASCII only.
    public var reasonPhrase: String {
        let base: String
        switch suggestedStatus {
        case 513: base = "Message Too Large"
        case 505: base = "Version Not Supported"
        case 416: base = "Unsupported URI Scheme"
        default: base = "Bad Request"
        }
        let detail = description.unicodeScalars.map { $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?" }
        return base + " (" + String(detail.prefix(200)) + ")"
    }
}

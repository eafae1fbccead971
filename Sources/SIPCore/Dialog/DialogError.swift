import SIPMessage

/// Why a dialog could not be created or a request could not be built from it.
public enum DialogError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A header the rule needs is missing or does not parse (the peer gets a `400`).
    case badHeader(String)
    /// The response has no To tag and is provisional, so it creates no dialog (RFC 3261 §12.1).
    case noDialogCreated
    /// The response status cannot create a dialog (only 101–299 can, RFC 3261 §12.1).
    case statusCannotCreateDialog(Int)
    /// The request method cannot create a dialog here (only INVITE is handled, RFC 3261 §12.1).
    case methodCannotCreateDialog(String)
    /// The dialog has ended (RFC 3261 §12.3); nothing more can be sent in it.
    case terminated
    /// The Via given for a new request has no RFC 3261 branch (`z9hG4bK…`, §8.1.1.7).
    case missingBranch
    /// The local CSeq would pass 2**32-1 (RFC 3261 §8.1.1.5).
    case sequenceExhausted

    public var description: String {
        switch self {
        case .badHeader(let name): return "missing or malformed " + name
        case .noDialogCreated: return "a provisional response without a To tag creates no dialog"
        case .statusCannotCreateDialog(let status): return "status " + String(status) + " cannot create a dialog"
        case .methodCannotCreateDialog(let method): return method + " cannot create a dialog"
        case .terminated: return "the dialog has terminated"
        case .missingBranch: return "the Via has no z9hG4bK branch"
        case .sequenceExhausted: return "the local CSeq is exhausted"
        }
    }
}

import SIPMessage

/// The dialogs of a user agent (or of one call), found by ID (RFC 3261 §12.2.2).
///
/// `route(_:)` decides what happens to an incoming request: a request with a To tag must
/// match a dialog, or it gets `481`; a request without one is outside any dialog and goes to
/// the UAS core, except the methods that only make sense in a dialog (BYE, UPDATE, INFO,
/// PRACK), which also get `481`.
public struct DialogTable: Sendable {
    /// The dialogs by ID, terminated ones until `removeTerminated()`.
    public private(set) var dialogs: [DialogID: Dialog] = [:]

    public init() {}

    /// Where an incoming request goes.
    public enum Routing: Hashable, Sendable {
        /// It matched a dialog, which accepted it (and updated itself).
        case inDialog(DialogID)
        /// An ACK for a 2xx of the dialog: stop that 2xx's retransmissions (§13.3.1.4).
        case ack(DialogID, inviteSequence: UInt32)
        /// Not for a dialog: a new request for the UAS core (§8.2), e.g. an initial INVITE.
        case outsideDialog
        /// Answer with this (`481`, `500`, `491`, `400`) and do nothing else.
        case reject(DialogRejection)
        /// Drop silently (an ACK that matches nothing: ACKs are never answered, §17.2.3).
        case discard
    }

    /// Methods that need a dialog: outside one they get `481` (RFC 3261 §15.1.2 for BYE;
    /// RFC 3311 §5.2 UPDATE; RFC 6086 §4.2.1 INFO; RFC 3262 §3 PRACK).
    public static func requiresDialog(_ method: SIPMethod) -> Bool {
        switch method {
        case .bye, .update, .info, .prack: return true
        default: return false
        }
    }

    public subscript(id: DialogID) -> Dialog? {
        get { dialogs[id] }
        set { dialogs[id] = newValue }
    }

    /// Adds or replaces a dialog.
    public mutating func insert(_ dialog: Dialog) { dialogs[dialog.id] = dialog }

    /// Removes a dialog.
    @discardableResult
    public mutating func remove(_ id: DialogID) -> Dialog? { dialogs.removeValue(forKey: id) }

    /// Removes every terminated dialog.
    public mutating func removeTerminated() { dialogs = dialogs.filter { $0.value.isActive } }

    public var count: Int { dialogs.count }

    /// Matches `request` to a dialog and lets it judge the request (RFC 3261 §12.2.2).
    /// CANCEL never reaches here: the transaction layer answers it (§9.2).
    /// - Parameter retryAfter: the Retry-After (0–10 s) to use if an overlapping INVITE must
    ///   be refused with `500` (§14.2); the caller draws it.
    public mutating func route(_ request: SIPMessage, retryAfter: UInt32 = 0) -> Routing {
        guard let method = request.method else { return .discard }
        guard let id = DialogID(incomingRequest: request) else {
            // No To tag (or unparsable To/From/Call-ID).
            if (try? request.to()) == nil || (try? request.from()) == nil || (try? request.callID()) == nil {
                return method == .ack ? .discard : .reject(DialogRejection(status: 400))
            }
            if method == .ack { return .discard }
            return DialogTable.requiresDialog(method) ? .reject(.noDialog) : .outsideDialog
        }
        guard var dialog = dialogs[id] else {
            // §12.2.2: "If the UAS wishes to reject the request because it does not wish to
            // recreate the dialog, it MUST respond to the request with a 481".
            return method == .ack ? .discard : .reject(.noDialog)
        }
        let verdict = dialog.receive(request, retryAfter: retryAfter)
        dialogs[id] = dialog
        switch verdict {
        case .accept: return .inDialog(id)
        case .ack(let sequence): return .ack(id, inviteSequence: sequence)
        case .reject(let rejection): return .reject(rejection)
        case .discard: return .discard
        }
    }
}

import SIPMessage

/// A REGISTER that passed RFC 3261 §10.3 steps 1–5 and the per-contact checks of step 7
/// that need no stored bindings: what it asks the location service to do.
struct RegisterRequest: Sendable {
    /// One Contact address of the request with the interval the registrar grants it.
    struct Contact: Sendable {
        var uri: URI
        /// Seconds granted (after the max clamp); 0 asks for removal.
        var expires: UInt32
        var q: Double?
        var instanceID: String?
        /// Only set together with `instanceID` (RFC 5626 §6).
        var regID: UInt32?

        var isOutboundFlow: Bool { instanceID != nil && regID != nil }
    }

    /// What the Contact header asks for (§10.3 step 6).
    enum Action: Sendable {
        /// No Contact: return the current bindings.
        case query
        /// `Contact: *` with `Expires: 0`: remove every binding.
        case removeAll
        /// Add, refresh or remove these contacts.
        case bind([Contact])
    }

    var aor: AddressOfRecord
    var callID: String
    var cseq: UInt32
    var userAgent: String?
    var action: Action

    /// Whether any contact is keyed by instance ID and reg-id, so the 2xx carries
    /// `Require: outbound` (RFC 5626 §6).
    var usesOutbound: Bool {
        if case .bind(let contacts) = action { return contacts.contains { $0.isOutboundFlow } }
        return false
    }
}

/// A REGISTER the registrar refuses: the status, an optional specific reason phrase, and
/// headers the response needs (`Min-Expires`, `Unsupported`).
struct RegistrarRejection: Error, Sendable, Equatable {
    var status: Int
    var reason: String?
    var headers: [SIPHeader]

    init(_ status: Int, _ reason: String? = nil, headers: [SIPHeader] = []) {
        self.status = status
        self.reason = reason
        self.headers = headers
    }
}

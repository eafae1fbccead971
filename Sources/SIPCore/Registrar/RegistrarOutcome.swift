import SIPMessage
import SIPTransaction

/// What the transport and digest layers know about a REGISTER that its message does not say.
public struct RegisterContext: Sendable, Hashable {
    /// Where the request came from; stored with each binding it creates (RFC 5626 §6).
    public var source: TransportFlow
    /// The username the digest layer authenticated (RFC 3261 §10.3 step 3), or nil when it
    /// did not run.
    public var authenticatedUser: String?

    public init(source: TransportFlow, authenticatedUser: String?) {
        self.source = source
        self.authenticatedUser = authenticatedUser
    }
}

/// The result of one REGISTER: the response to send (through the server transaction) and
/// the bindings it changed. Nothing has been sent; the caller does the I/O.
public struct RegistrarOutcome: Sendable {
    /// The final response (`200` with the AOR's bindings, or the rejection).
    public var response: SIPMessage
    /// Bindings added, refreshed, removed or found expired, in order; empty on rejection.
    public var changes: [BindingChange]

    public init(response: SIPMessage, changes: [BindingChange] = []) {
        self.response = response
        self.changes = changes
    }

    /// The response's status code.
    public var status: Int { response.statusCode ?? 0 }
}

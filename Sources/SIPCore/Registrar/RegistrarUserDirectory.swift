/// Who may have bindings: the people of `flows/directory.yaml` with SIP credentials. The
/// Flows layer implements it; the registrar asks it for RFC 3261 §10.3 step 5 ("If the
/// address-of-record is not valid for the domain … 404").
///
/// Synchronous: the directory is loaded in memory when the flows are (re)loaded.
public protocol RegistrarUserDirectory: Sendable {
    /// Whether `aor` names a user who may register.
    func isKnownUser(_ aor: AddressOfRecord) -> Bool
}

/// A `RegistrarUserDirectory` answering with a closure (tests, simple setups).
public struct ClosureUserDirectory: RegistrarUserDirectory {
    private let known: @Sendable (AddressOfRecord) -> Bool

    public init(_ known: @escaping @Sendable (AddressOfRecord) -> Bool) {
        self.known = known
    }

    /// A directory of exactly these AORs.
    public init(_ aors: Set<AddressOfRecord>) {
        self.known = { aors.contains($0) }
    }

    public func isKnownUser(_ aor: AddressOfRecord) -> Bool { known(aor) }
}

/// A change to the location service, reported so that MWI, status pages and logs can
/// follow registrations without polling the store.
public struct BindingChange: Hashable, Sendable, CustomStringConvertible {
    /// What happened to the binding.
    public enum Kind: String, Hashable, Sendable {
        /// A new contact was bound to the AOR.
        case added
        /// An existing binding was refreshed (new expiry, Call-ID, CSeq, flow or q).
        case refreshed
        /// The UA removed it (`expires=0`, `Expires: 0` or `Contact: *`).
        case removed
        /// It expired without a refresh and was dropped.
        case expired
    }

    public var kind: Kind
    /// The binding after the change (for `removed`/`expired`, as it was last stored).
    public var binding: LocationBinding

    public init(_ kind: Kind, _ binding: LocationBinding) {
        self.kind = kind
        self.binding = binding
    }

    public var description: String { "\(kind.rawValue) \(binding.aor) \(binding.contact)" }
}

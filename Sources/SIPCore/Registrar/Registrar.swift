import SIPMessage
import SIPTransaction

/// A registrar (RFC 3261 §10.3) over a `LocationStore`, sans-IO: it takes a REGISTER that
/// the digest layer has already authenticated, with the current wall-clock instant, and
/// returns the response to send and the binding changes. It never reads a clock or a socket.
///
/// The steps, in the RFC's order:
/// 1. Request-URI host must be a served domain, else `404 Domain Not Served`.
/// 2. `Require` with an option tag not in `supportedExtensions` → `420` with `Unsupported`.
/// 3–4. The authenticated user must be the AOR's user, else `403` (no third-party
///    registration); with `requireAuthentication`, no authenticated user is `403` as well.
/// 5. The To URI, canonicalised, is the AOR; a non-SIP or user-less To, a domain not served,
///    or a user the `RegistrarUserDirectory` does not know → `404 Not Found`.
/// 6. No Contact: a query. `Contact: *` needs `Expires: 0` and to be alone (else `400`), and
///    removes every binding subject to the Call-ID/CSeq rule.
/// 7. Each contact's interval: its `expires` parameter, else `Expires`, else `defaultExpires`;
///    0 < interval < min(3600, `minExpires`) → `423` with `Min-Expires`; longer than
///    `maxExpires` is shortened. A contact already bound with the same Call-ID and a CSeq
///    not higher fails the whole request with `500`; a different Call-ID replaces it.
///    All updates are committed together or not at all (`500` when the store fails).
///    Adding a binding beyond `maxBindingsPerAOR` → `403 Too Many Contacts`.
/// 8. `200` listing every live binding with its remaining `expires`, and a `Date`.
///
/// Instants are wall-clock (`SIPInstant` nanoseconds since the Unix epoch): bindings are
/// stored across restarts and `Date` is derived from the same value.
public struct Registrar: Sendable {
    public var configuration: RegistrarConfiguration
    /// Which AORs may register (the directory's people).
    public let users: any RegistrarUserDirectory
    /// Where bindings live.
    public let store: any LocationStore

    public init(configuration: RegistrarConfiguration, users: any RegistrarUserDirectory, store: any LocationStore) {
        self.configuration = configuration
        self.users = users
        self.store = store
    }

    /// Processes one REGISTER (RFC 3261 §10.3) and returns the final response and changes.
    public func handle(_ request: SIPMessage, context: RegisterContext, now: SIPInstant) async -> RegistrarOutcome {
        let toTag = Self.toTag(for: request)
        let prepared: RegisterRequest
        switch validate(request, context) {
        case .failure(let rejection): return RegistrarOutcome(response: Self.response(to: request, rejection, toTag: toTag))
        case .success(let value): prepared = value
        }
        let update = RegistrationUpdate(request: prepared, source: context.source, now: now,
                                        maxBindings: configuration.maxBindingsPerAOR)
        let result: Result<RegistrationUpdate.Applied, RegistrarRejection>
        do {
            result = try await store.update(prepared.aor) { bindings in
                let result = update.apply(to: bindings)
                if case .success(let applied) = result { bindings = applied.stored }
                return result
            }
        } catch {
            // §10.3 step 7: a failed commit fails the request with 500; nothing was stored.
            let rejection = RegistrarRejection(500, "Server Internal Error (location store: \(error))")
            return RegistrarOutcome(response: Self.response(to: request, rejection, toTag: toTag))
        }
        switch result {
        case .failure(let rejection):
            return RegistrarOutcome(response: Self.response(to: request, rejection, toTag: toTag))
        case .success(let applied):
            let live = applied.stored.filter { $0.isLive(at: now) }.sorted(by: LocationBinding.lookupOrder)
            let response = Self.success(to: request, bindings: live, now: now, toTag: toTag,
                                        requireOutbound: prepared.usesOutbound)
            return RegistrarOutcome(response: response, changes: applied.changes)
        }
    }

    /// The live contacts of `aor` at `now`, highest q first, then most recently refreshed:
    /// the targets a transfer rings, together (simultaneous) or in turn (sequential).
    public func bindings(for aor: AddressOfRecord, now: SIPInstant) async throws -> [LocationBinding] {
        try await store.bindings(for: aor, at: now)
    }

    /// Drops bindings that expired by `now` (call it periodically) and reports them.
    public func purgeExpired(now: SIPInstant) async throws -> [BindingChange] {
        try await store.purgeExpired(at: now).map { BindingChange(.expired, $0) }
    }
}

import SIPMessage

/// The target set of RFC 3261 §8.1.3.4 for one leg: every URI the leg has sent (or will
/// send) an INVITE to, each at most once — "placing any given URI in the target set only
/// once prevents infinite redirection loops" — and the ones still to try, in order of
/// decreasing `q` (ties keep the order of the Contact header).
struct RedirectTargetSet: Sendable {
    /// Every URI in the set, tried or pending.
    private(set) var known: [URI] = []
    /// URIs still to try, best first.
    private(set) var pending: [URI] = []

    init(first: URI) {
        known = [first]
    }

    /// Adds the usable, new Contact URIs of a 3xx; returns how many were added. Only `sip`
    /// and `sips` URIs are usable (a `tel` or other URI needs a gateway the 3xx did not
    /// name). URI headers and `method` are dropped (§19.1.1 Table 1); a URI equivalent
    /// (§19.1.4) to one already known is skipped.
    mutating func add(contactsOf response: SIPMessage) -> Int {
        guard case .addresses(let addresses)? = try? response.contact() else { return 0 }
        let ordered = addresses.enumerated()
            .sorted { ($0.element.q ?? 1.0, -$0.offset) > ($1.element.q ?? 1.0, -$1.offset) }
            .map(\.element.uri)
        var added = 0
        for candidate in ordered {
            guard case .sip = candidate else { continue }
            let uri = OutboundTarget.requestURI(from: candidate)
            guard !known.contains(where: { $0.isEquivalent(to: uri) }) else { continue }
            known.append(uri)
            pending.append(uri)
            added += 1
        }
        return added
    }

    /// The next URI to try, removed from the pending list.
    mutating func next() -> URI? {
        pending.isEmpty ? nil : pending.removeFirst()
    }
}

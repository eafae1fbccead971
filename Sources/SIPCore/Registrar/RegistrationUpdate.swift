import SIPMessage
import SIPTransaction

/// RFC 3261 §10.3 steps 6–7 against the stored bindings of one AOR: match each contact to a
/// binding, apply the Call-ID/CSeq rule, add, refresh or remove, and enforce the binding
/// limit. Pure: it returns the new binding list, and its caller commits it (all or nothing).
struct RegistrationUpdate: Sendable {
    /// A successful update: the AOR's bindings to store and what changed.
    struct Applied: Sendable {
        var stored: [LocationBinding]
        var changes: [BindingChange]
    }

    var request: RegisterRequest
    var source: TransportFlow
    var now: SIPInstant
    var maxBindings: Int

    /// The new bindings of the AOR, or why the request fails (nothing is then changed).
    func apply(to current: [LocationBinding]) -> Result<Applied, RegistrarRejection> {
        var changes: [BindingChange] = []
        // Expired bindings are gone whatever the request says.
        var working: [LocationBinding?] = []
        working.reserveCapacity(current.count + 1)
        for binding in current {
            if binding.isLive(at: now) {
                working.append(binding)
            } else {
                changes.append(BindingChange(.expired, binding))
            }
        }

        switch request.action {
        case .query:
            break

        case .removeAll:
            // Step 6: per binding, a different Call-ID removes it; the same Call-ID removes
            // it only if the request's CSeq is higher; otherwise the update is aborted.
            for index in working.indices {
                guard let binding = working[index] else { continue }
                if binding.callID == request.callID, request.cseq <= binding.cseq { return .failure(Self.outOfOrder) }
                working[index] = nil
                changes.append(BindingChange(.removed, binding))
            }

        case .bind(let contacts):
            // Where the change for each binding this request already wrote sits in
            // `contactChanges`: a contact listed twice is updated once, the last value winning.
            var written: [Int: Int] = [:]
            var contactChanges: [BindingChange?] = []
            var added = false
            for contact in contacts {
                if let index = Self.index(of: contact, in: working), let existing = working[index] {
                    if let change = written[index] {
                        let kind = contactChanges[change]?.kind ?? .refreshed
                        if contact.expires == 0 {
                            working[index] = nil
                            contactChanges[change] = kind == .added ? nil : BindingChange(.removed, existing)
                        } else {
                            let updated = binding(for: contact)
                            working[index] = updated
                            contactChanges[change] = BindingChange(kind, updated)
                        }
                        continue
                    }
                    // Step 7: the same Call-ID needs a higher CSeq, else the request fails.
                    if existing.callID == request.callID, request.cseq <= existing.cseq {
                        return .failure(Self.outOfOrder)
                    }
                    if contact.expires == 0 {
                        working[index] = nil
                        contactChanges.append(BindingChange(.removed, existing))
                    } else {
                        let refreshed = binding(for: contact)
                        working[index] = refreshed
                        contactChanges.append(BindingChange(.refreshed, refreshed))
                    }
                    written[index] = contactChanges.count - 1
                } else if contact.expires > 0 {
                    // Not bound yet: tentatively added.
                    let new = binding(for: contact)
                    working.append(new)
                    contactChanges.append(BindingChange(.added, new))
                    written[working.count - 1] = contactChanges.count - 1
                    added = true
                }
                // Removing a contact that is not bound is no error: there is nothing to do.
            }
            // A policy limit on live bindings; refreshes and removals always pass.
            if added, working.reduce(0, { $0 + ($1 == nil ? 0 : 1) }) > maxBindings {
                return .failure(RegistrarRejection(403, "Too Many Contacts"))
            }
            changes += contactChanges.compactMap { $0 }
        }
        return .success(Applied(stored: working.compactMap { $0 }, changes: changes))
    }

    /// §10.3 step 7: "If not, the update MUST be aborted and the request fails", with the
    /// 500 the same step names for a failed commit.
    static let outOfOrder = RegistrarRejection(500, "Server Internal Error (REGISTER out of order: CSeq not higher)")

    /// Whether `contact` names `binding`: by instance ID and reg-id when the contact has both
    /// (RFC 5626 §6), else by URI equivalence (RFC 3261 §10.3 step 7, §19.1.4).
    static func matches(_ binding: LocationBinding, _ contact: RegisterRequest.Contact) -> Bool {
        if contact.isOutboundFlow {
            return binding.isOutboundFlow && binding.instanceID == contact.instanceID && binding.regID == contact.regID
        }
        return !binding.isOutboundFlow && binding.contact.isEquivalent(to: contact.uri)
    }

    /// The binding `contact` names; an RFC 5626 contact with no binding of its instance and
    /// reg-id takes over a plain binding of the same URI (a phone that turned outbound on),
    /// rather than leaving two bindings to one address.
    static func index(of contact: RegisterRequest.Contact, in bindings: [LocationBinding?]) -> Int? {
        if let index = bindings.firstIndex(where: { $0.map { matches($0, contact) } ?? false }) { return index }
        guard contact.isOutboundFlow else { return nil }
        return bindings.firstIndex { $0.map { !$0.isOutboundFlow && $0.contact.isEquivalent(to: contact.uri) } ?? false }
    }

    private func binding(for contact: RegisterRequest.Contact) -> LocationBinding {
        LocationBinding(aor: request.aor, contact: contact.uri, expiresAt: now + .seconds(Int64(contact.expires)),
                        q: contact.q, callID: request.callID, cseq: request.cseq, updatedAt: now, source: source,
                        instanceID: contact.instanceID, regID: contact.regID, userAgent: request.userAgent)
    }
}

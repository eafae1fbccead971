import SIPMessage

/// RFC 3261 §10.3 steps 1–6 and the expiry part of step 7: the checks that need only the
/// request, done before the location store is touched.
extension Registrar {
    func validate(_ request: SIPMessage, _ context: RegisterContext) -> Result<RegisterRequest, RegistrarRejection> {
        do {
            return .success(try validated(request, context))
        } catch {
            return .failure(error)
        }
    }

    private func validated(_ request: SIPMessage, _ context: RegisterContext) throws(RegistrarRejection) -> RegisterRequest {
        guard request.method == .register else {
            throw RegistrarRejection(405, headers: [SIPHeader(name: "Allow", value: "REGISTER")])
        }
        // Headers every request carries (§8.1.1); a REGISTER without them is malformed.
        let callID: String, cseq: CSeq, to: NameAddress
        do {
            callID = try request.callID()
            cseq = try request.cseq()
            to = try request.to()
        } catch {
            throw RegistrarRejection(400, "Bad Request (\(error))")
        }
        guard cseq.method == .register else { throw RegistrarRejection(400, "Bad Request (CSeq method is not REGISTER)") }

        // Step 1: the Request-URI names a domain this registrar serves. Not being a proxy,
        // it cannot forward; 404 says the domain's location service is not here.
        guard case .sip(let requestURI)? = request.requestURI, configuration.serves(requestURI.host) else {
            throw RegistrarRejection(404, "Domain Not Served")
        }

        // Step 2: Require (§8.2.2.3).
        let required: [String]
        do { required = try request.require() } catch { throw RegistrarRejection(400, "Bad Request (\(error))") }
        let unsupported = required.filter { !configuration.supportedExtensions.contains($0.lowercased()) }
        if !unsupported.isEmpty {
            throw RegistrarRejection(420, headers: [SIPHeader(name: "Unsupported", value: unsupported.joined(separator: ", "))])
        }

        // Step 5 (first half): the AOR is the To URI in canonical form; it must be a SIP URI
        // with a user part (§10.2), else it cannot be valid for any domain.
        guard let aor = AddressOfRecord(uri: to.uri) else { throw RegistrarRejection(404) }

        // Steps 3–4: the digest layer authenticated the request; the authenticated user may
        // change only their own AOR (no third-party registration).
        if let user = context.authenticatedUser {
            guard user == aor.user else { throw RegistrarRejection(403, "Forbidden (not your address of record)") }
        } else if configuration.requireAuthentication {
            throw RegistrarRejection(403, "Forbidden (not authenticated)")
        }

        // Step 5: the AOR must be valid for the domain: a served domain and a known user.
        guard configuration.serves(aor.domain), users.isKnownUser(aor) else { throw RegistrarRejection(404) }

        let userAgent = request.headers.first(.userAgent)
        return RegisterRequest(aor: aor, callID: callID, cseq: cseq.sequence, userAgent: userAgent,
                               action: try action(of: request))
    }

    /// Step 6 (Contact, `*`) and step 7 (each contact's interval, 423, the max clamp).
    private func action(of request: SIPMessage) throws(RegistrarRejection) -> RegisterRequest.Action {
        let contact: ContactValue?, expiresHeader: UInt32?
        do {
            contact = try request.contact()
            expiresHeader = try request.expires()
        } catch {
            throw RegistrarRejection(400, "Bad Request (\(error))")
        }
        switch contact {
        case nil:
            return .query
        case .wildcard?:
            // Step 6: `*` must be alone (the parser refuses `*` with other values) and come
            // with `Expires: 0`.
            guard expiresHeader == 0 else { throw RegistrarRejection(400, "Bad Request (Contact '*' needs Expires: 0)") }
            return .removeAll
        case .addresses(let addresses)?:
            var contacts: [RegisterRequest.Contact] = []
            contacts.reserveCapacity(addresses.count)
            for address in addresses {
                contacts.append(try requested(address, expiresHeader: expiresHeader))
            }
            return .bind(contacts)
        }
    }

    private func requested(_ address: NameAddress, expiresHeader: UInt32?) throws(RegistrarRejection) -> RegisterRequest.Contact {
        let parameters = address.parameters
        // Step 7: the Contact's expires, else the Expires header, else the default.
        let requested: UInt32
        if parameters.contains(named: "expires") {
            guard let value = Self.deltaSeconds(parameters["expires"]) else {
                throw RegistrarRejection(400, "Bad Request (Contact expires is not delta-seconds)")
            }
            requested = value
        } else {
            requested = expiresHeader ?? configuration.defaultExpires
        }
        // "If and only if the requested expiration interval is greater than zero AND smaller
        // than one hour AND less than a registrar-configured minimum" → 423 (§10.3 step 7).
        if requested > 0, requested < 3600, requested < configuration.minExpires {
            throw RegistrarRejection(423, headers: [SIPHeader(name: "Min-Expires", value: String(configuration.minExpires))])
        }
        let granted = min(requested, configuration.maxExpires)

        if parameters.contains(named: "q"), address.q == nil {
            throw RegistrarRejection(400, "Bad Request (Contact q is not a qvalue)")
        }
        // RFC 5626 §6: reg-id counts only with +sip.instance; without it the contact is
        // bound by URI as in RFC 3261.
        let instanceID = parameters.first(named: "+sip.instance")?.unquotedValue
        var regID: UInt32? = nil
        if parameters.contains(named: "reg-id") {
            guard let value = Self.deltaSeconds(parameters["reg-id"]), value > 0 else {
                throw RegistrarRejection(400, "Bad Request (reg-id is not a positive integer)")
            }
            regID = instanceID == nil ? nil : value
        }
        return RegisterRequest.Contact(uri: address.uri, expires: granted, q: address.q,
                                       instanceID: instanceID, regID: regID)
    }

    /// `1*DIGIT` as a `UInt32`, saturating like the Expires header (§20.19); nil otherwise.
    static func deltaSeconds(_ text: String?) -> UInt32? {
        guard let text, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return UInt32(text) ?? UInt32.max
    }
}

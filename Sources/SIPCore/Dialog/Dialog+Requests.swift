import SIPMessage

/// A request built within a dialog and where to send it.
public struct DialogRequest: Equatable, Sendable {
    /// The request, ready to hand to the transaction layer (or, for an ACK, the transport).
    public var message: SIPMessage
    /// The URI whose host the request goes to (RFC 3263 resolution): the first Route when
    /// there is one, otherwise — or when the first hop is a strict router — the Request-URI
    /// (RFC 3261 §8.1.2).
    public var nextHop: URI

    public init(message: SIPMessage, nextHop: URI) {
        self.message = message
        self.nextHop = nextHop
    }
}

/// Building requests within a dialog (RFC 3261 §12.2.1.1) and the ACK for a 2xx (§13.2.2.4).
extension Dialog {
    /// Builds a request in this dialog (RFC 3261 §12.2.1.1): To is the remote URI and tag,
    /// From the local URI and tag, Call-ID the dialog's, CSeq the local sequence number plus
    /// one (1 when it was empty), Request-URI and Route from the route set and remote target
    /// (loose or strict routing), `via` as the only Via, Max-Forwards 70, and our Contact for
    /// methods that carry one (INVITE, UPDATE, SUBSCRIBE, NOTIFY, REFER). An INVITE is
    /// remembered as pending for glare detection (§14.1) until its final response.
    /// - Parameters:
    ///   - via: our Via: the caller's sent-by and transport with a fresh `z9hG4bK` branch
    ///     (`TransactionLayer.newBranch()`).
    ///   - headers: further header lines (Session-Expires, Supported, Reason …), appended.
    /// - Throws: `DialogError.terminated`, `.missingBranch`, `.sequenceExhausted`.
    public mutating func makeRequest(_ method: SIPMethod, via: Via, headers: [(String, String)] = [],
                                     body: [UInt8] = [], contentType: MediaType? = nil) throws(DialogError) -> DialogRequest {
        guard state != .terminated else { throw .terminated }
        guard method != .ack, method != .cancel else { throw .methodCannotCreateDialog(method.name) }
        guard via.hasRFC3261Branch else { throw .missingBranch }
        let next: UInt32
        if let current = localSequence {
            guard current < UInt32.max else { throw .sequenceExhausted }
            next = current + 1
        } else {
            next = 1
        }
        localSequence = next
        if method == .invite { pendingLocalInvite = next }
        return build(method, sequence: next, via: via, headers: headers, body: body, contentType: contentType)
    }

    /// Builds the ACK for a 2xx to the INVITE whose CSeq number is `inviteSequence`
    /// (RFC 3261 §13.2.2.4): constructed like any request in the dialog (§12.2.1.1), but with
    /// the INVITE's CSeq number and method ACK; the local sequence number does not change.
    /// The body may carry the SDP answer when the INVITE had no offer.
    public func makeACK(inviteSequence: UInt32, via: Via, body: [UInt8] = [], contentType: MediaType? = nil) throws(DialogError) -> DialogRequest {
        guard state != .terminated else { throw .terminated }
        guard via.hasRFC3261Branch else { throw .missingBranch }
        return build(.ack, sequence: inviteSequence, via: via, headers: [], body: body, contentType: contentType)
    }

    /// Whether requests of this method carry our Contact (RFC 3261 §8.1.1.8, §12.2.1.1;
    /// RFC 3311 §5.1; RFC 6665 §8.2; RFC 3515 §2.4.1 via RFC 6665).
    static func carriesContact(_ method: SIPMethod) -> Bool {
        switch method {
        case .invite, .update, .subscribe, .notify, .refer: return true
        default: return false
        }
    }

    /// The Request-URI and Route values for a request in this dialog (RFC 3261 §12.2.1.1):
    /// - empty route set: Request-URI = remote target, no Route;
    /// - first route has `lr` (loose): Request-URI = remote target, Route = the route set;
    /// - otherwise (strict): Request-URI = the first route's URI without the parameters a
    ///   Request-URI may not carry (its headers and `method`, §19.1.1 Table 1), Route = the rest
    ///   of the route set followed by the remote target.
    public var requestTargets: (requestURI: URI, routes: [NameAddress]) {
        guard let first = routeSet.first else { return (remoteTarget, []) }
        if case .sip(let sip) = first.uri, sip.isLooseRouter { return (remoteTarget, routeSet) }
        var uri = first.uri
        if case .sip(let sip) = uri {
            var parameters = sip.parameters
            parameters.remove(named: "method")
            uri = .sip(sip.with(headers: []).with(parameters: parameters))
        }
        return (uri, Array(routeSet.dropFirst()) + [NameAddress(uri: remoteTarget)])
    }

    private func build(_ method: SIPMethod, sequence: UInt32, via: Via, headers extra: [(String, String)],
                       body: [UInt8], contentType: MediaType?) -> DialogRequest {
        let (requestURI, routes) = requestTargets
        var headers = SIPHeaders()
        headers.append(.via, via.description)
        headers.append(.maxForwards, "70")
        for route in routes { headers.append(.route, route.description) }
        headers.append(.from, localParty.description)
        headers.append(.to, remoteParty.description)
        headers.append(.callID, id.callID)
        headers.append(.cseq, CSeq(sequence, method).description)
        if Dialog.carriesContact(method), let localContact { headers.append(.contact, localContact.description) }
        for (name, value) in extra { headers.append(name, value) }
        var message = SIPMessage.request(method, uri: requestURI, headers: headers)
        message.setBody(body, contentType: body.isEmpty ? nil : contentType)
        // §8.1.2: with a strict router first, its URI is now the Request-URI, and the request
        // goes there; otherwise to the first Route, or the Request-URI when there is none.
        let strict = routeSet.first.map { $0.uri.sipURI?.isLooseRouter != true } ?? false
        return DialogRequest(message: message, nextHop: strict ? requestURI : (routes.first?.uri ?? requestURI))
    }
}

import SIPMessage

extension SIPMessage {
    /// The CANCEL for this INVITE (RFC 3261 §9.1): the same Request-URI, Call-ID, To (no tag
    /// when the INVITE had none), From, CSeq number with method CANCEL, a single Via equal to
    /// the INVITE's top Via (so it matches the INVITE's server transaction, §9.2), the same
    /// Route header fields; no body. `reason` becomes a Reason header (RFC 3326 §2), e.g.
    /// `SIP;cause=200;text="Call completed elsewhere"` when another phone took the call.
    func cancelRequest(reason: String?) -> SIPMessage {
        var headers = SIPHeaders()
        if let via = try? topVia() { headers.append(.via, via.description) }
        headers.append(.maxForwards, self.headers.first(.maxForwards) ?? "70")
        for route in self.headers.lines(.route) { headers.append(.route, route) }
        if let from = self.headers.first(.from) { headers.append(.from, from) }
        if let to = self.headers.first(.to) { headers.append(.to, to) }
        if let callID = self.headers.first(.callID) { headers.append(.callID, callID) }
        headers.append(.cseq, CSeq((try? cseq())?.sequence ?? 0, .cancel).description)
        if let reason { headers.append(.reason, reason) }
        headers.append(.contentLength, "0")
        return .request(.cancel, uri: requestURI ?? .sip(SIPURI(host: "invalid")), headers: headers)
    }
}

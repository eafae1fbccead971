import SIPMessage

/// What a server adds to the top Via of a request it receives (RFC 3261 §18.2.1,
/// RFC 3581 §4), so the response finds its way back through NATs.
public enum ViaStamping {
    /// The top Via with `received` added when its sent-by host is not the packet's source
    /// address, and `rport` filled with the source port when the client asked for it (in
    /// which case `received` is always added). `forceRport` treats every request as if it
    /// asked for rport (symmetric responses for clients behind NAT that do not ask, as
    /// Asterisk's `force_rport` does). Nil when nothing needs to change.
    public static func stamped(_ via: Via, source: SIPPeer, forceRport: Bool = false) -> Via? {
        let sourceHost = source.host
        var result = via
        var changed = false
        let asksForRport = via.rport == .requested || (forceRport && source.transport == .udp && via.rport == .absent)
        if asksForRport || !sameAddress(via.host, sourceHost) {
            result = result.with(parameter: "received", sourceHost)
            changed = true
        }
        if asksForRport {
            result = result.with(parameter: "rport", String(source.port))
            changed = true
        }
        return changed ? result : nil
    }

    /// Stamps the request's top Via in place; false when it has no parsable Via.
    @discardableResult
    public static func stamp(_ request: inout SIPMessage, source: SIPPeer, forceRport: Bool = false) -> Bool {
        guard let via = try? request.topVia() else { return false }
        if let stamped = stamped(via, source: source, forceRport: forceRport) {
            request.replaceTopVia(stamped)
        }
        return true
    }

    /// Compares a Via host with a socket address: IPv6 brackets and letter case do not count.
    static func sameAddress(_ viaHost: String, _ address: String) -> Bool {
        ResponseRouting.unbracketed(viaHost).lowercased() == address.lowercased()
    }
}

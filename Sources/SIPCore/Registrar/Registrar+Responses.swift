import SIPMessage
import SIPTransaction

/// The responses a registrar sends (RFC 3261 §10.3 step 8, §8.2.6).
extension Registrar {
    /// `200 OK` with a Contact per live binding carrying its remaining `expires` (and its
    /// `q`, `+sip.instance`, `reg-id`), and `Date` (§10.3 step 8).
    static func success(to request: SIPMessage, bindings: [LocationBinding], now: SIPInstant, toTag: String,
                        requireOutbound: Bool) -> SIPMessage {
        var response = SIPMessage.response(to: request, status: 200, toTag: toTag)
        if requireOutbound { response.headers.append(.require, "outbound") }  // RFC 5626 §6
        for binding in bindings {
            response.headers.append(.contact, contactValue(binding, now: now).description)
        }
        response.headers.append(.date, SIPDate.format(now))
        moveContentLengthLast(&response)
        return response
    }

    /// A rejection, with its extra headers.
    static func response(to request: SIPMessage, _ rejection: RegistrarRejection, toTag: String) -> SIPMessage {
        var response = SIPMessage.response(to: request, status: rejection.status, reason: rejection.reason, toTag: toTag)
        for header in rejection.headers { response.headers.append(header.name, header.value) }
        moveContentLengthLast(&response)
        return response
    }

    /// The Contact value listing `binding` in a 200.
    static func contactValue(_ binding: LocationBinding, now: SIPInstant) -> NameAddress {
        var parameters = [GenericParameter(name: "expires", value: String(binding.remainingSeconds(at: now)))]
        if let q = binding.q { parameters.append(GenericParameter(name: "q", value: qText(q))) }
        if let instance = binding.instanceID {
            parameters.append(GenericParameter(name: "+sip.instance", value: "\"" + instance + "\""))
        }
        if let regID = binding.regID { parameters.append(GenericParameter(name: "reg-id", value: String(regID))) }
        return NameAddress(uri: binding.contact, parameters: parameters)
    }

    /// A qvalue as `0.xyz` without trailing zeros, or `0` or `1` (RFC 3261 §25.1 qvalue).
    static func qText(_ q: Double) -> String {
        let thousandths = Int((min(max(q, 0), 1) * 1000).rounded())
        if thousandths >= 1000 { return "1" }
        if thousandths <= 0 { return "0" }
        var digits = String(thousandths)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.count > 1, digits.hasSuffix("0") { digits.removeLast() }
        return "0." + digits
    }

    /// `response(to:)` adds `Content-Length: 0` first; keep it the last header, as usual.
    private static func moveContentLengthLast(_ response: inout SIPMessage) {
        guard let length = response.headers.first(.contentLength) else { return }
        response.headers.remove(.contentLength)
        response.headers.append(.contentLength, length)
    }

    /// A To tag that is the same for retransmissions of one request (§8.2.6.2): a hash of
    /// Call-ID, From tag and CSeq, so the registrar needs no random source.
    static func toTag(for request: SIPMessage) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        let key = ((try? request.callID()) ?? "") + "|" + ((try? request.from().tag) ?? "") + "|"
            + ((try? request.cseq().description) ?? "")
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "r" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}

import SIPMessage

/// A REFER as its recipient reads it (RFC 3515 §2.4.2): where to send the new request
/// (Refer-To), on whose behalf (Referred-By, RFC 3892), and whether the referrer asked for
/// no implicit subscription (`Refer-Sub: false`, RFC 4488 §4).
public struct ReferRequest: Hashable, Sendable {
    /// The Refer-To value as received (RFC 3515 §2.1).
    public var referTo: NameAddress
    /// The URI to send the new request to: Refer-To's URI without its embedded headers and
    /// without a `method` parameter (RFC 3261 §19.1.5, RFC 3515 §2.1).
    public var target: URI
    /// The method of the new request: the Refer-To URI's `method` parameter, INVITE by
    /// default (RFC 3261 §19.1.1, RFC 3515 §2.4.3).
    public var method: SIPMethod
    /// The headers embedded in the Refer-To URI (`?Replaces=…`), names and values unescaped
    /// (RFC 3261 §19.1.5): the new request is to carry them.
    public var embeddedHeaders: [GenericParameter]
    /// Referred-By (RFC 3892 §3), if present and well formed.
    public var referredBy: NameAddress?
    /// The REFER's CSeq number: the `id` of its implicit subscription (RFC 3515 §2.4.6).
    public var sequence: UInt32
    /// `Refer-Sub: false`: the referrer asks for no implicit subscription (RFC 4488 §4).
    public var declinesSubscription: Bool

    /// Reads a REFER (RFC 3515 §2.4.2).
    /// - Throws: `ReferError` — answer it with `error.response(to:localTag:)` (`400`): no
    ///   Refer-To or more than one ("MUST return a 400 … if the request contained zero or more
    ///   than one Refer-To header field values"), or one that does not parse.
    public init(_ request: SIPMessage) throws(ReferError) {
        guard request.method == .refer else { throw .notRefer }
        guard let cseq = try? request.cseq() else { throw .badHeader("CSeq") }
        let lines = request.headers.count(.referTo)
        if lines == 0 { throw .missingReferTo }
        if lines > 1 { throw .multipleReferTo }
        let parsed: NameAddress?
        do { parsed = try request.referTo() } catch {
            // One line holding two comma-separated addresses fails to parse as one address.
            throw Self.looksLikeList(request.headers.first(.referTo) ?? "") ? .multipleReferTo : .badHeader("Refer-To")
        }
        guard let referTo = parsed else { throw .missingReferTo }
        self.referTo = referTo
        self.sequence = cseq.sequence
        self.referredBy = try? request.referredBy()
        self.declinesSubscription = request.headers.first(HeaderName(Self.referSubHeader))?.lowercased() == "false"
        switch referTo.uri {
        case .sip(let uri):
            self.embeddedHeaders = uri.headers.all.map {
                GenericParameter(name: PercentEncoding.decode($0.name), value: $0.value.map(PercentEncoding.decode))
            }
            self.method = uri.parameters["method"].map { SIPMethod($0.uppercased()) } ?? .invite
            var parameters = uri.parameters
            parameters.remove(named: "method")
            self.target = .sip(uri.with(headers: []).with(parameters: parameters))
        default:
            self.embeddedHeaders = []
            self.method = .invite
            self.target = referTo.uri
        }
    }

    /// The embedded header named `name` (case-insensitive), e.g. `Replaces` (RFC 3891 §5).
    public func embeddedHeader(_ name: String) -> String? {
        embeddedHeaders.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// `Refer-Sub` (RFC 4488 §4).
    public static let referSubHeader = "Refer-Sub"

    /// Whether `text` has a comma outside angle brackets and quotes: several addresses.
    private static func looksLikeList(_ text: String) -> Bool {
        var inAngle = false, inQuote = false
        for character in text {
            switch character {
            case "\"" where !inAngle: inQuote.toggle()
            case "<" where !inQuote: inAngle = true
            case ">" where !inQuote: inAngle = false
            case "," where !inAngle && !inQuote: return true
            default: break
            }
        }
        return false
    }
}

/// Why a REFER is refused before it is acted on (RFC 3515 §2.4.2).
public enum ReferError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The request is not a REFER.
    case notRefer
    /// No Refer-To header.
    case missingReferTo
    /// More than one Refer-To value (several lines, or a comma-separated list).
    case multipleReferTo
    /// A header the REFER needs does not parse.
    case badHeader(String)

    /// The status to answer with: `400` (RFC 3515 §2.4.2), `405` for another method.
    public var status: Int { self == .notRefer ? 405 : 400 }

    public var description: String {
        switch self {
        case .notRefer: return "not a REFER"
        case .missingReferTo: return "Missing Refer-To"
        case .multipleReferTo: return "Multiple Refer-To"
        case .badHeader(let name): return "Bad " + name
        }
    }

    /// The response to the REFER, the reason phrase saying what was wrong.
    public func response(to request: SIPMessage, localTag: String? = nil) -> SIPMessage {
        SIPMessage.response(to: request, status: status, reason: self == .notRefer ? nil : description, toTag: localTag)
    }
}

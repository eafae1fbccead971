/// A header field name. Well-known names are recognised in their long and compact forms
/// (RFC 3261 §7.3.3, §20; RFC 3515, RFC 3891, RFC 3892, RFC 4028, RFC 6665) so lookups
/// are by identity rather than by string; any other name is kept as written.
public struct HeaderName: Hashable, Sendable, CustomStringConvertible {
    /// The identity used for lookup: a known header, or `.other` compared case-insensitively.
    enum Known: UInt8, Sendable {
        case other = 0
        case accept, acceptEncoding, acceptLanguage, alertInfo, allow, allowEvents, authenticationInfo,
            authorization, callID, callInfo, contact, contentDisposition, contentEncoding,
            contentLanguage, contentLength, contentType, cseq, date, errorInfo, event, expires, from,
            inReplyTo, maxForwards, minExpires, mimeVersion, organization, priority,
            proxyAuthenticate, proxyAuthorization, proxyRequire, reason, recordRoute, referTo,
            referredBy, replaces, replyTo, require, retryAfter, route, server, sessionExpires,
            minSE, subject, subscriptionState, supported, timestamp, to, unsupported, userAgent,
            via, warning, wwwAuthenticate, rseq, rack, privacy, pAssertedIdentity, identity
    }

    let known: Known
    /// The canonical (long-form) spelling for known headers; the given spelling otherwise.
    public let canonicalName: String

    init(known: Known, canonicalName: String) {
        self.known = known
        self.canonicalName = canonicalName
    }

    /// A header name from its spelling; compact forms map to their long form.
    public init(_ name: String) {
        var copy = name
        let found = copy.withUTF8 { HeaderName.lookup($0, 0..<$0.count) }
        self = found ?? HeaderName(known: .other, canonicalName: name)
    }

    public var description: String { canonicalName }

    public static func == (lhs: HeaderName, rhs: HeaderName) -> Bool {
        if lhs.known != rhs.known { return false }
        if lhs.known != .other { return true }
        return lhs.canonicalName.lowercased() == rhs.canonicalName.lowercased()
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(known)
        if known == .other { hasher.combine(canonicalName.lowercased()) }
    }

    /// Whether a value of this header is a comma-separated list that may be split
    /// (RFC 3261 §7.3.1). Authorization-style headers, Date and unknown headers are not split.
    public var isList: Bool {
        switch known {
        case .accept, .acceptEncoding, .acceptLanguage, .alertInfo, .allow, .allowEvents, .callInfo,
            .contact, .contentEncoding, .contentLanguage, .errorInfo, .inReplyTo, .proxyRequire,
            .reason, .recordRoute, .require, .route, .supported, .unsupported, .via, .warning,
            .privacy, .pAssertedIdentity:
            return true
        default:
            return false
        }
    }

    public static let accept = HeaderName(known: .accept, canonicalName: "Accept")
    public static let acceptEncoding = HeaderName(known: .acceptEncoding, canonicalName: "Accept-Encoding")
    public static let acceptLanguage = HeaderName(known: .acceptLanguage, canonicalName: "Accept-Language")
    public static let alertInfo = HeaderName(known: .alertInfo, canonicalName: "Alert-Info")
    public static let allow = HeaderName(known: .allow, canonicalName: "Allow")
    public static let allowEvents = HeaderName(known: .allowEvents, canonicalName: "Allow-Events")
    public static let authenticationInfo = HeaderName(known: .authenticationInfo, canonicalName: "Authentication-Info")
    public static let authorization = HeaderName(known: .authorization, canonicalName: "Authorization")
    public static let callID = HeaderName(known: .callID, canonicalName: "Call-ID")
    public static let callInfo = HeaderName(known: .callInfo, canonicalName: "Call-Info")
    public static let contact = HeaderName(known: .contact, canonicalName: "Contact")
    public static let contentDisposition = HeaderName(known: .contentDisposition, canonicalName: "Content-Disposition")
    public static let contentEncoding = HeaderName(known: .contentEncoding, canonicalName: "Content-Encoding")
    public static let contentLanguage = HeaderName(known: .contentLanguage, canonicalName: "Content-Language")
    public static let contentLength = HeaderName(known: .contentLength, canonicalName: "Content-Length")
    public static let contentType = HeaderName(known: .contentType, canonicalName: "Content-Type")
    public static let cseq = HeaderName(known: .cseq, canonicalName: "CSeq")
    public static let date = HeaderName(known: .date, canonicalName: "Date")
    public static let errorInfo = HeaderName(known: .errorInfo, canonicalName: "Error-Info")
    public static let event = HeaderName(known: .event, canonicalName: "Event")
    public static let expires = HeaderName(known: .expires, canonicalName: "Expires")
    public static let from = HeaderName(known: .from, canonicalName: "From")
    public static let inReplyTo = HeaderName(known: .inReplyTo, canonicalName: "In-Reply-To")
    public static let maxForwards = HeaderName(known: .maxForwards, canonicalName: "Max-Forwards")
    public static let minExpires = HeaderName(known: .minExpires, canonicalName: "Min-Expires")
    public static let mimeVersion = HeaderName(known: .mimeVersion, canonicalName: "MIME-Version")
    public static let organization = HeaderName(known: .organization, canonicalName: "Organization")
    public static let priority = HeaderName(known: .priority, canonicalName: "Priority")
    public static let proxyAuthenticate = HeaderName(known: .proxyAuthenticate, canonicalName: "Proxy-Authenticate")
    public static let proxyAuthorization = HeaderName(known: .proxyAuthorization, canonicalName: "Proxy-Authorization")
    public static let proxyRequire = HeaderName(known: .proxyRequire, canonicalName: "Proxy-Require")
    public static let reason = HeaderName(known: .reason, canonicalName: "Reason")
    public static let recordRoute = HeaderName(known: .recordRoute, canonicalName: "Record-Route")
    public static let referTo = HeaderName(known: .referTo, canonicalName: "Refer-To")
    public static let referredBy = HeaderName(known: .referredBy, canonicalName: "Referred-By")
    public static let replaces = HeaderName(known: .replaces, canonicalName: "Replaces")
    public static let replyTo = HeaderName(known: .replyTo, canonicalName: "Reply-To")
    public static let require = HeaderName(known: .require, canonicalName: "Require")
    public static let retryAfter = HeaderName(known: .retryAfter, canonicalName: "Retry-After")
    public static let route = HeaderName(known: .route, canonicalName: "Route")
    public static let server = HeaderName(known: .server, canonicalName: "Server")
    public static let sessionExpires = HeaderName(known: .sessionExpires, canonicalName: "Session-Expires")
    public static let minSE = HeaderName(known: .minSE, canonicalName: "Min-SE")
    public static let subject = HeaderName(known: .subject, canonicalName: "Subject")
    public static let subscriptionState = HeaderName(known: .subscriptionState, canonicalName: "Subscription-State")
    public static let supported = HeaderName(known: .supported, canonicalName: "Supported")
    public static let timestamp = HeaderName(known: .timestamp, canonicalName: "Timestamp")
    public static let to = HeaderName(known: .to, canonicalName: "To")
    public static let unsupported = HeaderName(known: .unsupported, canonicalName: "Unsupported")
    public static let userAgent = HeaderName(known: .userAgent, canonicalName: "User-Agent")
    public static let via = HeaderName(known: .via, canonicalName: "Via")
    public static let warning = HeaderName(known: .warning, canonicalName: "Warning")
    public static let wwwAuthenticate = HeaderName(known: .wwwAuthenticate, canonicalName: "WWW-Authenticate")
    public static let rseq = HeaderName(known: .rseq, canonicalName: "RSeq")
    public static let rack = HeaderName(known: .rack, canonicalName: "RAck")
    public static let privacy = HeaderName(known: .privacy, canonicalName: "Privacy")
    public static let pAssertedIdentity = HeaderName(known: .pAssertedIdentity, canonicalName: "P-Asserted-Identity")
    public static let identity = HeaderName(known: .identity, canonicalName: "Identity")

    /// Every known header, for building the lookup table.
    static let allKnown: [HeaderName] = [
        .accept, .acceptEncoding, .acceptLanguage, .alertInfo, .allow, .allowEvents, .authenticationInfo,
        .authorization, .callID, .callInfo, .contact, .contentDisposition, .contentEncoding,
        .contentLanguage, .contentLength, .contentType, .cseq, .date, .errorInfo, .event, .expires, .from,
        .inReplyTo, .maxForwards, .minExpires, .mimeVersion, .organization, .priority,
        .proxyAuthenticate, .proxyAuthorization, .proxyRequire, .reason, .recordRoute, .referTo,
        .referredBy, .replaces, .replyTo, .require, .retryAfter, .route, .server, .sessionExpires,
        .minSE, .subject, .subscriptionState, .supported, .timestamp, .to, .unsupported, .userAgent,
        .via, .warning, .wwwAuthenticate, .rseq, .rack, .privacy, .pAssertedIdentity, .identity,
    ]

    /// Compact forms: RFC 3261 §7.3.3 (`i m e l c f s k t v`), RFC 6665 (`o` Event,
    /// `u` Allow-Events), RFC 3515 (`r` Refer-To), RFC 3892 (`b` Referred-By),
    /// RFC 4028 (`x` Session-Expires), RFC 8224 (`y` Identity).
    static let compactForms: [UInt8: HeaderName] = [
        UInt8(ascii: "i"): .callID, UInt8(ascii: "m"): .contact, UInt8(ascii: "e"): .contentEncoding,
        UInt8(ascii: "l"): .contentLength, UInt8(ascii: "c"): .contentType, UInt8(ascii: "f"): .from,
        UInt8(ascii: "s"): .subject, UInt8(ascii: "k"): .supported, UInt8(ascii: "t"): .to,
        UInt8(ascii: "v"): .via, UInt8(ascii: "o"): .event, UInt8(ascii: "u"): .allowEvents,
        UInt8(ascii: "r"): .referTo, UInt8(ascii: "b"): .referredBy, UInt8(ascii: "x"): .sessionExpires,
        UInt8(ascii: "y"): .identity,
    ]

    /// Finds a known header by the spelling at `range` (case-insensitive), or nil.
    static func lookup(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> HeaderName? {
        guard !range.isEmpty else { return nil }
        let known = lookupKnown(bytes, range)
        return known == .other ? nil : allKnown.first { $0.known == known }
    }
}

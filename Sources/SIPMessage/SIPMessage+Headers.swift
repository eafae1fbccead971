/// Typed access to the headers of a message. Each accessor decodes on demand and throws
/// a `SIPParseError` naming the header when its value does not match the grammar.
extension SIPMessage {
    /// Every Via value, topmost first (RFC 3261 §20.42).
    public func vias() throws(SIPParseError) -> [Via] {
        var result: [Via] = []
        // One allocation for the usual one value per line, rather than growing per value.
        result.reserveCapacity(headers.count(of: .via))
        try headers.withKnownValueScanners(.via, context: "Via") { scanner throws(SIPParseError) in try Via.parseList(&scanner, into: &result) }
        return result
    }

    /// The topmost Via value; throws `missingHeader` when there is none.
    public func topVia() throws(SIPParseError) -> Via {
        var top: Via? = nil
        try headers.withKnownValueScanners(.via, context: "Via") { scanner throws(SIPParseError) in
            if top == nil { top = try Via.parse(&scanner) }
        }
        guard let top else { throw .missingHeader("Via") }
        return top
    }

    /// The From header (RFC 3261 §20.20).
    public func from() throws(SIPParseError) -> NameAddress {
        try single(.from, "From") { scanner throws(SIPParseError) in try NameAddress.parseSingle(&scanner) }
    }

    /// The To header (RFC 3261 §20.39).
    public func to() throws(SIPParseError) -> NameAddress {
        try single(.to, "To") { scanner throws(SIPParseError) in try NameAddress.parseSingle(&scanner) }
    }

    /// The Call-ID (RFC 3261 §20.8).
    public func callID() throws(SIPParseError) -> String {
        try single(.callID, "Call-ID") { scanner throws(SIPParseError) in try CallID.parse(&scanner) }
    }

    /// The CSeq (RFC 3261 §20.16).
    public func cseq() throws(SIPParseError) -> CSeq {
        try single(.cseq, "CSeq") { scanner throws(SIPParseError) in try CSeq.parse(&scanner) }
    }

    /// Max-Forwards (RFC 3261 §20.22), 0–255; nil when absent.
    public func maxForwards() throws(SIPParseError) -> Int? {
        try optionalSingle(.maxForwards, "Max-Forwards") { scanner throws(SIPParseError) in
            let value = try scanner.number("hop count", limit: 255)
            try scanner.expectEnd()
            return Int(value)
        }
    }

    /// Content-Length (RFC 3261 §20.14); nil when absent.
    public func contentLength() throws(SIPParseError) -> Int? {
        if let length = headers.parsedContentLength { return length }
        return try optionalSingle(.contentLength, "Content-Length") { scanner throws(SIPParseError) in
            let value = try scanner.number("length", limit: UInt64(Int32.max))
            try scanner.expectEnd()
            return Int(value)
        }
    }

    /// Expires (RFC 3261 §20.19), delta-seconds; nil when absent.
    public func expires() throws(SIPParseError) -> UInt32? {
        try optionalSingle(.expires, "Expires") { scanner throws(SIPParseError) in
            // RFC 3261 §20.19: values above 2**32-1 are taken as 2**32-1.
            let digits = scanner.scan(.digit)
            guard !digits.isEmpty else { throw scanner.error("expected delta-seconds") }
            try scanner.expectEnd()
            return digits.count > 10 ? UInt32.max : UInt32(min(UInt64(scanner.string(digits)) ?? UInt64(UInt32.max), UInt64(UInt32.max)))
        }
    }

    /// The Contact header: `*` or the addresses of every Contact line (RFC 3261 §20.10).
    public func contact() throws(SIPParseError) -> ContactValue? {
        var addresses: [NameAddress] = []
        addresses.reserveCapacity(headers.count(of: .contact))
        var wildcard = false
        var lines = 0
        try headers.withKnownValueScanners(.contact, context: "Contact") { scanner throws(SIPParseError) in
            lines += 1
            if scanner.end - scanner.index == 1, scanner.peek() == UInt8(ascii: "*") {
                wildcard = true
            } else {
                try NameAddress.parseList(&scanner, into: &addresses)
            }
        }
        if wildcard {
            guard lines == 1 else { throw .badHeaderValue(header: "Contact", reason: "'*' combined with other contacts") }
            return .wildcard
        }
        return lines == 0 ? nil : .addresses(addresses)
    }

    /// Route values in order (RFC 3261 §20.34).
    public func routes() throws(SIPParseError) -> [NameAddress] { try addressList(.route, "Route") }

    /// Record-Route values in order (RFC 3261 §20.30).
    public func recordRoutes() throws(SIPParseError) -> [NameAddress] { try addressList(.recordRoute, "Record-Route") }

    /// Content-Type (RFC 3261 §20.15); nil when absent.
    public func contentType() throws(SIPParseError) -> MediaType? {
        try optionalSingle(.contentType, "Content-Type") { scanner throws(SIPParseError) in
            let value = try MediaType.parse(&scanner)
            try scanner.expectEnd()
            return value
        }
    }

    /// Accept media ranges (RFC 3261 §20.1); empty when absent.
    public func accept() throws(SIPParseError) -> [MediaType] {
        var result: [MediaType] = []
        try headers.withKnownValueScanners(.accept, context: "Accept") { scanner throws(SIPParseError) in try MediaType.parseList(&scanner, into: &result) }
        return result
    }

    /// Allow methods (RFC 3261 §20.5).
    public func allow() throws(SIPParseError) -> [String] { try tokens(.allow, "Allow") }
    /// Supported option tags (RFC 3261 §20.37).
    public func supported() throws(SIPParseError) -> [String] { try tokens(.supported, "Supported") }
    /// Require option tags (RFC 3261 §20.32).
    public func require() throws(SIPParseError) -> [String] { try tokens(.require, "Require") }
    /// Proxy-Require option tags (RFC 3261 §20.29).
    public func proxyRequire() throws(SIPParseError) -> [String] { try tokens(.proxyRequire, "Proxy-Require") }
    /// Unsupported option tags (RFC 3261 §20.40).
    public func unsupported() throws(SIPParseError) -> [String] { try tokens(.unsupported, "Unsupported") }

    /// Authorization credentials, one per line (RFC 3261 §20.7).
    public func authorization() throws(SIPParseError) -> [AuthenticationValue] { try authentication(.authorization, "Authorization") }
    /// Proxy-Authorization credentials (RFC 3261 §20.28).
    public func proxyAuthorization() throws(SIPParseError) -> [AuthenticationValue] { try authentication(.proxyAuthorization, "Proxy-Authorization") }
    /// WWW-Authenticate challenges (RFC 3261 §20.44).
    public func wwwAuthenticate() throws(SIPParseError) -> [AuthenticationValue] { try authentication(.wwwAuthenticate, "WWW-Authenticate") }
    /// Proxy-Authenticate challenges (RFC 3261 §20.27).
    public func proxyAuthenticate() throws(SIPParseError) -> [AuthenticationValue] { try authentication(.proxyAuthenticate, "Proxy-Authenticate") }

    /// Refer-To (RFC 3515 §2.1); nil when absent.
    public func referTo() throws(SIPParseError) -> NameAddress? {
        try optionalSingle(.referTo, "Refer-To") { scanner throws(SIPParseError) in try NameAddress.parseSingle(&scanner) }
    }

    /// Referred-By (RFC 3892 §3); nil when absent.
    public func referredBy() throws(SIPParseError) -> NameAddress? {
        try optionalSingle(.referredBy, "Referred-By") { scanner throws(SIPParseError) in try NameAddress.parseSingle(&scanner) }
    }

    /// Replaces (RFC 3891 §6.1); nil when absent.
    public func replaces() throws(SIPParseError) -> ReplacesValue? {
        try optionalSingle(.replaces, "Replaces") { scanner throws(SIPParseError) in try ReplacesValue.parse(&scanner) }
    }

    /// Event (RFC 6665 §8.2.1); nil when absent.
    public func event() throws(SIPParseError) -> EventValue? {
        try optionalSingle(.event, "Event") { scanner throws(SIPParseError) in try EventValue.parse(&scanner) }
    }

    /// Subscription-State (RFC 6665 §8.2.3); nil when absent.
    public func subscriptionState() throws(SIPParseError) -> SubscriptionStateValue? {
        try optionalSingle(.subscriptionState, "Subscription-State") { scanner throws(SIPParseError) in try SubscriptionStateValue.parse(&scanner) }
    }

    /// Call-Info values (RFC 3261 §20.9).
    public func callInfo() throws(SIPParseError) -> [CallInfoValue] {
        var result: [CallInfoValue] = []
        try headers.withKnownValueScanners(.callInfo, context: "Call-Info") { scanner throws(SIPParseError) in
            try CallInfoValue.parseList(&scanner, into: &result)
        }
        return result
    }

    /// Reason values (RFC 3326).
    public func reason() throws(SIPParseError) -> [ReasonValue] {
        var result: [ReasonValue] = []
        try headers.withKnownValueScanners(.reason, context: "Reason") { scanner throws(SIPParseError) in try ReasonValue.parseList(&scanner, into: &result) }
        return result
    }

    // MARK: Helpers

    /// Decodes a header that must appear exactly once.
    @inline(__always)
    private func single<T>(_ name: HeaderName.Known, _ context: StaticString, _ decode: (inout ByteScanner) throws(SIPParseError) -> T) throws(SIPParseError) -> T {
        guard let index = try headers.onlyIndex(of: name, context: context) else { throw .missingHeader(context.description) }
        return try headers.decodeField(at: index, context: context, decode)
    }

    /// Decodes a header that may appear at most once; a second line is an error.
    @inline(__always)
    private func optionalSingle<T>(_ name: HeaderName.Known, _ context: StaticString, _ decode: (inout ByteScanner) throws(SIPParseError) -> T) throws(SIPParseError) -> T? {
        guard let index = try headers.onlyIndex(of: name, context: context) else { return nil }
        return try headers.decodeField(at: index, context: context, decode)
    }

    private func addressList(_ name: HeaderName.Known, _ context: StaticString) throws(SIPParseError) -> [NameAddress] {
        var result: [NameAddress] = []
        try headers.withKnownValueScanners(name, context: context) { scanner throws(SIPParseError) in
            try NameAddress.parseList(&scanner, into: &result)
        }
        return result
    }

    private func tokens(_ name: HeaderName.Known, _ context: StaticString) throws(SIPParseError) -> [String] {
        var result: [String] = []
        try headers.withKnownValueScanners(name, context: context) { scanner throws(SIPParseError) in
            scanner.skipWhitespace()
            if scanner.isAtEnd { return }  // An empty list is allowed (e.g. `Allow:`).
            repeat {
                result.append(scanner.string(try scanner.token("token")))
                if result.count > 256 { throw scanner.error("too many values") }
            } while try scanner.nextListElement()
        }
        return result
    }

    private func authentication(_ name: HeaderName.Known, _ context: StaticString) throws(SIPParseError) -> [AuthenticationValue] {
        var result: [AuthenticationValue] = []
        try headers.withKnownValueScanners(name, context: context) { scanner throws(SIPParseError) in
            result.append(try AuthenticationValue.parse(&scanner))
        }
        return result
    }
}

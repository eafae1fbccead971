/// The Event header (RFC 6665 §8.2.1): an event package with an optional `id`.
public struct EventValue: Hashable, Sendable, CustomStringConvertible {
    /// Package name with template suffixes (`message-summary`, `refer`, `presence.winfo`).
    public var package: String
    public var parameters: ParameterList

    public init(package: String, parameters: [GenericParameter] = []) {
        self.package = package
        self.parameters = ParameterList(parameters)
    }

    /// The `id` parameter that tells subscriptions apart.
    public var id: String? { parameters["id"] }

    public var description: String { package + parameters.description }

    static func parse(_ scanner: inout ByteScanner) throws(SIPParseError) -> EventValue {
        scanner.skipWhitespace()
        var value = EventValue(package: scanner.string(try scanner.token("event package")))
        value.parameters = try scanner.parameters()
        try scanner.expectEnd()
        return value
    }
}

/// The Subscription-State header (RFC 6665 §8.2.3).
public struct SubscriptionStateValue: Hashable, Sendable, CustomStringConvertible {
    /// `active`, `pending`, `terminated` or an extension token.
    public var state: String
    public var parameters: ParameterList

    public init(state: String, parameters: [GenericParameter] = []) {
        self.state = state
        self.parameters = ParameterList(parameters)
    }

    public var expires: UInt32? { parameters["expires"].flatMap { UInt32($0) } }
    public var retryAfter: UInt32? { parameters["retry-after"].flatMap { UInt32($0) } }
    /// Why a subscription ended (`deactivated`, `timeout`, `noresource` …).
    public var reason: String? { parameters["reason"] }

    public var description: String { state + parameters.description }

    static func parse(_ scanner: inout ByteScanner) throws(SIPParseError) -> SubscriptionStateValue {
        scanner.skipWhitespace()
        var value = SubscriptionStateValue(state: scanner.string(try scanner.token("substate")))
        value.parameters = try scanner.parameters()
        try scanner.expectEnd()
        return value
    }
}

/// The Replaces header (RFC 3891 §6.1): the dialog a new INVITE replaces.
public struct ReplacesValue: Hashable, Sendable, CustomStringConvertible {
    public var callID: String
    public var parameters: ParameterList

    public var toTag: String { parameters["to-tag"] ?? "" }
    public var fromTag: String { parameters["from-tag"] ?? "" }
    /// `early-only`: replace only an early dialog.
    public var earlyOnly: Bool { parameters.contains(named: "early-only") }

    public var description: String { callID + parameters.description }

    static func parse(_ scanner: inout ByteScanner) throws(SIPParseError) -> ReplacesValue {
        scanner.skipWhitespace()
        let callID = try CallID.scan(&scanner)
        let parameters = try scanner.parameters()
        try scanner.expectEnd()
        guard parameters.contains(named: "to-tag"), parameters.contains(named: "from-tag") else {
            throw scanner.error("to-tag and from-tag are required")
        }
        return ReplacesValue(callID: scanner.string(callID), parameters: parameters)
    }
}

/// One Call-Info value (RFC 3261 §20.9): `<http://…>;purpose=info`.
public struct CallInfoValue: Hashable, Sendable, CustomStringConvertible {
    public var uri: URI
    public var parameters: ParameterList

    public init(uri: URI, parameters: [GenericParameter] = []) {
        self.uri = uri
        self.parameters = ParameterList(parameters)
    }

    /// `icon`, `info`, `card` or an extension token.
    public var purpose: String? { parameters["purpose"] }

    public var description: String { "<" + uri.description + ">" + parameters.description }

    static func parseList(_ scanner: inout ByteScanner, into result: inout [CallInfoValue]) throws(SIPParseError) {
        repeat {
            scanner.skipWhitespace()
            guard scanner.consume(ASCII.lessThan) else { throw scanner.error("expected '<'") }
            let start = scanner.index
            while let byte = scanner.peek(), byte != ASCII.greaterThan { scanner.index += 1 }
            guard scanner.consume(ASCII.greaterThan) else { throw scanner.error("missing '>'") }
            var value = CallInfoValue(uri: try URI.parse(scanner.subScanner(start..<(scanner.index - 1))))
            value.parameters = try scanner.parameters()
            result.append(value)
            if result.count > 256 { throw scanner.error("too many values") }
        } while try scanner.nextListElement()
    }
}

/// One Reason value (RFC 3326): `SIP ;cause=200 ;text="Call completed elsewhere"`.
public struct ReasonValue: Hashable, Sendable, CustomStringConvertible {
    /// `SIP`, `Q.850` or another protocol token.
    public var protocolName: String
    public var parameters: ParameterList

    public init(protocolName: String, cause: Int? = nil, text: String? = nil) {
        self.protocolName = protocolName
        var parameters: [GenericParameter] = []
        if let cause { parameters.append(GenericParameter(name: "cause", value: String(cause))) }
        if let text { parameters.append(GenericParameter(name: "text", value: Quoting.quote(text))) }
        self.parameters = ParameterList(parameters)
    }

    public var cause: Int? { parameters["cause"].flatMap { Int($0) } }
    public var text: String? { parameters.first(named: "text")?.unquotedValue }

    public var description: String { protocolName + parameters.description }

    static func parseList(_ scanner: inout ByteScanner, into result: inout [ReasonValue]) throws(SIPParseError) {
        repeat {
            scanner.skipWhitespace()
            var value = ReasonValue(protocolName: scanner.string(try scanner.token("protocol")))
            value.parameters = try scanner.parameters()
            result.append(value)
            if result.count > 64 { throw scanner.error("too many values") }
        } while try scanner.nextListElement()
    }
}

/// Call-ID = word [ "@" word ] (RFC 3261 §20.8, §25.1).
enum CallID {
    static func scan(_ scanner: inout ByteScanner) throws(SIPParseError) -> Range<Int> {
        let start = scanner.index
        _ = scanner.scan(.word)
        guard scanner.index > start else { throw scanner.error("empty Call-ID") }
        if scanner.consume(ASCII.at) {
            let hostStart = scanner.index
            _ = scanner.scan(.word)
            guard scanner.index > hostStart else { throw scanner.error("empty word after '@'") }
        }
        return start..<scanner.index
    }

    static func parse(_ scanner: inout ByteScanner) throws(SIPParseError) -> String {
        let range = try scan(&scanner)
        try scanner.expectEnd()
        return scanner.string(range)
    }
}

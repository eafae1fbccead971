/// URI equivalence (RFC 3261 §19.1.4).
extension SIPURI {
    /// Whether two SIP URIs are equivalent under RFC 3261 §19.1.4:
    /// - the scheme must match (sip ≠ sips);
    /// - user and password are compared case-sensitively, host case-insensitively,
    ///   escapes of unreserved characters equal the characters themselves;
    /// - an absent port is not equal to an explicit default port;
    /// - parameters present in both must match; `user`, `ttl`, `method` and `maddr` must
    ///   match when present in either, and so must `transport` (the section's examples treat
    ///   `sip:bob@biloxi.com` and `…;transport=udp` as different);
    /// - other parameters present in only one URI are ignored;
    /// - URI headers must all be present and equal in both.
    public func isEquivalent(to other: SIPURI) -> Bool {
        guard isSecure == other.isSecure,
              user.map({ PercentEncoding.normalize($0, lowercase: false) })
                == other.user.map({ PercentEncoding.normalize($0, lowercase: false) }),
              password.map({ PercentEncoding.normalize($0, lowercase: false) })
                == other.password.map({ PercentEncoding.normalize($0, lowercase: false) }),
              PercentEncoding.normalize(host, lowercase: true) == PercentEncoding.normalize(other.host, lowercase: true),
              port == other.port
        else { return false }

        let mustMatch: Set<String> = ["user", "ttl", "method", "maddr", "transport"]
        var names = Set(parameters.all.map { $0.name.lowercased() })
        names.formUnion(other.parameters.all.map { $0.name.lowercased() })
        for name in names {
            let mine = parameters.first(named: name), theirs = other.parameters.first(named: name)
            switch (mine, theirs) {
            case let (a?, b?):
                guard Self.parameterValuesMatch(a.value, b.value) else { return false }
            case (nil, nil):
                continue
            default:
                if mustMatch.contains(name) { return false }
            }
        }

        let otherHeaders = other.headers.all
        guard headers.count == otherHeaders.count else { return false }
        for header in headers {
            guard let match = otherHeaders.first(where: { $0.name.caseInsensitiveEquals(header.name) }),
                  Self.parameterValuesMatch(header.value, match.value, caseSensitive: true)
            else { return false }
        }
        return true
    }

    private static func parameterValuesMatch(_ a: String?, _ b: String?, caseSensitive: Bool = false) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (x?, y?):
            return PercentEncoding.normalize(x, lowercase: !caseSensitive) == PercentEncoding.normalize(y, lowercase: !caseSensitive)
        default: return false
        }
    }
}

extension URI {
    /// Equivalence per scheme: RFC 3261 §19.1.4 for SIP, RFC 3966 §4 for tel (digits and
    /// parameters compared without visual separators), exact text otherwise.
    public func isEquivalent(to other: URI) -> Bool {
        switch (self, other) {
        case let (.sip(a), .sip(b)):
            return a.isEquivalent(to: b)
        case let (.tel(a), .tel(b)):
            return a.digits.lowercased() == b.digits.lowercased()
                && Set(a.parameters.all.map { "\($0.name.lowercased())=\(($0.value ?? "").lowercased())" })
                    == Set(b.parameters.all.map { "\($0.name.lowercased())=\(($0.value ?? "").lowercased())" })
        case let (.absolute(a), .absolute(b)):
            return a.scheme.lowercased() == b.scheme.lowercased() && a.specific == b.specific
        default:
            return false
        }
    }
}

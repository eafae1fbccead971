import SIPMessage
import SIPTransaction

/// Where one outbound INVITE leg goes (issue 4 part 3): a phone registered with our
/// registrar, a static SIP URI, or a number through a trunk. It fixes the Request-URI, the
/// To, the preloaded route set (RFC 3261 §8.1.2: an outbound proxy) and the credentials
/// used to answer a `401`/`407` (§22.2, §22.3).
public struct OutboundTarget: Hashable, Sendable {
    /// The Request-URI of the first INVITE (§8.1.1.1): the contact itself, or the number
    /// at the trunk's domain. A 3xx may send later INVITEs elsewhere (§8.1.3.4).
    public var requestURI: URI
    /// The To of every INVITE of this leg (§8.1.1.2): whom we call, without a tag.
    public var to: NameAddress
    /// The preloaded route set (§8.1.2): the outbound proxy (trunk), as Route header values
    /// in order. Empty sends the INVITE straight to the Request-URI.
    public var routeSet: [NameAddress]
    /// Credentials for digest challenges; empty: a `401`/`407` ends the leg.
    public var credentials: [DigestCredential]
    /// The flow to send on when the target is a registered contact behind NAT (the flow its
    /// REGISTER came on, RFC 5626 §5.3); nil: resolve `DialogRequest.nextHop` (RFC 3263).
    public var flow: TransportFlow?

    public init(requestURI: URI, to: NameAddress, routeSet: [NameAddress] = [], credentials: [DigestCredential] = [],
                flow: TransportFlow? = nil) {
        self.requestURI = requestURI
        self.to = to
        self.routeSet = routeSet
        self.credentials = credentials
        self.flow = flow
    }

    /// A contact the location service returned for an AOR (RFC 3261 §10, §16.5): the
    /// Request-URI is the registered contact, To the AOR, and the request should go back
    /// over the flow the registration came on.
    public static func registered(_ binding: LocationBinding) -> OutboundTarget {
        OutboundTarget(requestURI: binding.contact, to: NameAddress(uri: .sip(binding.aor.uri)), flow: binding.source)
    }

    /// A static SIP URI (a desk phone configured by address, another PBX): Request-URI and
    /// To are both the URI, with its URI headers and `method` removed (§19.1.1 Table 1).
    public static func uri(_ uri: URI, credentials: [DigestCredential] = []) -> OutboundTarget {
        let clean = requestURI(from: uri)
        return OutboundTarget(requestURI: clean, to: NameAddress(uri: clean), credentials: credentials)
    }

    /// A call through a trunk: `uri` (e.g. `sip:+15551234567@carrier.example`) is the
    /// Request-URI and To; every INVITE is sent through `proxy` as a loose router (the `lr`
    /// parameter is added when missing, RFC 3261 §16.12.1.1 — outbound proxies are loose
    /// routers in practice) and challenges are answered with `credentials`.
    public static func trunk(_ uri: URI, proxy: URI, credentials: [DigestCredential]) -> OutboundTarget {
        var route = proxy
        if case .sip(let sip) = proxy, !sip.isLooseRouter { route = .sip(sip.with(parameter: "lr", nil)) }
        let clean = requestURI(from: uri)
        return OutboundTarget(requestURI: clean, to: NameAddress(uri: clean), routeSet: [NameAddress(uri: route)],
                              credentials: credentials)
    }

    /// `uri` as a Request-URI: without URI headers and the `method` parameter, which a
    /// Request-URI may not carry (RFC 3261 §19.1.1 Table 1).
    static func requestURI(from uri: URI) -> URI {
        guard case .sip(let sip) = uri else { return uri }
        var parameters = sip.parameters
        parameters.remove(named: "method")
        return .sip(sip.with(headers: []).with(parameters: parameters))
    }
}

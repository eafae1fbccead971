import NIOCore

/// What the transport listens on and the limits that keep one client from exhausting it.
public struct SIPTransportConfiguration: Sendable {
    /// Addresses to listen on; port 0 picks a free port (tests).
    public var listen: [ListenAddress]
    /// Largest message accepted on any transport (RFC 3261 §18.1.1 allows 65,535 on UDP).
    public var maxMessageSize: Int
    /// A stream connection with no traffic for this long is closed.
    public var idleTimeout: TimeAmount
    /// Stream connections accepted at once; more are closed as they arrive.
    public var maxConnections: Int
    /// Certificate and key for `tls:` listeners (RFC 3261 §26.2: SIP over TLS, `sips`).
    public var tls: TLSFiles?
    /// Answer UDP requests at their source address and port even when the Via does not ask
    /// for it with `rport` (RFC 3581 behaviour for every client; helps phones behind NAT).
    public var forceRport = false

    public init(listen: [ListenAddress] = [ListenAddress(host: "0.0.0.0", port: 5060)],
                maxMessageSize: Int = 65_535,
                idleTimeout: TimeAmount = .seconds(180),
                maxConnections: Int = 1_000) {
        self.listen = listen
        self.maxMessageSize = maxMessageSize
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }
}

/// PEM files for TLS: the certificate chain (leaf first) and its private key.
public struct TLSFiles: Equatable, Sendable {
    public var certificateChain: String
    public var privateKey: String

    public init(certificateChain: String, privateKey: String) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
    }
}

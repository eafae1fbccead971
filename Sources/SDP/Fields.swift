/// The `o=` line: who created the session and which version of it this is (RFC 8866 §5.2).
public struct Origin: Equatable, Sendable {
    /// The user's login on the originating host, or `-`.
    public var username: String
    /// A numeric session identifier, unique together with the other fields.
    public var sessionID: UInt64
    /// Incremented every time the session description changes (RFC 3264 §8).
    public var sessionVersion: UInt64
    /// The network type, `IN` for the Internet.
    public var netType: String
    /// The address type, `IP4` or `IP6`.
    public var addrType: String
    /// The address (or FQDN) of the originating host.
    public var address: String

    /// Creates an origin; `netType` defaults to `IN`.
    public init(
        username: String, sessionID: UInt64, sessionVersion: UInt64,
        netType: String = "IN", addrType: String, address: String
    ) {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.netType = netType
        self.addrType = addrType
        self.address = address
    }
}

/// A `c=` line: where media is sent to (RFC 8866 §5.7).
public struct Connection: Equatable, Sendable {
    /// The network type, `IN` for the Internet.
    public var netType: String
    /// The address type, `IP4` or `IP6`.
    public var addrType: String
    /// The connection address as written, possibly with a multicast `/ttl/count` suffix.
    public var address: String

    /// Creates a connection line from its three fields.
    public init(netType: String = "IN", addrType: String, address: String) {
        self.netType = netType
        self.addrType = addrType
        self.address = address
    }

    /// Creates an `IN` connection, choosing `IP6` when the address contains a colon and `IP4` otherwise.
    public init(address: String) {
        self.init(addrType: address.contains(":") ? "IP6" : "IP4", address: address)
    }

    /// The address without any multicast `/ttl` or `/count` suffix.
    public var host: String {
        String(address.prefix { $0 != "/" })
    }

    /// Whether this is the "null" address `0.0.0.0` (or `::`) that RFC 2543 clients
    /// used to put a call on hold (RFC 3264 §8.4).
    public var isNullAddress: Bool {
        host == "0.0.0.0" || host == "::"
    }
}

/// A `b=<bwtype>:<bandwidth>` line (RFC 8866 §5.8).
public struct Bandwidth: Equatable, Sendable {
    /// The bandwidth type, e.g. `AS`, `CT`, `TIAS`.
    public var type: String
    /// The bandwidth value, in kilobits per second for `AS` and `CT`.
    public var value: UInt64

    /// Creates a bandwidth line.
    public init(type: String, value: UInt64) {
        self.type = type
        self.value = value
    }
}

/// A `t=` line with the `r=` lines that follow it (RFC 8866 §5.9, §5.10).
public struct Timing: Equatable, Sendable {
    /// Start time as an NTP timestamp in seconds; 0 means unbounded.
    public var start: UInt64
    /// Stop time as an NTP timestamp in seconds; 0 means unbounded.
    public var stop: UInt64
    /// The values of the `r=` lines following this `t=` line, kept verbatim.
    public var repeats: [String]

    /// Creates a timing; the default `t=0 0` is what every VoIP session uses.
    public init(start: UInt64 = 0, stop: UInt64 = 0, repeats: [String] = []) {
        self.start = start
        self.stop = stop
        self.repeats = repeats
    }
}

/// A line whose type letter this module does not interpret (including the obsolete `k=`),
/// kept so that serializing a parsed description reproduces it.
public struct SDPLine: Equatable, Sendable {
    /// The type letter, `a` through `z`.
    public var type: Character
    /// Everything after the `=`.
    public var value: String

    /// Creates an uninterpreted line.
    public init(type: Character, value: String) {
        self.type = type
        self.value = value
    }
}

/// The media direction attribute (RFC 8866 §6.7), always from the point of view of
/// the party that wrote the session description.
public enum Direction: String, Equatable, Sendable, CaseIterable {
    /// Send and receive (the default when no direction attribute is present).
    case sendrecv
    /// Send only.
    case sendonly
    /// Receive only.
    case recvonly
    /// Neither send nor receive.
    case inactive

    /// Creates the direction that sends and receives as given.
    public init(sends: Bool, receives: Bool) {
        switch (sends, receives) {
        case (true, true): self = .sendrecv
        case (true, false): self = .sendonly
        case (false, true): self = .recvonly
        case (false, false): self = .inactive
        }
    }

    /// Whether media flows out of the writer of this direction.
    public var sends: Bool { self == .sendrecv || self == .sendonly }

    /// Whether the writer of this direction accepts incoming media.
    public var receives: Bool { self == .sendrecv || self == .recvonly }

    /// The same flow seen from the other end: the direction an answerer mirrors for an offer
    /// (RFC 3264 §6.1: sendonly → recvonly, recvonly → sendonly, inactive and sendrecv unchanged).
    public var reversed: Direction {
        Direction(sends: receives, receives: sends)
    }

    /// The flow both directions allow.
    public func intersection(_ other: Direction) -> Direction {
        Direction(sends: sends && other.sends, receives: receives && other.receives)
    }
}

extension SessionDescription {
    /// The connection that applies to a media section: its own `c=` line, else the
    /// session-level one (RFC 8866 §5.7).
    public func effectiveConnection(of media: MediaDescription) -> Connection? {
        media.connection ?? connection
    }

    /// The direction that applies to a media section: its own direction attribute, else
    /// the session-level one, else `sendrecv` (RFC 8866 §6.7, RFC 3264 §5.1).
    public func effectiveDirection(of media: MediaDescription) -> Direction {
        media.direction ?? direction ?? .sendrecv
    }

    /// Whether the writer puts a stream on hold: it is `sendonly` or `inactive` (RFC 3264 §8.4),
    /// or uses the RFC 2543 style null connection address `c=0.0.0.0` (also `::`).
    public func isOnHold(_ media: MediaDescription) -> Bool {
        let direction = effectiveDirection(of: media)
        return direction == .sendonly || direction == .inactive
            || effectiveConnection(of: media)?.isNullAddress == true
    }

    /// Whether the writer puts the call on hold: every enabled (non-zero port) stream is held,
    /// and there is at least one.
    public var isOnHold: Bool {
        let enabled = media.filter { $0.port != 0 }
        return !enabled.isEmpty && enabled.allSatisfy(isOnHold)
    }
}

import SIPMessage

/// What the transport hands up to the layer above, always on the transport's event loop.
public enum InboundEvent: Sendable {
    /// A well-formed message (its framing checked per RFC 3261 §18.3).
    case message(SIPMessage, from: SIPPeer)
    /// Bytes the parser rejected, with why; a server may still answer with `400`/`513`
    /// when `SalvagedRequest` finds a usable Via.
    case unparsable([UInt8], SIPParseError, from: SIPPeer)
    /// A message could not be sent (no route, connection refused or closed).
    case sendFailed(ResponseDestination)
    /// The transport has written everything it read in one batch: a good moment to flush.
    case readBatchComplete
}

/// The agreed parameters of one accepted audio stream, for the media layer.
public struct NegotiatedStream: Equatable, Sendable {
    /// The stream's 0-based m-line index.
    public var mediaIndex: Int
    /// The codec to send: the first common one in the offerer's order, carrying the
    /// payload type both sides use for it.
    public var codec: Codec
    /// Every common voice codec in the offerer's order (the peer may switch among them).
    public var codecs: [Codec]
    /// The payload type for RFC 4733 DTMF events, if both sides support them.
    public var telephoneEventPayloadType: UInt8?
    /// Where to send RTP: the peer's effective connection address.
    public var remoteAddress: String
    /// The peer's RTP port.
    public var remotePort: UInt16
    /// The peer's RTCP port: `a=rtcp` (RFC 3605) or else the RTP port plus one (RFC 3550 §11).
    public var remoteRTCPPort: UInt16?
    /// Our RTP port.
    public var localPort: UInt16
    /// The packet duration to send, in milliseconds.
    public var ptime: Int
    /// What we do: `sendrecv`, `sendonly`, `recvonly` or `inactive`.
    public var direction: Direction
    /// Whether the peer has put this stream on hold (RFC 3264 §8.4).
    public var isRemoteHold: Bool

    /// Creates a negotiated stream description.
    public init(
        mediaIndex: Int, codec: Codec, codecs: [Codec], telephoneEventPayloadType: UInt8?,
        remoteAddress: String, remotePort: UInt16, remoteRTCPPort: UInt16?, localPort: UInt16,
        ptime: Int, direction: Direction, isRemoteHold: Bool
    ) {
        self.mediaIndex = mediaIndex
        self.codec = codec
        self.codecs = codecs
        self.telephoneEventPayloadType = telephoneEventPayloadType
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.remoteRTCPPort = remoteRTCPPort
        self.localPort = localPort
        self.ptime = ptime
        self.direction = direction
        self.isRemoteHold = isRemoteHold
    }
}

/// What became of one m-line in an offer/answer exchange.
public enum StreamOutcome: Equatable, Sendable {
    /// The stream carries media with these parameters.
    case accepted(NegotiatedStream)
    /// The stream has port 0 in the answer, for this reason.
    case rejected(StreamRejection)

    /// The negotiated stream, if accepted.
    public var stream: NegotiatedStream? {
        guard case .accepted(let stream) = self else { return nil }
        return stream
    }
}

/// Our answer to an offer: the session description to send and the per-stream results.
public struct Answer: Equatable, Sendable {
    /// The answer SDP, with exactly one m-line per offered m-line, in the same order (RFC 3264 §6).
    public var sessionDescription: SessionDescription
    /// One outcome per m-line, in m-line order.
    public var streams: [StreamOutcome]

    /// Creates an answer.
    public init(sessionDescription: SessionDescription, streams: [StreamOutcome]) {
        self.sessionDescription = sessionDescription
        self.streams = streams
    }

    /// The accepted streams, in m-line order.
    public var acceptedStreams: [NegotiatedStream] {
        streams.compactMap(\.stream)
    }
}

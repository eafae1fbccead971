/// Why one media stream was not accepted.
public enum StreamRejection: Equatable, Sendable, CustomStringConvertible {
    /// The offer itself disabled the stream with port 0 (RFC 3264 §8.2).
    case disabledByOfferer
    /// The answerer rejected the stream with port 0 (RFC 3264 §6).
    case rejectedByAnswerer
    /// We handle audio only.
    case notAudio(mediaType: String)
    /// We handle `RTP/AVP` and `RTP/AVPF` only; SRTP profiles (`RTP/SAVP`, `RTP/SAVPF`,
    /// `UDP/TLS/RTP/SAVPF`) are not supported yet.
    case unsupportedTransport(proto: String)
    /// No offered voice codec is among the supported ones (telephone-event alone is not enough).
    case noCommonCodec(offered: [String], supported: [String])
    /// The stream has no connection address at either level (RFC 8866 §5.7).
    case noConnectionAddress
    /// The port assignment had no port for the stream.
    case noPortAvailable

    /// A sentence fragment saying why, for logs and for ``RejectReason``.
    public var description: String {
        switch self {
        case .disabledByOfferer:
            return "disabled by the offerer (port 0)"
        case .rejectedByAnswerer:
            return "rejected by the answerer (port 0)"
        case .notAudio(let mediaType):
            return "media type '\(mediaType)' is not supported (audio only)"
        case .unsupportedTransport(let proto):
            let hint = proto.uppercased().contains("SAVP") ? " (SRTP is not supported yet)" : ""
            return "transport '\(proto)' is not supported\(hint)"
        case .noCommonCodec(let offered, let supported):
            let offeredText = offered.isEmpty ? "nothing" : offered.joined(separator: ", ")
            return "no common codec (offered \(offeredText); supported \(supported.joined(separator: ", ")))"
        case .noConnectionAddress:
            return "no connection address"
        case .noPortAvailable:
            return "no local RTP port available"
        }
    }
}

/// Why a whole offer was refused: no audio stream could be accepted.
/// The SIP layer answers with ``statusCode`` (488 Not Acceptable Here, RFC 3261 §21.4.26)
/// and may put ``message`` in a Warning header.
public struct RejectReason: Error, Equatable, Sendable, CustomStringConvertible {
    /// The reason for each m-line, in m-line order (empty when the offer had no m-lines).
    public var streams: [StreamRejection]
    /// The offered m-lines' media types and protocols, for the message.
    private var labels: [String]

    /// Creates a rejection from per-stream reasons and their `media proto` labels.
    init(streams: [StreamRejection], labels: [String]) {
        self.streams = streams
        self.labels = labels
    }

    /// The SIP status code to answer with: 488 Not Acceptable Here.
    public var statusCode: Int { 488 }

    /// A human-readable explanation naming each m-line, e.g.
    /// `no acceptable audio stream: m-line 1 (audio RTP/AVP): no common codec (…)`.
    public var message: String {
        guard !streams.isEmpty else { return "no acceptable audio stream: the offer has no m= lines" }
        let parts = zip(streams, labels).enumerated().map { index, pair in
            "m-line \(index + 1) (\(pair.1)): \(pair.0)"
        }
        return "no acceptable audio stream: " + parts.joined(separator: "; ")
    }

    /// Same as ``message``.
    public var description: String { message }
}

/// A failure to build an offer or to make sense of the answer to our offer.
public enum NegotiationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The codec list for an offer has no voice codec.
    case noCodecs
    /// The port assignment had no port for the offer.
    case noPortAvailable
    /// RFC 3264 §6: the answer must have exactly as many m-lines as the offer.
    case mediaCountMismatch(offered: Int, answered: Int)
    /// RFC 3264 §6: each answer m-line must have the media type of the offer's.
    case mediaTypeMismatch(mediaIndex: Int, offered: String, answered: String)
    /// RFC 3264 §6.1: the answer lists a format the offer did not.
    case formatNotOffered(mediaIndex: Int, format: String)
    /// RFC 3264 §6.1: the answer binds an offered payload type to a different codec.
    case payloadTypeMismatch(mediaIndex: Int, payloadType: UInt8)
    /// RFC 3264 §6: a stream the offer disabled (port 0) must stay disabled in the answer.
    case disabledStreamAccepted(mediaIndex: Int)
    /// No stream in the answer carries audio we can use.
    case allStreamsRejected([StreamRejection])

    /// A sentence saying what is wrong.
    public var description: String {
        switch self {
        case .noCodecs:
            return "cannot build an offer without a voice codec"
        case .noPortAvailable:
            return "no local RTP port available for the offer"
        case .mediaCountMismatch(let offered, let answered):
            return "the answer has \(answered) m-lines but the offer had \(offered)"
        case .mediaTypeMismatch(let index, let offered, let answered):
            return "m-line \(index + 1): the answer has media type '\(answered)' but the offer had '\(offered)'"
        case .formatNotOffered(let index, let format):
            return "m-line \(index + 1): the answer lists format \(format), which was not offered"
        case .payloadTypeMismatch(let index, let payloadType):
            return "m-line \(index + 1): the answer maps payload type \(payloadType) to a different codec than the offer"
        case .disabledStreamAccepted(let index):
            return "m-line \(index + 1): the answer accepts a stream the offer disabled"
        case .allStreamsRejected(let reasons):
            return "the answer accepts no usable audio stream: " + reasons.map(\.description).joined(separator: "; ")
        }
    }
}

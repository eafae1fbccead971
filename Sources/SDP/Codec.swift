/// An RTP audio payload format: what we support, what a peer offered, or what was negotiated.
///
/// Two codecs are the same format when their encoding names match case-insensitively and
/// their clock rates and channel counts are equal (RFC 3264 §6.1); the payload type
/// number and format parameters do not take part in matching.
public struct Codec: Equatable, Sendable, CustomStringConvertible {
    /// The encoding name as in `a=rtpmap`, e.g. `PCMU`.
    public var encodingName: String
    /// The RTP clock rate in Hz (not necessarily the sampling rate; see ``g722``).
    public var clockRate: UInt32
    /// The number of audio channels.
    public var channels: UInt8
    /// The payload type: the RFC 3551 static number, the number to use in our offers for a
    /// dynamic codec (`nil` lets the offer builder pick one from 96–127), or, in negotiated
    /// results, the number the offer bound the codec to.
    public var payloadType: UInt8?
    /// The `a=fmtp` parameters to send with this codec, if any.
    public var fmtp: String?

    /// Creates a codec description.
    public init(encodingName: String, clockRate: UInt32, channels: UInt8 = 1, payloadType: UInt8? = nil, fmtp: String? = nil) {
        self.encodingName = encodingName
        self.clockRate = clockRate
        self.channels = channels
        self.payloadType = payloadType
        self.fmtp = fmtp
    }

    /// Creates a codec from an rtpmap entry; an absent channel count means 1.
    public init(rtpmap: RTPMap, fmtp: String? = nil) {
        self.init(
            encodingName: rtpmap.encodingName, clockRate: rtpmap.clockRate,
            channels: rtpmap.channels ?? 1, payloadType: rtpmap.payloadType, fmtp: fmtp
        )
    }

    /// G.711 µ-law, static payload type 0 (RFC 3551 §4.5.14).
    public static let pcmu = Codec(encodingName: "PCMU", clockRate: 8000, payloadType: 0)
    /// G.711 A-law, static payload type 8 (RFC 3551 §4.5.14).
    public static let pcma = Codec(encodingName: "PCMA", clockRate: 8000, payloadType: 8)
    /// G.722, static payload type 9. RFC 3551 §4.5.2: the RTP clock rate is 8000 Hz even
    /// though the codec samples at 16 kHz, an error in RFC 1890 kept for compatibility.
    public static let g722 = Codec(encodingName: "G722", clockRate: 8000, payloadType: 9)
    /// DTMF events (RFC 4733), a dynamic payload type; we offer it as 101, the common choice,
    /// and announce events 0–16 (digits, `*`, `#`, A–D and flash).
    public static let telephoneEvent = Codec(encodingName: "telephone-event", clockRate: 8000, payloadType: 101, fmtp: "0-16")

    /// Whether this is the RFC 4733 event format rather than a voice codec.
    public var isTelephoneEvent: Bool {
        encodingName.lowercased() == "telephone-event"
    }

    /// Whether both describe the same format: same name (case-insensitive), clock rate and channels.
    public func matches(_ other: Codec) -> Bool {
        encodingName.lowercased() == other.encodingName.lowercased()
            && clockRate == other.clockRate
            && channels == other.channels
    }

    /// The rtpmap entry binding this codec to a payload type.
    public func rtpmap(payloadType: UInt8) -> RTPMap {
        RTPMap(payloadType: payloadType, encodingName: encodingName, clockRate: clockRate, channels: channels == 1 ? nil : channels)
    }

    /// `NAME/rate` or `NAME/rate/channels`.
    public var description: String {
        channels == 1 ? "\(encodingName)/\(clockRate)" : "\(encodingName)/\(clockRate)/\(channels)"
    }

    /// The format a static payload type stands for when no rtpmap is given (RFC 3551 §6, Tables 4 and 5).
    public static func staticCodec(payloadType: UInt8) -> Codec? {
        let (name, rate, channels): (String, UInt32, UInt8)
        switch payloadType {
        case 0: (name, rate, channels) = ("PCMU", 8000, 1)
        case 3: (name, rate, channels) = ("GSM", 8000, 1)
        case 4: (name, rate, channels) = ("G723", 8000, 1)
        case 5: (name, rate, channels) = ("DVI4", 8000, 1)
        case 6: (name, rate, channels) = ("DVI4", 16000, 1)
        case 7: (name, rate, channels) = ("LPC", 8000, 1)
        case 8: (name, rate, channels) = ("PCMA", 8000, 1)
        case 9: (name, rate, channels) = ("G722", 8000, 1)
        case 10: (name, rate, channels) = ("L16", 44100, 2)
        case 11: (name, rate, channels) = ("L16", 44100, 1)
        case 12: (name, rate, channels) = ("QCELP", 8000, 1)
        case 13: (name, rate, channels) = ("CN", 8000, 1)
        case 14: (name, rate, channels) = ("MPA", 90000, 1)
        case 15: (name, rate, channels) = ("G728", 8000, 1)
        case 16: (name, rate, channels) = ("DVI4", 11025, 1)
        case 17: (name, rate, channels) = ("DVI4", 22050, 1)
        case 18: (name, rate, channels) = ("G729", 8000, 1)
        case 25: (name, rate, channels) = ("CelB", 90000, 1)
        case 26: (name, rate, channels) = ("JPEG", 90000, 1)
        case 28: (name, rate, channels) = ("nv", 90000, 1)
        case 31: (name, rate, channels) = ("H261", 90000, 1)
        case 32: (name, rate, channels) = ("MPV", 90000, 1)
        case 33: (name, rate, channels) = ("MP2T", 90000, 1)
        case 34: (name, rate, channels) = ("H263", 90000, 1)
        default: return nil
        }
        return Codec(encodingName: name, clockRate: rate, channels: channels, payloadType: payloadType)
    }
}

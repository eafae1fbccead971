/// A typed `a=rtpmap:<payload type> <encoding name>/<clock rate>[/<channels>]` value (RFC 8866 §6.6).
public struct RTPMap: Equatable, Sendable {
    /// The RTP payload type, 0–127.
    public var payloadType: UInt8
    /// The encoding name, e.g. `PCMU` or `telephone-event` (compared case-insensitively).
    public var encodingName: String
    /// The RTP clock rate in Hz.
    public var clockRate: UInt32
    /// The number of audio channels when given; absent means 1 for audio.
    public var channels: UInt8?

    /// Creates an rtpmap entry.
    public init(payloadType: UInt8, encodingName: String, clockRate: UInt32, channels: UInt8? = nil) {
        self.payloadType = payloadType
        self.encodingName = encodingName
        self.clockRate = clockRate
        self.channels = channels
    }

    /// Reads the value of an `a=rtpmap` attribute; `nil` when it is malformed.
    public init?(attributeValue: String) {
        let parts = attributeValue.sdpFields
        guard parts.count == 2,
              let payloadType = UInt8(sdpDecimal: parts[0]), payloadType <= 127
        else { return nil }
        let encoding = parts[1].split(separator: "/", omittingEmptySubsequences: false)
        guard encoding.count == 2 || encoding.count == 3,
              !encoding[0].isEmpty,
              let clockRate = UInt32(sdpDecimal: encoding[1]), clockRate > 0
        else { return nil }
        var channels: UInt8?
        if encoding.count == 3 {
            guard let count = UInt8(sdpDecimal: encoding[2]), count > 0 else { return nil }
            channels = count
        }
        self.init(payloadType: payloadType, encodingName: String(encoding[0]), clockRate: clockRate, channels: channels)
    }

    /// The text after `a=rtpmap:`.
    public var attributeValue: String {
        let base = "\(payloadType) \(encodingName)/\(clockRate)"
        guard let channels else { return base }
        return "\(base)/\(channels)"
    }
}

/// The RFC 4733 §2.3 telephone-event payload: event code, end bit, volume, duration.
public struct TelephoneEvent: Sendable, Equatable {
    /// Event code (§3.2: 0–15 DTMF, 16 flash).
    public var event: UInt8
    /// E: this packet ends the event (§2.3.3).
    public var isEnd: Bool
    /// Power level in −dBm0, 0–63 (§2.3.2).
    public var volume: UInt8
    /// Duration so far in timestamp units, from the event's RTP timestamp (§2.3.5).
    public var duration: UInt16

    /// Creates an event payload.
    public init(event: UInt8, isEnd: Bool = false, volume: UInt8 = 10, duration: UInt16) {
        self.event = event
        self.isEnd = isEnd
        self.volume = volume & 0x3F
        self.duration = duration
    }

    /// The four payload octets (§2.3).
    public var bytes: [UInt8] {
        [event, (isEnd ? 0x80 : 0) | volume, UInt8(duration >> 8), UInt8(duration & 0xFF)]
    }

    /// Parses a payload; nil if shorter than four octets. Only the first event of a
    /// multi-event payload is read (RFC 4733 §2.3 allows several with redundancy, RFC 2198).
    public init?(payload: UnsafeRawBufferPointer) {
        guard payload.count >= 4 else { return nil }
        self.init(event: payload[0], isEnd: payload[1] & 0x80 != 0, volume: payload[1] & 0x3F,
                  duration: UInt16(payload[2]) << 8 | UInt16(payload[3]))
    }
}

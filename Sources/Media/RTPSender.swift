/// The sending side of one RTP stream (RFC 3550 §5.1), sans-IO: one SSRC, a sequence
/// number that goes up by one per packet, and a timestamp that follows the media clock
/// whether or not a packet goes out, so continuity holds across prompts, silence and
/// telephone-events.
///
/// The owner calls ``audioHeader(payloadType:payloadCount:)`` (or ``eventHeader``) for
/// each packet it sends in a tick, ``skipTick()`` for a tick it sends nothing, and then
/// ``advance(by:)`` once per tick.
public struct RTPSender: Sendable {
    /// Our synchronisation source.
    public let ssrc: UInt32
    /// The sequence number the next packet gets.
    public private(set) var nextSequenceNumber: UInt16
    /// The RTP timestamp of the current tick.
    public private(set) var timestamp: UInt32
    /// Packets sent (for SR, §6.4.1).
    public private(set) var packetCount: UInt32 = 0
    /// Payload octets sent (for SR).
    public private(set) var octetCount: UInt32 = 0
    /// Whether the next audio packet starts a talkspurt (first packet, or first after ticks
    /// without audio) and carries the marker bit (RFC 3551 §4.1).
    public private(set) var talkspurtPending = true

    /// Creates a sender. Initial sequence number and timestamp should be random (§5.1).
    public init(ssrc: UInt32, initialSequenceNumber: UInt16, initialTimestamp: UInt32) {
        self.ssrc = ssrc
        self.nextSequenceNumber = initialSequenceNumber
        self.timestamp = initialTimestamp
    }

    /// Creates a sender with random SSRC, sequence number and timestamp.
    public init<G: RandomNumberGenerator>(using generator: inout G) {
        self.init(ssrc: .random(in: 0...UInt32.max, using: &generator),
                  initialSequenceNumber: .random(in: 0...UInt16.max, using: &generator),
                  initialTimestamp: .random(in: 0...UInt32.max, using: &generator))
    }

    /// The header for an audio packet sampled at the current tick.
    public mutating func audioHeader(payloadType: UInt8, payloadCount: Int) -> RTPHeader {
        let marker = talkspurtPending
        talkspurtPending = false
        return header(payloadType: payloadType, timestamp: timestamp, marker: marker, payloadCount: payloadCount)
    }

    /// The header for an audio packet that started at an earlier tick (a packet of several
    /// 20 ms frames carries the first frame's timestamp).
    public mutating func audioHeader(payloadType: UInt8, payloadCount: Int, timestamp: UInt32, marker: Bool) -> RTPHeader {
        talkspurtPending = false
        return header(payloadType: payloadType, timestamp: timestamp, marker: marker, payloadCount: payloadCount)
    }

    /// The header for a packet with an explicit timestamp and marker, e.g. an RFC 4733
    /// event whose packets all carry the event's start time (RFC 4733 §2.3.4).
    public mutating func eventHeader(payloadType: UInt8, timestamp: UInt32, marker: Bool, payloadCount: Int) -> RTPHeader {
        // Audio after an event is a new talkspurt.
        talkspurtPending = true
        return header(payloadType: payloadType, timestamp: timestamp, marker: marker, payloadCount: payloadCount)
    }

    /// The header for a packet relayed from another leg, with its timestamp already mapped
    /// onto this stream's clock.
    public mutating func relayedHeader(payloadType: UInt8, timestamp: UInt32, marker: Bool, payloadCount: Int) -> RTPHeader {
        header(payloadType: payloadType, timestamp: timestamp, marker: marker, payloadCount: payloadCount)
    }

    /// Notes a tick without audio: the next audio packet starts a talkspurt.
    public mutating func skipTick() {
        talkspurtPending = true
    }

    /// Moves the clock on by one tick's worth of timestamp units (e.g. 160 for 20 ms at 8 kHz).
    public mutating func advance(by units: UInt32) {
        timestamp &+= units
    }

    private mutating func header(payloadType: UInt8, timestamp: UInt32, marker: Bool, payloadCount: Int) -> RTPHeader {
        let header = RTPHeader(marker: marker, payloadType: payloadType, sequenceNumber: nextSequenceNumber, timestamp: timestamp, ssrc: ssrc)
        nextSequenceNumber &+= 1
        packetCount &+= 1
        octetCount &+= UInt32(truncatingIfNeeded: payloadCount)
        return header
    }

    /// A sender report for this stream (RFC 3550 §6.4.1) at the current tick.
    public func senderReport(ntpTimestamp: UInt64, reports: [RTCPReportBlock] = []) -> RTCPPacket {
        .senderReport(ssrc: ssrc, ntpTimestamp: ntpTimestamp, rtpTimestamp: timestamp, packetCount: packetCount, octetCount: octetCount, reports: reports)
    }
}

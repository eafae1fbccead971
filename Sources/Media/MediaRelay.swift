import Foundation
import NIOCore

/// Joins two channels (a bridged transfer, anchored media), sans-IO: a packet received on
/// one leg becomes a packet on the other leg's own stream (its SSRC, its sequence numbers,
/// timestamps mapped onto its clock), with the payload type mapped, audio transcoded when
/// the codecs differ (G.711 µ/A-law ↔ each other or ↔ G.722, with ``HalfBandResampler``), and
/// telephone-events passed through when both legs negotiated them, or played as DTMF tones
/// into the other leg's audio when it did not.
///
/// While attached, neither channel's player sends; ``detach()`` hands both back to their
/// players at once, and their RTP streams simply continue.
public final class MediaRelay {
    /// The two legs.
    public let a: MediaChannel, b: MediaChannel
    /// Packets forwarded, per direction (A→B, B→A).
    public private(set) var forwarded = (aToB: 0, bToA: 0)
    /// Telephone-events that could not be passed on (not a DTMF key, and the other leg has
    /// no telephone-event).
    public private(set) var eventsNotPassed = 0
    /// Telephone-event packets turned into tone audio for a leg without telephone-event.
    public private(set) var eventsAsTones = 0

    private final class Direction {
        let from: MediaChannel, to: MediaChannel
        let decoder: AudioDecoder?
        let encoder: AudioEncoder?
        var resampler: HalfBandResampler?
        var sourceSSRC: UInt32?
        var timestampOffset: UInt32 = 0
        var carry: [Int16] = []
        /// The event being played as tones: its RTP timestamp and the duration played so far.
        var toneEvent: (timestamp: UInt32, played: UInt32)?
        var tonePhase = 0
        lazy var toneEncoder = AudioEncoder(codec: to.codec)

        /// Tone audio for the part of an event not yet played: the payload, and its offset
        /// from the event's start in timestamp units. Nil when nothing new is to be played
        /// (a duplicate, a redundant end, an old event).
        func tone(digit: DTMFDigit, eventTimestamp: UInt32, duration: UInt32) -> (payload: [UInt8], offset: UInt32)? {
            var played: UInt32 = 0
            if let current = toneEvent, current.timestamp == eventTimestamp {
                played = current.played
            } else if let current = toneEvent, Int32(bitPattern: eventTimestamp &- current.timestamp) < 0 {
                return nil  // a late packet of an earlier event
            } else {
                tonePhase = 0
            }
            guard duration > played else { return nil }
            // At most 60 ms at once (a lost stretch is not made up in one burst).
            let units = min(duration - played, 480)
            toneEvent = (eventTimestamp, played + units)
            let rate = to.codec.sampleRate
            let count = Int(units) * rate / 8000
            let (low, high) = digit.frequencies
            let a1 = DTMFToneDetector.zeroDBm0Amplitude * pow10(MediaRelay.toneLevels.low / 20)
            let a2 = DTMFToneDetector.zeroDBm0Amplitude * pow10(MediaRelay.toneLevels.high / 20)
            var samples = [Int16](repeating: 0, count: count)
            for n in 0..<count {
                let t = Double(tonePhase + n) / Double(rate)
                samples[n] = Int16((a1 * sin(2 * .pi * low * t) + a2 * sin(2 * .pi * high * t)).rounded())
            }
            tonePhase += count
            return ((encoder ?? toneEncoder).encode(samples), played)
        }

        init(from: MediaChannel, to: MediaChannel) {
            self.from = from
            self.to = to
            let transcode = from.codec != to.codec
            decoder = transcode ? AudioDecoder(codec: from.codec) : nil
            encoder = transcode ? AudioEncoder(codec: to.codec) : nil
            if from.codec.sampleRate == to.codec.sampleRate {
                resampler = nil
            } else {
                resampler = HalfBandResampler(from.codec.sampleRate < to.codec.sampleRate ? .up : .down)
            }
        }
    }

    private let aToB: Direction, bToA: Direction

    /// Level of each of the two generated tones (ITU-T Q.23 allows −3 to −20 dBm0 per tone;
    /// the high tone 2 dB louder, as keypads send).
    static let toneLevels = (low: -10.0, high: -8.0)

    /// Attaches `a` and `b`: from now on their players are silent.
    public init(a: MediaChannel, b: MediaChannel) {
        self.a = a
        self.b = b
        aToB = Direction(from: a, to: b)
        bToA = Direction(from: b, to: a)
        a.isRelayed = true
        b.isRelayed = true
    }

    /// Gives both channels back to their players.
    public func detach() {
        a.isRelayed = false
        b.isRelayed = false
    }

    /// Handles a datagram received on `channel` (one of the two legs). Returns the datagram
    /// to send on the other leg and that leg, or nil when nothing is to be sent (dropped,
    /// counted by the receiving leg's ``RTPReceiver``).
    public func forward(_ bytes: UnsafeRawBufferPointer, receivedOn channel: MediaChannel, from source: SocketAddress,
                        at now: NIODeadline) -> (datagram: [UInt8], to: MediaChannel)? {
        guard a.isRelayed, channel === a || channel === b else { return nil }
        let direction = channel === a ? aToB : bToA
        let outcome = channel.receiver.receive(bytes, from: source, at: now)
        if let latched = channel.receiver.latchedAddress, channel.remoteAddress != latched { channel.remoteAddress = latched }
        let packet: RTPPacket
        let isEvent: Bool
        switch outcome {
        case .dropped: return nil
        case .audio(let p, _): packet = p; isEvent = false
        case .telephoneEvent(let p): packet = p; isEvent = true
        }
        let to = direction.to
        // Map the source's timeline onto the outgoing stream's clock; re-anchor on a new SSRC.
        if direction.sourceSSRC != packet.header.ssrc {
            direction.sourceSSRC = packet.header.ssrc
            direction.timestampOffset = to.sender.timestamp &- packet.header.timestamp
        }
        let timestamp = packet.header.timestamp &+ direction.timestampOffset
        let payload = UnsafeRawBufferPointer(rebasing: bytes[packet.payloadOffset..<(packet.payloadOffset + packet.payloadCount)])
        let outPayload: [UInt8]
        let payloadType: UInt8
        var outTimestamp = timestamp
        var marker = packet.header.marker
        if isEvent {
            // RFC 4733 §2.1: events pass through with the payload type the other leg negotiated.
            if let mapped = to.telephoneEventPayloadType {
                payloadType = mapped
                outPayload = Array(payload)
            } else {
                // The other leg takes no events: play the key as tones in its audio instead
                // (what the event's growing duration adds, packet by packet).
                guard let event = TelephoneEvent(payload: payload), let digit = DTMFDigit(rawValue: event.event),
                      let tone = direction.tone(digit: digit, eventTimestamp: packet.header.timestamp, duration: UInt32(event.duration))
                else {
                    eventsNotPassed += 1
                    return nil
                }
                eventsAsTones += 1
                payloadType = to.payloadType
                outPayload = tone.payload
                outTimestamp = timestamp &+ tone.offset
                marker = tone.offset == 0
            }
        } else if let decoder = direction.decoder, let encoder = direction.encoder {
            var samples = direction.carry
            decoder.decode(payload, appendingTo: &samples)
            if direction.resampler != nil { samples = direction.resampler?.process(samples) ?? samples }
            // G.722 codes sample pairs: keep an odd sample for the next packet.
            if to.codec == .g722, samples.count % 2 == 1 {
                direction.carry = [samples.removeLast()]
            } else {
                direction.carry = []
            }
            var encoded: [UInt8] = []
            samples.withUnsafeBufferPointer { encoder.encode($0, appendingTo: &encoded) }
            payloadType = to.payloadType
            outPayload = encoded
        } else {
            payloadType = to.payloadType
            outPayload = Array(payload)
        }
        let header = to.relayedHeader(payloadType: payloadType, timestamp: outTimestamp, marker: marker, payloadCount: outPayload.count)
        if channel === a { forwarded.aToB += 1 } else { forwarded.bToA += 1 }
        return (RTPPacket.serialize(header: header, payload: outPayload), to)
    }
}

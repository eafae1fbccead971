import NIOCore

/// Counts of datagrams a receiver dropped, by reason. Nothing dropped is ever an error
/// to the caller; these feed metrics.
public struct RTPDropCounters: Sendable, Equatable {
    /// Shorter than its headers say, or than 12 octets.
    public var truncated = 0
    /// Larger than the configured maximum.
    public var oversized = 0
    /// Not version 2, bad padding.
    public var malformed = 0
    /// A payload type the session did not negotiate.
    public var unknownPayloadType = 0
    /// From an address other than the latched (or, before latching, the allowed) one.
    public var unexpectedSource = 0
    /// From the latched address but another SSRC while the current one is active.
    public var unexpectedSSRC = 0
    /// Arrived above the per-tick rate limit (a flood).
    public var rateLimited = 0

    /// Total dropped.
    public var total: Int { truncated + oversized + malformed + unknownPayloadType + unexpectedSource + unexpectedSSRC + rateLimited }
}

/// The receiving side of one RTP session, sans-IO: validates datagrams, latches to the
/// address the far end really sends from (symmetric RTP, RFC 4961 §4; "comedia"), keeps
/// RFC 3550 Appendix A statistics, and reports inactivity.
public struct RTPReceiver: Sendable {
    /// Which sources may be latched to before the first packet.
    public enum LatchPolicy: Sendable, Equatable {
        /// Latch to the first valid packet from any address (behind NAT the SDP address is
        /// often private).
        case anyAddress
        /// Latch only to packets from the SDP address's host; the port may differ.
        case sameHost
        /// Accept only the SDP address and port.
        case strict
    }

    /// What the owner should do with a datagram.
    public enum Outcome: Sendable, Equatable {
        /// An audio packet in a negotiated codec; the payload is `packet.payloadOffset`,
        /// `packet.payloadCount` into the datagram.
        case audio(RTPPacket, AudioCodec)
        /// A telephone-event packet (RFC 4733).
        case telephoneEvent(RTPPacket)
        /// Dropped and counted.
        case dropped
    }

    /// Payload types negotiated for audio.
    public var audioPayloadTypes: [UInt8: AudioCodec]
    /// The negotiated telephone-event payload type, if any.
    public var telephoneEventPayloadType: UInt8?
    /// The address the SDP gave; nil if unknown.
    public var expectedAddress: SocketAddress?
    /// Latching policy.
    public var latchPolicy: LatchPolicy
    /// Largest datagram accepted (a 20 ms G.711 packet is 172 octets).
    public var maximumPacketSize: Int
    /// A latched source silent this long may be replaced by a new one (NAT rebinding).
    public var relatchAfter: TimeAmount
    /// No packet for this long, when not on hold, means a dead call.
    public var inactivityTimeout: TimeAmount
    /// When true (hold: the far end sends `sendonly`/`inactive`), inactivity is not reported.
    public private(set) var onHold = false

    /// The address media is latched to, if any; also the address to send to (symmetric RTP).
    public private(set) var latchedAddress: SocketAddress?
    /// The SSRC of the current source.
    public private(set) var remoteSSRC: UInt32?
    /// RFC 3550 A.1/A.3/A.8 statistics for the current source.
    public private(set) var statistics: RTPSourceStatistics?
    /// Dropped datagrams by reason.
    public private(set) var drops = RTPDropCounters()
    /// Datagrams accepted.
    public private(set) var accepted = 0
    /// Most datagrams taken per second; more are a flood and dropped before parsing
    /// (a 20 ms stream sends 50, telephone-events and RTCP add a few).
    public var maximumPacketsPerSecond = 250
    private var windowStart: NIODeadline?
    private var windowCount = 0
    private var lastActivity: NIODeadline?
    private var lastFromLatched: NIODeadline?

    /// Creates a receiver for the negotiated payload types.
    public init(
        audioPayloadTypes: [UInt8: AudioCodec], telephoneEventPayloadType: UInt8? = nil,
        expectedAddress: SocketAddress? = nil, latchPolicy: LatchPolicy = .anyAddress,
        maximumPacketSize: Int = 1500, relatchAfter: TimeAmount = .seconds(2), inactivityTimeout: TimeAmount = .seconds(30)
    ) {
        self.audioPayloadTypes = audioPayloadTypes
        self.telephoneEventPayloadType = telephoneEventPayloadType
        self.expectedAddress = expectedAddress
        self.latchPolicy = latchPolicy
        self.maximumPacketSize = maximumPacketSize
        self.relatchAfter = relatchAfter
        self.inactivityTimeout = inactivityTimeout
    }

    private func allowedBeforeLatching(_ source: SocketAddress) -> Bool {
        switch latchPolicy {
        case .anyAddress: return true
        case .sameHost: return expectedAddress.map { $0.ipAddress == source.ipAddress } ?? true
        case .strict: return expectedAddress.map { $0 == source } ?? true
        }
    }

    /// Handles one RTP datagram from `source` arriving at `now`.
    public mutating func receive(_ bytes: UnsafeRawBufferPointer, from source: SocketAddress, at now: NIODeadline) -> Outcome {
        if let start = windowStart, now - start < .seconds(1) {
            windowCount += 1
            guard windowCount <= maximumPacketsPerSecond else {
                drops.rateLimited += 1
                return .dropped
            }
        } else {
            windowStart = now
            windowCount = 1
        }
        guard bytes.count <= maximumPacketSize else {
            drops.oversized += 1
            return .dropped
        }
        let packet: RTPPacket
        do {
            packet = try RTPPacket.parse(bytes)
        } catch {
            switch error {
            case .truncated: drops.truncated += 1
            default: drops.malformed += 1
            }
            return .dropped
        }
        let type = packet.header.payloadType
        let codec = audioPayloadTypes[type]
        guard codec != nil || type == telephoneEventPayloadType else {
            drops.unknownPayloadType += 1
            return .dropped
        }
        // RFC 4961 §4 (symmetric RTP): send to where the far end sends from. Latch once,
        // then ignore other sources unless the latched one has gone quiet.
        if let latched = latchedAddress, latched != source {
            let quietEnough = lastFromLatched.map { now - $0 >= relatchAfter } ?? true
            guard quietEnough, allowedBeforeLatching(source) else {
                drops.unexpectedSource += 1
                return .dropped
            }
            latchedAddress = source
            remoteSSRC = nil
        } else if latchedAddress == nil {
            guard allowedBeforeLatching(source) else {
                drops.unexpectedSource += 1
                return .dropped
            }
            latchedAddress = source
        }
        if let ssrc = remoteSSRC, ssrc != packet.header.ssrc {
            // RFC 3550 §8.2: a new SSRC from the same address; accept it once the old one
            // has been quiet (a re-INVITE or a restart), otherwise drop.
            let quietEnough = lastFromLatched.map { now - $0 >= relatchAfter } ?? true
            guard quietEnough else {
                drops.unexpectedSSRC += 1
                return .dropped
            }
            remoteSSRC = nil
        }
        if remoteSSRC == nil {
            remoteSSRC = packet.header.ssrc
            statistics = RTPSourceStatistics(firstSequence: packet.header.sequenceNumber)
        }
        _ = statistics?.update(sequence: packet.header.sequenceNumber)
        if codec != nil {
            let arrival = UInt32(truncatingIfNeeded: now.uptimeNanoseconds / 125_000)  // 8 kHz units
            statistics?.updateJitter(rtpTimestamp: packet.header.timestamp, arrival: arrival)
        }
        lastActivity = now
        lastFromLatched = now
        accepted += 1
        if let codec { return .audio(packet, codec) }
        return .telephoneEvent(packet)
    }

    /// Notes RTCP from the far end: it keeps the session alive (RFC 3550 §6.3.5) even when
    /// no RTP flows.
    public mutating func noteRTCP(at now: NIODeadline) {
        lastActivity = now
    }

    /// Starts the inactivity clock (at session start: a far end that never sends is dead too).
    public mutating func armInactivityTimer(at now: NIODeadline) {
        lastActivity = now
    }

    /// Puts the session on hold or takes it off (RFC 3264 §8.4 `sendonly`/`inactive` from
    /// the far end): no inactivity while held, and the clock restarts on resuming.
    public mutating func setOnHold(_ hold: Bool, at now: NIODeadline) {
        onHold = hold
        lastActivity = now
    }

    /// Whether the session has been silent for longer than the timeout and is not on hold.
    public func isInactive(at now: NIODeadline) -> Bool {
        guard !onHold, let last = lastActivity else { return false }
        return now - last >= inactivityTimeout
    }

    /// A receiver report block for the current source, if there is one.
    /// A receiver report block for the current source at `now`, with LSR/DLSR filled in
    /// when a sender report from it arrived (RFC 3550 §6.4.1: lets the far end compute the
    /// round-trip time).
    public mutating func reportBlock(at now: NIODeadline? = nil) -> RTCPReportBlock? {
        guard let ssrc = remoteSSRC else { return nil }
        var lsr: UInt32 = 0, dlsr: UInt32 = 0
        if let (middle, arrived) = lastSenderReport, let now {
            lsr = middle
            dlsr = UInt32(truncatingIfNeeded: max(0, (now - arrived).nanoseconds) * 65536 / 1_000_000_000)
        }
        return statistics?.makeReportBlock(ssrc: ssrc, lastSenderReport: lsr, delaySinceLastSenderReport: dlsr)
    }

    /// The middle 32 bits of the last SR's NTP timestamp from the current source, and when it came.
    public private(set) var lastSenderReport: (UInt32, NIODeadline)?

    /// What an RTCP datagram told us.
    public enum RTCPOutcome: Sendable, Equatable {
        /// Noted (reports, descriptions).
        case noted
        /// The far end left (RFC 3550 §6.6): the call's media is over.
        case bye(reason: String?)
        /// Not valid RTCP; dropped and counted.
        case dropped
    }

    /// Handles an RTCP datagram from `source` (RFC 3550 §6.4, §6.6). RTCP from an address
    /// other than the latched host is ignored; valid RTCP keeps the session alive.
    public mutating func receiveRTCP(_ bytes: UnsafeRawBufferPointer, from source: SocketAddress, at now: NIODeadline) -> RTCPOutcome {
        guard bytes.count <= maximumPacketSize else {
            drops.oversized += 1
            return .dropped
        }
        if let latched = latchedAddress, latched.ipAddress != source.ipAddress {
            drops.unexpectedSource += 1
            return .dropped
        }
        let packets: [RTCPPacket]
        do {
            packets = try RTCPPacket.parseCompound(bytes)
        } catch {
            drops.malformed += 1
            return .dropped
        }
        lastActivity = now
        var outcome = RTCPOutcome.noted
        for packet in packets {
            switch packet {
            case let .senderReport(ssrc, ntp, _, _, _, _) where remoteSSRC == nil || ssrc == remoteSSRC:
                lastSenderReport = (NTPTime.middle(ntp), now)
            case let .bye(ssrcs, reason) where remoteSSRC.map(ssrcs.contains) ?? true:
                outcome = .bye(reason: reason)
            default:
                break
            }
        }
        return outcome
    }
}

/// One reception report block (RFC 3550 §6.4.1).
public struct RTCPReportBlock: Sendable, Equatable {
    /// The source this block reports on.
    public var ssrc: UInt32
    /// Fraction of packets lost since the last report, in 1/256 units.
    public var fractionLost: UInt8
    /// Cumulative packets lost (24-bit signed).
    public var cumulativeLost: Int32
    /// Extended highest sequence number received.
    public var extendedHighestSequence: UInt32
    /// Interarrival jitter in timestamp units (§6.4.1, A.8).
    public var jitter: UInt32
    /// Middle 32 bits of the NTP timestamp of the last SR received (LSR).
    public var lastSenderReport: UInt32
    /// Delay since that SR in 1/65536 s (DLSR).
    public var delaySinceLastSenderReport: UInt32

    /// Creates a report block.
    public init(ssrc: UInt32, fractionLost: UInt8 = 0, cumulativeLost: Int32 = 0, extendedHighestSequence: UInt32 = 0, jitter: UInt32 = 0, lastSenderReport: UInt32 = 0, delaySinceLastSenderReport: UInt32 = 0) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = max(-0x80_0000, min(0x7F_FFFF, cumulativeLost))
        self.extendedHighestSequence = extendedHighestSequence
        self.jitter = jitter
        self.lastSenderReport = lastSenderReport
        self.delaySinceLastSenderReport = delaySinceLastSenderReport
    }
}

/// The RTCP packets Switchboard builds and reads (RFC 3550 §6.4–6.6). Others are kept as
/// their type number.
public enum RTCPPacket: Sendable, Equatable {
    /// SR, PT 200 (§6.4.1).
    case senderReport(ssrc: UInt32, ntpTimestamp: UInt64, rtpTimestamp: UInt32, packetCount: UInt32, octetCount: UInt32, reports: [RTCPReportBlock])
    /// RR, PT 201 (§6.4.2).
    case receiverReport(ssrc: UInt32, reports: [RTCPReportBlock])
    /// SDES, PT 202 (§6.5), CNAME items only.
    case sourceDescription(cnames: [UInt32: String])
    /// BYE, PT 203 (§6.6).
    case bye(ssrcs: [UInt32], reason: String?)
    /// Any other packet type, skipped.
    case other(packetType: UInt8)

    /// Parses a compound RTCP datagram (§6.1): each packet's version must be 2 and its
    /// length must fit; the first must be SR or RR (§A.2).
    public static func parseCompound(_ bytes: UnsafeRawBufferPointer) throws(RTPParseError) -> [RTCPPacket] {
        var packets: [RTCPPacket] = []
        var offset = 0
        while offset < bytes.count {
            guard bytes.count - offset >= 4 else { throw .truncated }
            let first = bytes[offset]
            guard first >> 6 == 2 else { throw .badVersion }
            let count = Int(first & 0x1F)
            let type = bytes[offset + 1]
            let length = 4 * (Int(bytes.readBigEndianUInt16(at: offset + 2)) + 1)
            guard offset + length <= bytes.count else { throw .badLength }
            var end = offset + length
            if first & 0x20 != 0 {
                let padding = Int(bytes[end - 1])
                guard padding > 0, padding <= length - 4 else { throw .badPadding }
                end -= padding
            }
            let body = UnsafeRawBufferPointer(rebasing: bytes[(offset + 4)..<end])
            packets.append(try parseOne(type: type, count: count, body: body))
            offset += length
        }
        guard let first = packets.first else { throw .truncated }
        switch first {
        case .senderReport, .receiverReport: break
        default: throw .badLength
        }
        return packets
    }

    /// Parses a compound packet held in an array.
    public static func parseCompound(_ bytes: [UInt8]) throws(RTPParseError) -> [RTCPPacket] {
        let result: Result<[RTCPPacket], RTPParseError> = bytes.withUnsafeBytes { raw in
            do throws(RTPParseError) { return .success(try parseCompound(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private static func parseBlocks(_ body: UnsafeRawBufferPointer, at start: Int, count: Int) throws(RTPParseError) -> [RTCPReportBlock] {
        guard body.count >= start + 24 * count else { throw .truncated }
        return (0..<count).map { index in
            let at = start + 24 * index
            let lostWord = body.readBigEndianUInt32(at: at + 4)
            var cumulative = Int32(bitPattern: lostWord & 0x00FF_FFFF)
            if cumulative & 0x0080_0000 != 0 { cumulative -= 0x0100_0000 }
            return RTCPReportBlock(
                ssrc: body.readBigEndianUInt32(at: at), fractionLost: UInt8(lostWord >> 24), cumulativeLost: cumulative,
                extendedHighestSequence: body.readBigEndianUInt32(at: at + 8), jitter: body.readBigEndianUInt32(at: at + 12),
                lastSenderReport: body.readBigEndianUInt32(at: at + 16), delaySinceLastSenderReport: body.readBigEndianUInt32(at: at + 20)
            )
        }
    }

    private static func parseOne(type: UInt8, count: Int, body: UnsafeRawBufferPointer) throws(RTPParseError) -> RTCPPacket {
        switch type {
        case 200:
            guard body.count >= 24 else { throw .truncated }
            let ntp = UInt64(body.readBigEndianUInt32(at: 4)) << 32 | UInt64(body.readBigEndianUInt32(at: 8))
            return .senderReport(
                ssrc: body.readBigEndianUInt32(at: 0), ntpTimestamp: ntp, rtpTimestamp: body.readBigEndianUInt32(at: 12),
                packetCount: body.readBigEndianUInt32(at: 16), octetCount: body.readBigEndianUInt32(at: 20),
                reports: try parseBlocks(body, at: 24, count: count)
            )
        case 201:
            guard body.count >= 4 else { throw .truncated }
            return .receiverReport(ssrc: body.readBigEndianUInt32(at: 0), reports: try parseBlocks(body, at: 4, count: count))
        case 202:
            // §6.5: chunks of SSRC + items, each chunk ended by a zero octet and padded to 32 bits.
            var cnames: [UInt32: String] = [:]
            var at = 0
            for _ in 0..<count {
                guard body.count >= at + 4 else { throw .truncated }
                let ssrc = body.readBigEndianUInt32(at: at)
                at += 4
                while true {
                    guard at < body.count else { throw .truncated }
                    let itemType = body[at]
                    if itemType == 0 { break }
                    guard at + 2 <= body.count else { throw .truncated }
                    let length = Int(body[at + 1])
                    guard at + 2 + length <= body.count else { throw .truncated }
                    if itemType == 1 {
                        cnames[ssrc] = String(decoding: UnsafeRawBufferPointer(rebasing: body[(at + 2)..<(at + 2 + length)]), as: UTF8.self)
                    }
                    at += 2 + length
                }
                at = (at + 4) & ~3
            }
            return .sourceDescription(cnames: cnames)
        case 203:
            guard body.count >= 4 * count else { throw .truncated }
            let ssrcs = (0..<count).map { body.readBigEndianUInt32(at: 4 * $0) }
            var reason: String?
            let at = 4 * count
            if body.count > at {
                let length = Int(body[at])
                guard body.count >= at + 1 + length else { throw .truncated }
                reason = String(decoding: UnsafeRawBufferPointer(rebasing: body[(at + 1)..<(at + 1 + length)]), as: UTF8.self)
            }
            return .bye(ssrcs: ssrcs, reason: reason)
        default:
            return .other(packetType: type)
        }
    }

    /// Serialises packets into one compound datagram (§6.1). Report blocks beyond 31 and
    /// BYE sources beyond 31 are not written.
    public static func serializeCompound(_ packets: [RTCPPacket]) -> [UInt8] {
        var bytes: [UInt8] = []
        for packet in packets { packet.append(to: &bytes) }
        return bytes
    }

    private func append(to bytes: inout [UInt8]) {
        let start = bytes.count
        func header(count: Int, type: UInt8) {
            bytes.append(UInt8(0x80 | min(count, 31)))
            bytes.append(type)
            bytes.append(contentsOf: [0, 0])  // length, filled in below
        }
        func blocks(_ reports: [RTCPReportBlock]) {
            for block in reports.prefix(31) {
                bytes.appendBigEndian(block.ssrc)
                bytes.appendBigEndian(UInt32(block.fractionLost) << 24 | (UInt32(bitPattern: block.cumulativeLost) & 0x00FF_FFFF))
                bytes.appendBigEndian(block.extendedHighestSequence)
                bytes.appendBigEndian(block.jitter)
                bytes.appendBigEndian(block.lastSenderReport)
                bytes.appendBigEndian(block.delaySinceLastSenderReport)
            }
        }
        switch self {
        case let .senderReport(ssrc, ntp, rtp, packets, octets, reports):
            header(count: reports.count, type: 200)
            bytes.appendBigEndian(ssrc)
            bytes.appendBigEndian(UInt32(ntp >> 32))
            bytes.appendBigEndian(UInt32(ntp & 0xFFFF_FFFF))
            bytes.appendBigEndian(rtp)
            bytes.appendBigEndian(packets)
            bytes.appendBigEndian(octets)
            blocks(reports)
        case let .receiverReport(ssrc, reports):
            header(count: reports.count, type: 201)
            bytes.appendBigEndian(ssrc)
            blocks(reports)
        case let .sourceDescription(cnames):
            let chunks = cnames.sorted { $0.key < $1.key }.prefix(31)
            header(count: chunks.count, type: 202)
            for (ssrc, cname) in chunks {
                bytes.appendBigEndian(ssrc)
                let text = Array(cname.utf8.prefix(255))
                bytes.append(1)
                bytes.append(UInt8(text.count))
                bytes.append(contentsOf: text)
                bytes.append(0)
                while (bytes.count - start) % 4 != 0 { bytes.append(0) }
            }
        case let .bye(ssrcs, reason):
            header(count: min(ssrcs.count, 31), type: 203)
            for ssrc in ssrcs.prefix(31) { bytes.appendBigEndian(ssrc) }
            if let reason {
                let text = Array(reason.utf8.prefix(255))
                bytes.append(UInt8(text.count))
                bytes.append(contentsOf: text)
                while (bytes.count - start) % 4 != 0 { bytes.append(0) }
            }
        case let .other(type):
            header(count: 0, type: type)
        }
        let words = (bytes.count - start) / 4 - 1
        bytes[start + 2] = UInt8(words >> 8)
        bytes[start + 3] = UInt8(words & 0xFF)
    }
}

/// NTP timestamps for sender reports (RFC 3550 §4: seconds since 1900 in 32.32 fixed point).
public enum NTPTime {
    /// The NTP timestamp of a Unix time in nanoseconds.
    public static func timestamp(unixNanoseconds: Int64) -> UInt64 {
        let seconds = UInt64(max(unixNanoseconds, 0) / 1_000_000_000) + 2_208_988_800
        let fraction = (UInt64(max(unixNanoseconds, 0) % 1_000_000_000) << 32) / 1_000_000_000
        return seconds << 32 | fraction
    }

    /// The middle 32 bits, as carried in LSR (§6.4.1).
    public static func middle(_ ntp: UInt64) -> UInt32 { UInt32((ntp >> 16) & 0xFFFF_FFFF) }
}

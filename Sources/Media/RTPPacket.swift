import NIOCore

/// Why an RTP or RTCP datagram was rejected. Receivers count these instead of failing.
public enum RTPParseError: Error, Sendable, Equatable {
    /// Shorter than the fixed header, or than the CSRC list / extension / padding it announces.
    case truncated
    /// Version field other than 2 (RFC 3550 §5.1).
    case badVersion
    /// A padding count of zero or larger than the packet (RFC 3550 §5.1, A.1).
    case badPadding
    /// An RTCP length field that does not fit the datagram (RFC 3550 §6.4.1).
    case badLength
}

/// The fixed RTP header plus CSRC list (RFC 3550 §5.1). Header extensions are skipped on
/// parse and never written.
public struct RTPHeader: Sendable, Equatable {
    /// M: the first packet of a talkspurt for audio (RFC 3551 §4.1), of an event for RFC 4733.
    public var marker: Bool
    /// PT, 7 bits.
    public var payloadType: UInt8
    /// Sequence number, +1 per packet sent (wraps).
    public var sequenceNumber: UInt16
    /// Sampling instant of the first octet of the payload, in RTP clock units.
    public var timestamp: UInt32
    /// Synchronisation source.
    public var ssrc: UInt32
    /// Contributing sources (at most 15).
    public var csrcs: [UInt32]

    /// Creates a header.
    public init(marker: Bool = false, payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32, csrcs: [UInt32] = []) {
        self.marker = marker
        self.payloadType = payloadType & 0x7F
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcs = csrcs.count > 15 ? Array(csrcs.prefix(15)) : csrcs  // no copy per packet
    }

    /// Length of the header as written: 12 octets plus 4 per CSRC.
    public var encodedLength: Int { 12 + 4 * csrcs.count }

    /// Writes the header (no padding, no extension) into `buffer`.
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(0x80 | csrcs.count))
        buffer.writeInteger((marker ? 0x80 : 0) | payloadType)
        buffer.writeInteger(sequenceNumber)
        buffer.writeInteger(timestamp)
        buffer.writeInteger(ssrc)
        for csrc in csrcs { buffer.writeInteger(csrc) }
    }

    /// Writes the header into `bytes`.
    public func append(to bytes: inout [UInt8]) {
        bytes.append(UInt8(0x80 | csrcs.count))
        bytes.append((marker ? 0x80 : 0) | payloadType)
        bytes.appendBigEndian(sequenceNumber)
        bytes.appendBigEndian(timestamp)
        bytes.appendBigEndian(ssrc)
        for csrc in csrcs { bytes.appendBigEndian(csrc) }
    }
}

/// A parsed RTP packet: its header and where the payload lies in the datagram.
public struct RTPPacket: Sendable, Equatable {
    /// The header.
    public var header: RTPHeader
    /// Offset of the payload's first octet in the datagram.
    public var payloadOffset: Int
    /// Payload length without padding.
    public var payloadCount: Int

    /// Parses a datagram (RFC 3550 §5.1; validity checks of §A.1 that need no state).
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(RTPParseError) -> RTPPacket {
        guard bytes.count >= 12 else { throw .truncated }
        let first = bytes[0]
        guard first >> 6 == 2 else { throw .badVersion }
        let hasPadding = first & 0x20 != 0
        let hasExtension = first & 0x10 != 0
        let csrcCount = Int(first & 0x0F)
        var offset = 12 + 4 * csrcCount
        guard bytes.count >= offset else { throw .truncated }
        var csrcs: [UInt32] = []
        if csrcCount > 0 {
            csrcs.reserveCapacity(csrcCount)
            for index in 0..<csrcCount { csrcs.append(bytes.readBigEndianUInt32(at: 12 + 4 * index)) }
        }
        if hasExtension {
            // RFC 3550 §5.3.1: 16-bit profile field, 16-bit length in 32-bit words.
            guard bytes.count >= offset + 4 else { throw .truncated }
            let words = Int(bytes.readBigEndianUInt16(at: offset + 2))
            offset += 4 + 4 * words
            guard bytes.count >= offset else { throw .truncated }
        }
        var end = bytes.count
        if hasPadding {
            // RFC 3550 §5.1: the last octet counts the padding octets, itself included.
            let padding = Int(bytes[bytes.count - 1])
            guard padding > 0, end - padding >= offset else { throw .badPadding }
            end -= padding
        }
        let header = RTPHeader(
            marker: bytes[1] & 0x80 != 0, payloadType: bytes[1] & 0x7F,
            sequenceNumber: bytes.readBigEndianUInt16(at: 2), timestamp: bytes.readBigEndianUInt32(at: 4),
            ssrc: bytes.readBigEndianUInt32(at: 8), csrcs: csrcs
        )
        return RTPPacket(header: header, payloadOffset: offset, payloadCount: end - offset)
    }

    /// Parses an array of bytes.
    public static func parse(_ bytes: [UInt8]) throws(RTPParseError) -> RTPPacket {
        let result: Result<RTPPacket, RTPParseError> = bytes.withUnsafeBytes { raw in
            do throws(RTPParseError) { return .success(try parse(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Serialises a header and payload into one datagram.
    public static func serialize(header: RTPHeader, payload: some Collection<UInt8>) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(header.encodedLength + payload.count)
        header.append(to: &bytes)
        bytes.append(contentsOf: payload)
        return bytes
    }

    /// Whether the first two bits and payload type say RTCP rather than RTP, for a port that
    /// carries both (RFC 5761 §4: RTCP packet types 200–204 fall on RTP PTs 72–76).
    public static func looksLikeRTCP(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 2 && (200...204).contains(bytes[1])
    }
}

extension UnsafeRawBufferPointer {
    @inlinable
    func readBigEndianUInt16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) << 8 | UInt16(self[offset + 1])
    }

    @inlinable
    func readBigEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16 | UInt32(self[offset + 2]) << 8 | UInt32(self[offset + 3])
    }
}

extension Array where Element == UInt8 {
    @inlinable
    mutating func appendBigEndian(_ value: UInt16) {
        append(UInt8(value >> 8))
        append(UInt8(value & 0xFF))
    }

    @inlinable
    mutating func appendBigEndian(_ value: UInt32) {
        append(UInt8(value >> 24))
        append(UInt8((value >> 16) & 0xFF))
        append(UInt8((value >> 8) & 0xFF))
        append(UInt8(value & 0xFF))
    }
}

/// ITU-T G.711 companding: µ-law (PCMU) and A-law (PCMA), between 16-bit linear PCM and
/// 8-bit codes.
///
/// The encoders follow G.711's segment tables (the "Sun" formulation: 14-bit magnitudes
/// for µ-law, 13-bit for A-law); both directions are table lookups built once.
public enum G711 {
    // MARK: µ-law

    /// Encodes one linear sample to a µ-law code (G.711 Table 2a).
    @inlinable
    public static func ulaw(fromLinear sample: Int16) -> UInt8 {
        ulawEncodeTable[Int(UInt16(bitPattern: sample) >> 2)]
    }

    /// Decodes one µ-law code to linear PCM.
    @inlinable
    public static func linear(fromULaw code: UInt8) -> Int16 {
        ulawDecodeTable[Int(code)]
    }

    // MARK: A-law

    /// Encodes one linear sample to an A-law code (G.711 Table 1a; even bits inverted).
    @inlinable
    public static func alaw(fromLinear sample: Int16) -> UInt8 {
        alawEncodeTable[Int(UInt16(bitPattern: sample) >> 3)]
    }

    /// Decodes one A-law code to linear PCM.
    @inlinable
    public static func linear(fromALaw code: UInt8) -> Int16 {
        alawDecodeTable[Int(code)]
    }

    // MARK: Tables

    /// µ-law codes for every 14-bit input (index = the sample's top 14 bits, two's complement).
    public static let ulawEncodeTable: [UInt8] = (0..<16384).map { index in
        computeULaw(Int16(bitPattern: UInt16(index) << 2))
    }
    /// A-law codes for every 13-bit input.
    public static let alawEncodeTable: [UInt8] = (0..<8192).map { index in
        computeALaw(Int16(bitPattern: UInt16(index) << 3))
    }
    /// Linear values of the 256 µ-law codes.
    public static let ulawDecodeTable: [Int16] = (0..<256).map { computeLinear(fromULaw: UInt8($0)) }
    /// Linear values of the 256 A-law codes.
    public static let alawDecodeTable: [Int16] = (0..<256).map { computeLinear(fromALaw: UInt8($0)) }

    /// Upper ends of the eight µ-law segments in biased 14-bit magnitude.
    private static let ulawSegmentEnds: [Int] = [0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF]
    /// Upper ends of the eight A-law segments in 13-bit magnitude.
    private static let alawSegmentEnds: [Int] = [0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF]

    private static func segment(_ value: Int, ends: [Int]) -> Int {
        for (index, end) in ends.enumerated() where value <= end { return index }
        return ends.count
    }

    static func computeULaw(_ sample: Int16) -> UInt8 {
        // G.711 µ-law: magnitude in 14 bits, clipped to 8159, biased by 33, segment found,
        // four quantisation bits; the whole code is inverted on the line.
        // Negative values are one's complemented (~x), as in the ITU-T G.191 reference
        // (STL g711.c), so −1 encodes as the negative zero 0x7F.
        var magnitude = Int(sample) >> 2
        let mask: Int
        if magnitude < 0 {
            magnitude = ~magnitude
            mask = 0x7F
        } else {
            mask = 0xFF
        }
        magnitude = min(magnitude, 8158) + 33
        let seg = segment(magnitude, ends: ulawSegmentEnds)
        if seg >= 8 { return UInt8(0x7F ^ mask) }
        let code = (seg << 4) | ((magnitude >> (seg + 1)) & 0x0F)
        return UInt8(code ^ mask)
    }

    static func computeLinear(fromULaw code: UInt8) -> Int16 {
        let u = Int(~code)
        var t = ((u & 0x0F) << 3) + 0x84
        t <<= (u & 0x70) >> 4
        return Int16((u & 0x80) != 0 ? 0x84 - t : t - 0x84)
    }

    static func computeALaw(_ sample: Int16) -> UInt8 {
        // G.711 A-law: 13-bit magnitude (negative values are one's complemented), segment,
        // four quantisation bits; even bits inverted (XOR 0x55), sign bit 1 for positive.
        var magnitude = Int(sample) >> 3
        let mask: Int
        if magnitude >= 0 {
            mask = 0xD5
        } else {
            mask = 0x55
            magnitude = -magnitude - 1
        }
        let seg = segment(magnitude, ends: alawSegmentEnds)
        if seg >= 8 { return UInt8(0x7F ^ mask) }
        var code = seg << 4
        code |= seg < 2 ? (magnitude >> 1) & 0x0F : (magnitude >> seg) & 0x0F
        return UInt8(code ^ mask)
    }

    static func computeLinear(fromALaw code: UInt8) -> Int16 {
        let a = Int(code ^ 0x55)
        var t = (a & 0x0F) << 4
        let seg = (a & 0x70) >> 4
        switch seg {
        case 0: t += 8
        case 1: t += 0x108
        default: t = (t + 0x108) << (seg - 1)
        }
        return Int16((a & 0x80) != 0 ? t : -t)
    }
}

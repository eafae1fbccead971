#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte constants and character classes of the SIP grammar (RFC 3261 §25.1).
enum ASCII {
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22
    static let percent: UInt8 = 0x25
    static let comma: UInt8 = 0x2C
    static let slash: UInt8 = 0x2F
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let lessThan: UInt8 = 0x3C
    static let equals: UInt8 = 0x3D
    static let greaterThan: UInt8 = 0x3E
    static let question: UInt8 = 0x3F
    static let at: UInt8 = 0x40
    static let leftBracket: UInt8 = 0x5B
    static let backslash: UInt8 = 0x5C
    static let rightBracket: UInt8 = 0x5D
    static let ampersand: UInt8 = 0x26

    @inline(__always) static func isToken(_ byte: UInt8) -> Bool { CharacterClass.token.contains(byte) }
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
    @inline(__always) static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }
    @inline(__always) static func has(_ byte: UInt8, _ cls: CharacterClass) -> Bool { cls.contains(byte) }

    /// ASCII lower-casing of one byte.
    @inline(__always) static func lower(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }
}

/// A set of ASCII bytes as a 128-bit mask: constant literals, so membership tests need no
/// table look-up and no lazy global initialisation. The masks are generated from the
/// character lists of RFC 3261 §25.1 given in each comment.
struct CharacterClass: Sendable {
    let low: UInt64
    let high: UInt64
    /// This class's bit in `table`.
    let bit: UInt16

    /// Every class's membership per byte: bit `n` is set when the byte is in the class whose
    /// `bit` is `n`. Used by `span`, which scans runs of a class with one load and test per
    /// byte. Generated from the masks below (a test checks that the two agree); a literal
    /// `InlineArray` is laid out at compile time, so reading it needs no lazy-initialisation
    /// check (`swift_once`) and no array retain.
    static let table: InlineArray<256, UInt16> = [
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0x00
        0x0000, 0x0800, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0x08
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0x10
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0x18
        0x0800, 0x05F1, 0x0400, 0x0000, 0x01E0, 0x05E1, 0x00E0, 0x05F1,  // 0x20
        0x05F0, 0x05F0, 0x05F1, 0x15E1, 0x0060, 0x37F1, 0x17F1, 0x05A0,  // 0x28
        0x37FB, 0x37FB, 0x37FB, 0x37FB, 0x37FB, 0x37FB, 0x37FB, 0x37FB,  // 0x30
        0x37FB, 0x37FB, 0x0580, 0x0020, 0x0400, 0x0060, 0x0400, 0x0520,  // 0x38
        0x0000, 0x37FD, 0x37FD, 0x37FD, 0x37FD, 0x37FD, 0x37FD, 0x37F5,  // 0x40
        0x37F5, 0x37F5, 0x37F5, 0x37F5, 0x37F5, 0x37F5, 0x37F5, 0x37F5,  // 0x48
        0x37F5, 0x37F5, 0x37F5, 0x37F5, 0x37F5, 0x37F5, 0x37F5, 0x37F5,  // 0x50
        0x37F5, 0x37F5, 0x37F5, 0x0580, 0x0400, 0x0580, 0x0000, 0x27F1,  // 0x58
        0x0401, 0x37FD, 0x37FD, 0x37FD, 0x37FD, 0x37FD, 0x37FD, 0x37F5,  // 0x60
        0x37F5, 0x37F5, 0x37F5, 0x37F5, 0x37F5, 0x37F5, 0x37F5, 0x37F5,  // 0x68
        0x37F5, 0x37F5, 0x37F5, 0x37F5, 0x37F5, 0x37F5, 0x37F5, 0x37F5,  // 0x70
        0x37F5, 0x37F5, 0x37F5, 0x0400, 0x0000, 0x0400, 0x05F1, 0x0000,  // 0x78
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0x80
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0x88
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0x90
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0x98
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xA0
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xA8
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xB0
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xB8
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xC0
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xC8
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xD0
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xD8
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xE0
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xE8
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xF0
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xF8
    ]

    /// The masks' classes, in the order of their bits, for checking `table`.
    static let all: [CharacterClass] = [token, digit, alpha, hex, unreserved, user, password, param,
                                        uriHeader, hostName, word, whitespace, hostLabel, scheme]

    /// The end of the run of bytes in this class starting at `start`, before `end`.
    @inline(__always) func span(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        let mask: UInt16 = 1 << bit
        var cursor = start
        // Four bytes per bounds check: runs (names, labels, tags, branches) are mostly longer.
        while cursor &+ 4 <= end {
            if CharacterClass.table[Int(bytes[cursor])] & mask == 0 { return cursor }
            if CharacterClass.table[Int(bytes[cursor &+ 1])] & mask == 0 { return cursor &+ 1 }
            if CharacterClass.table[Int(bytes[cursor &+ 2])] & mask == 0 { return cursor &+ 2 }
            if CharacterClass.table[Int(bytes[cursor &+ 3])] & mask == 0 { return cursor &+ 3 }
            cursor &+= 4
        }
        while cursor < end, CharacterClass.table[Int(bytes[cursor])] & mask != 0 { cursor += 1 }
        return cursor
    }

    @inline(__always) func contains(_ byte: UInt8) -> Bool {
        // Branch-free: pick the half-mask, then test the bit; bytes ≥ 128 are never members.
        let half = byte < 64 ? low : (byte < 128 ? high : 0)
        return half & (1 << UInt64(byte & 63)) != 0
    }

    /// `token` characters (RFC 3261 §25.1): alphanum and `-.!%*_+`~'`.
    static let token = CharacterClass(low: 0x03FF6CA200000000, high: 0x47FFFFFF87FFFFFE, bit: 0)
    /// Decimal digits.
    static let digit = CharacterClass(low: 0x03FF000000000000, high: 0x0000000000000000, bit: 1)
    /// Letters.
    static let alpha = CharacterClass(low: 0x0000000000000000, high: 0x07FFFFFE07FFFFFE, bit: 2)
    /// Hexadecimal digits.
    static let hex = CharacterClass(low: 0x03FF000000000000, high: 0x0000007E0000007E, bit: 3)
    /// `unreserved`: alphanum and mark `-_.!~*'()`.
    static let unreserved = CharacterClass(low: 0x03FF678200000000, high: 0x47FFFFFE87FFFFFE, bit: 4)
    /// Characters allowed in the user part: unreserved, `&=+$,;?/` and `%` of escapes.
    static let user = CharacterClass(low: 0xABFFFFF200000000, high: 0x47FFFFFE87FFFFFE, bit: 5)
    /// Password characters: unreserved, `&=+$,` and `%` of escapes.
    static let password = CharacterClass(low: 0x23FF7FF200000000, high: 0x47FFFFFE87FFFFFE, bit: 6)
    /// URI parameter characters: unreserved, `[]/:&+$` and `%` of escapes.
    static let param = CharacterClass(low: 0x07FFEFF200000000, high: 0x47FFFFFEAFFFFFFE, bit: 7)
    /// URI header characters: unreserved, `[]/?:+$` and `%` of escapes.
    static let uriHeader = CharacterClass(low: 0x87FFEFB200000000, high: 0x47FFFFFEAFFFFFFE, bit: 8)
    /// Host name characters: alphanum, `-`, `.` and (tolerated) `_`.
    static let hostName = CharacterClass(low: 0x03FF600000000000, high: 0x07FFFFFE87FFFFFE, bit: 9)
    /// `word` characters (Call-ID): token plus `()<>:\\"/[]?{}`.
    static let word = CharacterClass(low: 0xD7FFEFA600000000, high: 0x6FFFFFFFBFFFFFFE, bit: 10)
    /// SP and HTAB.
    static let whitespace = CharacterClass(low: 0x0000000100000200, high: 0x0000000000000000, bit: 11)
    /// Host label characters: alphanum, `-` and (tolerated) `_`; labels are split at `.`.
    static let hostLabel = CharacterClass(low: 0x03FF200000000000, high: 0x07FFFFFE87FFFFFE, bit: 13)
    /// URI scheme characters after the first letter.
    static let scheme = CharacterClass(low: 0x03FF680000000000, high: 0x07FFFFFE07FFFFFE, bit: 12)
}

extension UnsafeBufferPointer<UInt8> {
    /// The bytes in `range` as a String (UTF-8; invalid sequences repaired).
    @inline(__always) func string(_ range: Range<Int>) -> String {
        let part = UnsafeBufferPointer(rebasing: self[range])
        // Up to 15 bytes fit a small string, which this initializer builds in place at less
        // cost than `String(decoding:)` (it validates and repairs UTF-8 just the same).
        if part.count <= 15 {
            return String(unsafeUninitializedCapacity: part.count) { _ = $0.initialize(from: part); return part.count }
        }
        return String(decoding: part, as: UTF8.self)
    }

    /// Whether the bytes in `range` are exactly `text`.
    @inline(__always) func equals(_ range: Range<Int>, _ text: StaticString) -> Bool {
        guard range.count == text.utf8CodeUnitCount, let base = baseAddress else { return false }
        return memcmp(base + range.lowerBound, text.utf8Start, range.count) == 0
    }

    /// Whether the 8 bytes at `offset` (which must lie inside the buffer) spell `sip/2.0/`
    /// or `SIP/2.0/`, letters in any case: one load and compare, with 0x20 OR-ed into the
    /// three letter positions only, so no other byte can match.
    @inline(__always) func isSIP20Slash(at offset: Int) -> Bool {
        guard offset >= 0, offset + 8 <= count, let base = baseAddress else { return false }
        let word = UInt64(littleEndian: UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self))
        return word | 0x0000_0000_0020_2020 == 0x2F30_2E32_2F70_6973  // "sip/2.0/"
    }

    /// Whether the bytes in `range` equal `lowercaseASCII` ignoring ASCII case.
    @inline(__always) func equalsIgnoringCase(_ range: Range<Int>, _ lowercaseASCII: StaticString) -> Bool {
        guard range.count == lowercaseASCII.utf8CodeUnitCount else { return false }
        let other = lowercaseASCII.utf8Start
        var i = 0
        for index in range {
            if ASCII.lower(self[index]) != other[i] { return false }
            i += 1
        }
        return true
    }
}

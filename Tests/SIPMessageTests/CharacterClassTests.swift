import Testing
@testable import SIPMessage

/// The byte table that `CharacterClass.span` reads is a literal; it must say what the masks say.
@Test func characterTableMatchesMasks() {
    for byte in 0...255 {
        var expected: UInt16 = 0
        for cls in CharacterClass.all where cls.contains(UInt8(byte)) { expected |= 1 << cls.bit }
        #expect(CharacterClass.table[byte] == expected, "byte \(byte)")
    }
    #expect(Set(CharacterClass.all.map(\.bit)).count == CharacterClass.all.count)
}

/// Parts become Strings two ways (small ones built in place); both repair invalid UTF-8 alike.
@Test func shortAndLongStringsRepairLikeDecoding() {
    let samples: [[UInt8]] = [[], [0x41], [0xFF], [0x61, 0xC3], [0xE2, 0x82, 0xAC, 0xFF, 0x62],
                              Array("0123456789abcde".utf8), Array("0123456789abcdef".utf8) + [0xC0, 0x80],
                              [0xF0, 0x9F, 0x98, 0x80], Array(repeating: 0xFE, count: 15)]
    for bytes in samples {
        bytes.withUnsafeBufferPointer { buffer in
            #expect(buffer.string(0..<buffer.count) == String(decoding: bytes, as: UTF8.self))
        }
    }
}

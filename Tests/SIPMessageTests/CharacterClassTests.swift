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

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

    /// Bit flags per byte, looked up in one table.
    struct Class: OptionSet {
        let rawValue: UInt16
        /// `token` characters (RFC 3261 §25.1): alphanum and `-.!%*_+`~'`.
        static let token = Class(rawValue: 1 << 0)
        static let digit = Class(rawValue: 1 << 1)
        static let alpha = Class(rawValue: 1 << 2)
        static let hex = Class(rawValue: 1 << 3)
        /// `unreserved` (alphanum / mark) — mark is `-_.!~*'()`.
        static let unreserved = Class(rawValue: 1 << 4)
        /// Characters allowed unescaped in the user part: unreserved plus `&=+$,;?/`.
        static let user = Class(rawValue: 1 << 5)
        /// Unreserved plus `&=+$,` — password characters.
        static let password = Class(rawValue: 1 << 6)
        /// Characters of a URI parameter name or value: unreserved plus `[]/:&+$`.
        static let param = Class(rawValue: 1 << 7)
        /// Characters of a URI header name or value: unreserved plus `[]/?:+$`.
        static let uriHeader = Class(rawValue: 1 << 8)
        /// Host name characters, IPv4 and the inside of IPv6 references: alphanum `-.:`.
        static let host = Class(rawValue: 1 << 9)
        /// `word` characters (Call-ID): token plus `()<>:\"/[]?{}`.
        static let word = Class(rawValue: 1 << 10)
        /// Linear whitespace: SP and HTAB.
        static let whitespace = Class(rawValue: 1 << 11)
        /// Characters allowed in a URI scheme after the first letter.
        static let scheme = Class(rawValue: 1 << 12)
    }

    static let table: [Class] = {
        var table = [Class](repeating: [], count: 256)
        func add(_ chars: String, _ cls: Class) {
            for byte in chars.utf8 { table[Int(byte)].insert(cls) }
        }
        let lower = "abcdefghijklmnopqrstuvwxyz", upper = lower.uppercased(), digits = "0123456789"
        let alphanum = lower + upper + digits
        add(lower + upper, .alpha)
        add(digits, .digit)
        add(digits + "abcdefABCDEF", .hex)
        add(alphanum + "-.!%*_+`'~", .token)
        let unreserved = alphanum + "-_.!~*'()"
        add(unreserved, .unreserved)
        add(unreserved + "&=+$,;?/%", .user)
        add(unreserved + "&=+$,%", .password)
        add(unreserved + "[]/:&+$%", .param)
        add(unreserved + "[]/?:+$%", .uriHeader)
        add(alphanum + "-.:_", .host)
        add(alphanum + "-.!%*_+`'~()<>:\\\"/[]?{}", .word)
        add(" \t", .whitespace)
        add(alphanum + "+-.", .scheme)
        return table
    }()

    @inline(__always) static func isToken(_ byte: UInt8) -> Bool { table[Int(byte)].contains(.token) }
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
    @inline(__always) static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }
    @inline(__always) static func has(_ byte: UInt8, _ cls: Class) -> Bool { table[Int(byte)].contains(cls) }

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

extension UnsafeBufferPointer<UInt8> {
    /// The bytes in `range` as a String (UTF-8; invalid sequences repaired).
    @inline(__always) func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: self[range]), as: UTF8.self)
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

extension String {
    /// Runs `body` over this string's UTF-8 bytes without copying when they are contiguous.
    @inline(__always) func withBytes<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        var copy = self
        let result: Result<R, E> = copy.withUTF8 { buffer in
            do throws(E) { return .success(try body(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}

/// Validation of IP address literals as they appear in SIP (RFC 3261 §25.1, RFC 5118).
enum IPLiteral {
    /// `IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT`, each at most 255.
    static func isIPv4(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var index = range.lowerBound
        for part in 0..<4 {
            if part > 0 {
                guard index < range.upperBound, bytes[index] == UInt8(ascii: ".") else { return false }
                index += 1
            }
            var value = 0, digits = 0
            while index < range.upperBound, ASCII.isDigit(bytes[index]), digits < 3 {
                value = value * 10 + Int(bytes[index] - 0x30)
                digits += 1
                index += 1
            }
            guard digits > 0, value <= 255 else { return false }
        }
        return index == range.upperBound
    }

    /// An IPv6 address in text form (RFC 4291 §2.2): eight groups of 1–4 hex digits, one
    /// `::` standing for one or more zero groups, and optionally an IPv4 address in place of
    /// the last two groups. RFC 5118 §4.10: RFC 3261's grammar also admitted `:::` before an
    /// embedded IPv4 address by mistake, and such addresses are to be accepted.
    static func isIPv6(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard range.count >= 2, range.count <= 64 else { return false }
        var groups = 0
        var sawDoubleColon = false
        var index = range.lowerBound
        if bytes[index] == ASCII.colon {
            guard index + 1 < range.upperBound, bytes[index + 1] == ASCII.colon else { return false }
            sawDoubleColon = true
            index += 2
            if index == range.upperBound { return true }  // "::"
        }
        while index < range.upperBound {
            // One group: hex digits, unless it is the embedded IPv4 tail.
            let groupStart = index
            while index < range.upperBound, ASCII.has(bytes[index], .hex) { index += 1 }
            if index < range.upperBound, bytes[index] == UInt8(ascii: ".") {
                guard isIPv4(bytes, groupStart..<range.upperBound) else { return false }
                groups += 2
                index = range.upperBound
                break
            }
            guard index > groupStart, index - groupStart <= 4 else { return false }
            groups += 1
            if index == range.upperBound { break }
            guard bytes[index] == ASCII.colon else { return false }
            index += 1
            if index < range.upperBound, bytes[index] == ASCII.colon {
                guard !sawDoubleColon else { return false }
                sawDoubleColon = true
                index += 1
                // RFC 5118 §4.10: tolerate ":::" when an IPv4 tail follows.
                if index < range.upperBound, bytes[index] == ASCII.colon,
                   bytes[(index + 1)..<range.upperBound].contains(UInt8(ascii: ".")) {
                    index += 1
                }
                if index == range.upperBound { break }
            } else if index == range.upperBound {
                return false  // a trailing single colon
            }
        }
        return sawDoubleColon ? groups < 8 : groups == 8
    }

    /// `IPv6reference = "[" IPv6address "]"`.
    static func isIPv6Reference(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard range.count >= 4, bytes[range.lowerBound] == ASCII.leftBracket,
              bytes[range.upperBound - 1] == ASCII.rightBracket else { return false }
        return isIPv6(bytes, (range.lowerBound + 1)..<(range.upperBound - 1))
    }
}

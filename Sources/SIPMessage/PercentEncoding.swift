/// %HH escapes in URIs (RFC 3261 §19.1.2, RFC 3986 §2.1).
public enum PercentEncoding {
    /// Resolves %HH escapes; a malformed escape is left as written.
    public static func decode(_ text: String) -> String {
        let utf8 = Array(text.utf8)
        guard utf8.contains(ASCII.percent) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            if utf8[index] == ASCII.percent, index + 2 < utf8.count,
               let high = ASCII.hexValue(utf8[index + 1]), let low = ASCII.hexValue(utf8[index + 2]) {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Escapes every byte not in `allowed` as %HH.
    static func encode(_ text: String, allowed: CharacterClass) -> String {
        var out = ""
        for byte in text.utf8 {
            if ASCII.has(byte, allowed), byte != ASCII.percent {
                out.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(UnicodeScalar(hex[Int(byte >> 4)])) + String(UnicodeScalar(hex[Int(byte & 15)]))
            }
        }
        return out
    }

    /// Escapes what a user part must not hold unescaped (RFC 3261 §25.1 `user`).
    public static func encodeUser(_ text: String) -> String { encode(text, allowed: .user) }

    /// Canonical form for comparison: unreserved characters unescaped, other escapes upper-cased.
    static func normalize(_ text: String, lowercase: Bool) -> String {
        let utf8 = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            var byte = utf8[index]
            if byte == ASCII.percent, index + 2 < utf8.count,
               let high = ASCII.hexValue(utf8[index + 1]), let low = ASCII.hexValue(utf8[index + 2]) {
                byte = high << 4 | low
                index += 3
                // RFC 3261 §19.1.4: only non-reserved characters are equivalent to their escape.
                if !ASCII.has(byte, .unreserved) {
                    let hex = Array("0123456789ABCDEF".utf8)
                    out.append(contentsOf: [ASCII.percent, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
                    continue
                }
            } else {
                index += 1
            }
            out.append(lowercase ? ASCII.lower(byte) : byte)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A `;name=value` parameter of a header or URI, as written (a quoted value keeps its quotes).
public struct GenericParameter: Hashable, Sendable {
    public var name: String
    /// The value as written, or nil for a flag parameter such as `;lr` or `;rport`.
    public var value: String?

    public init(name: String, value: String? = nil) {
        self.name = name
        self.value = value
    }

    /// The value with surrounding quotes removed and `\` escapes resolved.
    public var unquotedValue: String? { value.map(Quoting.unquote) }
}

/// The parameters of a header value (`;tag=a;lr`) or URI (`;transport=tcp`, `?h=v&x=y`),
/// kept as the text they were written in: decoding validates that text once, and lookups
/// scan it, so a parsed value costs no allocation per parameter. Names compare
/// case-insensitively (RFC 3261 §7.3.1, §19.1.4).
public struct ParameterList: Sequence, Hashable, Sendable, CustomStringConvertible {
    /// The text, starting with the first separator: `;a=b;c` or `?h=v&x=y`.
    let text: ByteSlice
    /// The separator in the low byte, and bit 8 when names are escaped; one word, so that
    /// values holding a list keep an aligned layout.
    private let options: Int

    /// `;` for parameters, `&` between URI headers.
    var separator: UInt8 { UInt8(truncatingIfNeeded: options) }
    /// Whether names may hold %HH escapes that stand for the characters (URI parameters,
    /// RFC 3261 §19.1.4, RFC 4475 §3.1.1.3); header parameters have no escapes.
    var namesAreEscaped: Bool { options & 0x100 != 0 }

    init(text: ByteSlice, separator: UInt8 = ASCII.semicolon, namesAreEscaped: Bool = false) {
        self.text = text
        self.options = Int(separator) | (namesAreEscaped ? 0x100 : 0)
    }

    /// Parameters from name/value pairs, written `;name=value` in order.
    public init(_ parameters: [GenericParameter] = []) {
        self.init(parameters, separator: ASCII.semicolon, leading: ASCII.semicolon)
    }

    init(_ parameters: [GenericParameter], separator: UInt8, leading: UInt8) {
        var builder = TextBuilder()
        for (index, parameter) in parameters.enumerated() {
            builder.append(index == 0 ? leading : separator)
            builder.append(parameter.name)
            if let value = parameter.value {
                builder.append(ASCII.equals)
                builder.append(value)
            }
        }
        self.init(text: ByteSlice(builder.bytes), separator: separator, namesAreEscaped: separator == ASCII.ampersand)
    }

    public var isEmpty: Bool { text.isEmpty }

    /// The parameters in order.
    public var all: [GenericParameter] {
        text.withBytes { bytes, range in
            var result: [GenericParameter] = []
            var cursor = ParameterCursor(bytes: bytes, range: range, separator: separator)
            while let (name, value) = cursor.next() {
                result.append(GenericParameter(name: bytes.string(name), value: value.map { bytes.string($0) }))
            }
            return result
        }
    }

    public var count: Int {
        text.withBytes { bytes, range in
            var cursor = ParameterCursor(bytes: bytes, range: range, separator: separator)
            var count = 0
            while cursor.next() != nil { count += 1 }
            return count
        }
    }

    public func makeIterator() -> IndexingIterator<[GenericParameter]> { all.makeIterator() }

    /// The first parameter named `name` (case-insensitive).
    public func first(named name: String) -> GenericParameter? {
        guard let (nameRange, valueRange) = find(name) else { return nil }
        return text.withBytes { bytes, _ in
            GenericParameter(name: bytes.string(nameRange), value: valueRange.map { bytes.string($0) })
        }
    }

    /// Whether a parameter named `name` is present.
    public func contains(named name: String) -> Bool { find(name) != nil }

    /// The value of the parameter named `name` as written (nil when absent or valueless).
    public subscript(_ name: String) -> String? {
        guard let (_, valueRange) = find(name), let valueRange else { return nil }
        return text.withBytes { bytes, _ in bytes.string(valueRange) }
    }

    /// Where the first parameter named `name` lies: its name and value ranges.
    private func find(_ name: String) -> (Range<Int>, Range<Int>?)? {
        if text.isEmpty { return nil }
        var key = name
        return key.withUTF8 { key in
            text.withBytes { bytes, range in
                var cursor = ParameterCursor(bytes: bytes, range: range, separator: separator)
                while let (nameRange, value) = cursor.next() {
                    if Self.equalsIgnoringCase(bytes, nameRange, key) { return (nameRange, value) }
                    if namesAreEscaped, bytes[nameRange].contains(ASCII.percent) {
                        let decoded = Array(PercentEncoding.decode(bytes.string(nameRange)).utf8)
                        if decoded.withUnsafeBufferPointer({ Self.equalsIgnoringCase($0, 0..<$0.count, key) }) {
                            return (nameRange, value)
                        }
                    }
                }
                return nil
            }
        }
    }

    /// Sets the parameter named `name` (replacing its value, or appending it).
    public mutating func set(_ name: String, _ value: String?) {
        var list = all
        if let index = list.firstIndex(where: { $0.name.caseInsensitiveEquals(name) }) {
            list[index].value = value
        } else {
            list.append(GenericParameter(name: name, value: value))
        }
        self = ParameterList(list, separator: separator, leading: leadingByte)
    }

    /// Removes every parameter named `name`.
    public mutating func remove(named name: String) {
        self = ParameterList(all.filter { !$0.name.caseInsensitiveEquals(name) }, separator: separator, leading: leadingByte)
    }

    private var leadingByte: UInt8 { separator == ASCII.ampersand ? ASCII.question : ASCII.semicolon }

    /// The text as written, e.g. `;branch=z9hG4bK74bf9;received=192.0.2.1`.
    public var description: String { text.string }

    public static func == (lhs: ParameterList, rhs: ParameterList) -> Bool { lhs.text.bytesEqual(rhs.text) }

    public func hash(into hasher: inout Hasher) {
        text.hash(into: &hasher)
    }

    private static func equalsIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard range.count == key.count else { return false }
        var i = 0
        for index in range {
            if ASCII.lower(bytes[index]) != ASCII.lower(key[i]) { return false }
            i += 1
        }
        return true
    }
}

/// Walks parameter text that was validated when decoded, finding each name and value.
struct ParameterCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var index: Int
    let end: Int
    let separator: UInt8
    let first: Int

    init(bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, separator: UInt8) {
        self.bytes = bytes
        self.index = range.lowerBound
        self.end = range.upperBound
        self.separator = separator
        self.first = range.lowerBound
    }

    /// The next parameter's name range and value range (as written), or nil at the end.
    mutating func next() -> (Range<Int>, Range<Int>?)? {
        var cursor = index
        while cursor < end {
            // Skip the separator (or a URI's leading `?`) and whitespace around it.
            while cursor < end, ASCII.isWhitespace(bytes[cursor]) || bytes[cursor] == separator
                || (cursor == first && bytes[cursor] == ASCII.question) {
                cursor += 1
            }
            let nameStart = cursor
            while cursor < end, bytes[cursor] != ASCII.equals, bytes[cursor] != separator, !ASCII.isWhitespace(bytes[cursor]) {
                cursor += 1
            }
            let name = nameStart..<cursor
            while cursor < end, ASCII.isWhitespace(bytes[cursor]) { cursor += 1 }
            var value: Range<Int>? = nil
            if cursor < end, bytes[cursor] == ASCII.equals {
                cursor += 1
                while cursor < end, ASCII.isWhitespace(bytes[cursor]) { cursor += 1 }
                let valueStart = cursor
                if cursor < end, bytes[cursor] == ASCII.quote {
                    cursor += 1
                    while cursor < end, bytes[cursor] != ASCII.quote {
                        cursor += bytes[cursor] == ASCII.backslash ? 2 : 1
                    }
                    cursor = Swift.min(cursor + 1, end)
                } else {
                    while cursor < end, bytes[cursor] != separator, !ASCII.isWhitespace(bytes[cursor]) { cursor += 1 }
                }
                value = valueStart..<cursor
            }
            if !name.isEmpty {
                index = cursor
                return (name, value)
            }
        }
        index = cursor
        return nil
    }
}

/// Quoted-string helpers (RFC 3261 §25.1).
public enum Quoting {
    /// Removes surrounding quotes and resolves `\` escapes; returns other text unchanged.
    public static func unquote(_ text: String) -> String {
        var copy = text
        return copy.withUTF8 { unquote($0, 0..<$0.count) }
    }

    /// The unquoted text of `range`, which may or may not be a quoted string.
    static func unquote(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        guard range.count >= 2, bytes[range.lowerBound] == ASCII.quote, bytes[range.upperBound - 1] == ASCII.quote else {
            return bytes.string(range)
        }
        let inner = (range.lowerBound + 1)..<(range.upperBound - 1)
        guard bytes[inner].contains(ASCII.backslash) else { return bytes.string(inner) }
        var out: [UInt8] = []
        out.reserveCapacity(inner.count)
        var index = inner.lowerBound
        while index < inner.upperBound {
            if bytes[index] == ASCII.backslash, index + 1 < inner.upperBound { index += 1 }
            out.append(bytes[index])
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `text` as a quoted string, escaping `"` and `\`.
    public static func quote(_ text: String) -> String {
        var out = "\""
        for character in text.unicodeScalars {
            if character == "\"" || character == "\\" { out.unicodeScalars.append("\\") }
            // CR and LF cannot appear in a quoted string, even escaped.
            out.unicodeScalars.append(character == "\r" || character == "\n" ? " " : character)
        }
        return out + "\""
    }
}

extension String {
    /// ASCII case-insensitive equality, without allocating.
    func caseInsensitiveEquals(_ other: String) -> Bool {
        let a = utf8, b = other.utf8
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { ASCII.lower($0) == ASCII.lower($1) }
    }
}

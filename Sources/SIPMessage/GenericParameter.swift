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
    /// `;` for parameters, `&` between URI headers.
    let separator: UInt8

    init(text: ByteSlice, separator: UInt8 = ASCII.semicolon) {
        self.text = text
        self.separator = separator
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
        self.init(text: ByteSlice(builder.bytes), separator: separator)
    }

    public var isEmpty: Bool { text.isEmpty }

    /// The parameters in order.
    public var all: [GenericParameter] {
        var result: [GenericParameter] = []
        forEachParameter { bytes, name, value in
            result.append(GenericParameter(name: bytes.string(name), value: value.map { bytes.string($0) }))
            return true
        }
        return result
    }

    public var count: Int {
        var count = 0
        forEachParameter { _, _, _ in count += 1; return true }
        return count
    }

    public func makeIterator() -> IndexingIterator<[GenericParameter]> { all.makeIterator() }

    /// The first parameter named `name` (case-insensitive).
    public func first(named name: String) -> GenericParameter? {
        var found: GenericParameter? = nil
        var wanted = name
        wanted.withUTF8 { key in
            forEachParameter { bytes, nameRange, value in
                guard Self.equalsIgnoringCase(bytes, nameRange, key) else { return true }
                found = GenericParameter(name: bytes.string(nameRange), value: value.map { bytes.string($0) })
                return false
            }
        }
        return found
    }

    /// Whether a parameter named `name` is present.
    public func contains(named name: String) -> Bool { first(named: name) != nil }

    /// The value of the parameter named `name` as written (nil when absent or valueless).
    public subscript(_ name: String) -> String? { first(named: name)?.value }

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

    /// Calls `body` with each parameter's name range and value range (as written) until it
    /// returns false. The text was validated when decoded, so this only finds boundaries.
    func forEachParameter(_ body: (UnsafeBufferPointer<UInt8>, Range<Int>, Range<Int>?) -> Bool) {
        text.withBytes { bytes, range in
            var index = range.lowerBound
            let end = range.upperBound
            while index < end {
                // Skip the separator (or leading `?`) and whitespace around it.
                while index < end, ASCII.isWhitespace(bytes[index]) || bytes[index] == separator
                    || (index == range.lowerBound && bytes[index] == ASCII.question) {
                    index += 1
                }
                let nameStart = index
                while index < end, bytes[index] != ASCII.equals, bytes[index] != separator, !ASCII.isWhitespace(bytes[index]) {
                    index += 1
                }
                let name = nameStart..<index
                while index < end, ASCII.isWhitespace(bytes[index]) { index += 1 }
                var value: Range<Int>? = nil
                if index < end, bytes[index] == ASCII.equals {
                    index += 1
                    while index < end, ASCII.isWhitespace(bytes[index]) { index += 1 }
                    let valueStart = index
                    if index < end, bytes[index] == ASCII.quote {
                        index += 1
                        while index < end, bytes[index] != ASCII.quote {
                            index += bytes[index] == ASCII.backslash ? 2 : 1
                        }
                        index = Swift.min(index + 1, end)
                    } else {
                        while index < end, bytes[index] != separator, !ASCII.isWhitespace(bytes[index]) { index += 1 }
                    }
                    value = valueStart..<index
                }
                if name.isEmpty { continue }
                if !body(bytes, name, value) { return }
            }
        }
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

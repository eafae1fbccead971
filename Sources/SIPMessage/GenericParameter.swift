/// A `;name=value` parameter of a header or URI, kept as written (a quoted value keeps its quotes).
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

extension Array where Element == GenericParameter {
    /// The first parameter named `name` (case-insensitive, RFC 3261 §7.3.1).
    public func first(named name: String) -> GenericParameter? {
        first { $0.name.caseInsensitiveEquals(name) }
    }

    /// Whether a parameter named `name` is present.
    public func contains(named name: String) -> Bool { first(named: name) != nil }

    /// The value of the parameter named `name` (nil when absent or valueless).
    public subscript(_ name: String) -> String? { first(named: name)?.value }

    /// Sets (replacing) or, with nil and `flag` false, removes the parameter named `name`.
    public mutating func set(_ name: String, _ value: String?) {
        if let index = firstIndex(where: { $0.name.caseInsensitiveEquals(name) }) {
            self[index].value = value
        } else {
            append(GenericParameter(name: name, value: value))
        }
    }

    /// Removes every parameter named `name`.
    public mutating func remove(named name: String) {
        removeAll { $0.name.caseInsensitiveEquals(name) }
    }

    /// `;name=value;flag` text.
    var serialized: String {
        var out = ""
        for parameter in self {
            out += ";" + parameter.name
            if let value = parameter.value { out += "=" + value }
        }
        return out
    }
}

/// Quoted-string helpers (RFC 3261 §25.1).
public enum Quoting {
    /// Removes surrounding quotes and resolves `\` escapes; returns other text unchanged.
    public static func unquote(_ text: String) -> String {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 2, utf8.first == ASCII.quote, utf8.last == ASCII.quote else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var index = 1
        while index < utf8.count - 1 {
            if utf8[index] == ASCII.backslash, index + 1 < utf8.count - 1 { index += 1 }
            out.append(utf8[index])
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

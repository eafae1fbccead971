/// A YAML value with the place it was written, independent of Yams so the rest of `Flows`
/// never sees the parser. Aliases are already expanded (within a budget, see `YAMLLoader`).
public struct YAMLNode: Sendable {
    /// The shape of a node; mapping keys keep their own locations for "unknown key" messages.
    public indirect enum Value: Sendable {
        case scalar(String)
        case sequence([YAMLNode])
        case mapping([(key: YAMLNode, value: YAMLNode)])
        case null
    }

    public var value: Value
    public var location: SourceLocation

    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }

    /// The text of a scalar, or nil for anything else.
    public var scalar: String? {
        if case .scalar(let text) = value { return text }
        return nil
    }

    /// The entries of a mapping, or nil.
    public var mapping: [(key: YAMLNode, value: YAMLNode)]? {
        if case .mapping(let pairs) = value { return pairs }
        return nil
    }

    /// The items of a sequence, or nil.
    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = value { return items }
        return nil
    }

    public var isNull: Bool {
        if case .null = value { return true }
        return false
    }

    /// "a string", "a list", "a mapping", "nothing" — for "expected X, found Y" messages.
    public var kindDescription: String {
        switch value {
        case .scalar: return "a scalar"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .null: return "nothing"
        }
    }

    /// The value for `key` in a mapping, or nil.
    public subscript(key: String) -> YAMLNode? {
        mapping?.first { $0.key.scalar == key }?.value
    }
}

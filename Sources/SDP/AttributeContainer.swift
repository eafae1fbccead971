/// Something that carries `a=` lines: a whole ``SessionDescription`` (session-level
/// attributes) or one ``MediaDescription``. Provides typed readings of the attributes
/// that may appear at either level.
///
/// Attribute names are matched case-insensitively (a leniency; RFC 8866 spells them in
/// lower case). Malformed values read as `nil`; the raw attribute is still kept.
public protocol AttributeContainer {
    /// The `a=` lines in document order.
    var attributes: [Attribute] { get }
}

extension AttributeContainer {
    /// All attributes with the given name, in document order.
    public func attributes(named name: String) -> [Attribute] {
        let wanted = name.lowercased()
        return attributes.filter { $0.name.lowercased() == wanted }
    }

    /// The value of the first attribute with the given name (`nil` if absent or valueless).
    public func attributeValue(named name: String) -> String? {
        attributes(named: name).first?.value
    }

    /// Whether an attribute with the given name is present.
    public func hasAttribute(named name: String) -> Bool {
        !attributes(named: name).isEmpty
    }

    /// The first direction attribute at this level, if any (RFC 8866 §6.7).
    /// Use ``SessionDescription/effectiveDirection(of:)`` for the session default applied.
    public var direction: Direction? {
        attributes.lazy.compactMap { Direction(rawValue: $0.name.lowercased()) }.first
    }

    /// `a=ptime`: the packet duration in milliseconds the writer wants to receive (RFC 8866 §6.4).
    public var ptime: Int? { milliseconds(named: "ptime") }

    /// `a=maxptime`: the longest packet duration the writer can receive (RFC 8866 §6.5).
    public var maxptime: Int? { milliseconds(named: "maxptime") }

    private func milliseconds(named name: String) -> Int? {
        guard let fields = attributeValue(named: name)?.sdpFields, fields.count == 1,
              let value = UInt16(sdpDecimal: fields[0]), value > 0
        else { return nil }
        return Int(value)
    }
}

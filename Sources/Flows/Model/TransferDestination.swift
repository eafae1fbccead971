/// Where a `transfer` goes, parsed from its `to:` text: `person/alice`, `department/sales`,
/// a SIP URI (`sip:…`), or an outside number (`+4930…`, `0049…`). Outside destinations must match
/// the directory's allowed outbound patterns.
public enum TransferDestination: Sendable, Hashable {
    case person(String)
    case department(String)
    case external(String)
    /// A word before a slash that is neither `person` nor `department`.
    case unknownKind(String)

    public init(_ text: String) {
        if let slash = text.firstIndex(of: "/"), !text.hasPrefix("sip:"), !text.hasPrefix("sips:") {
            let kind = String(text[..<slash])
            let name = String(text[text.index(after: slash)...])
            switch kind {
            case "person": self = .person(name)
            case "department": self = .department(name)
            default: self = .unknownKind(kind)
            }
        } else {
            self = .external(text)
        }
    }

    /// True for text with `${…}`: known only while a call runs (checked then).
    public static func isDynamic(_ text: String) -> Bool { text.contains("${") }
}

/// Who left a message, as the call's From header (or P-Asserted-Identity) named them.
public struct VoicemailCaller: Hashable, Sendable, Codable {
    /// The caller's number or SIP user part; nil when withheld.
    public var number: String?
    /// The display name; nil when absent.
    public var name: String?

    public init(number: String? = nil, name: String? = nil) {
        self.number = number
        self.name = name
    }
}

/// An SDP session description (RFC 8866 §5): session-level fields followed by zero
/// or more media descriptions.
///
/// Parse one with `SessionDescription.parse(_:)`, write one with `serialize()`. Lines this module
/// does not interpret are kept in ``otherLines`` and ``attributes`` so that serializing
/// a parsed description preserves them.
public struct SessionDescription: Equatable, Sendable, AttributeContainer {
    /// The `v=` protocol version; always 0 (RFC 8866 §5.1).
    public var version: Int
    /// The `o=` line (RFC 8866 §5.2).
    public var origin: Origin
    /// The `s=` session name (RFC 8866 §5.3); `-` or a single space when meaningless.
    public var sessionName: String
    /// The optional `i=` session information (RFC 8866 §5.4).
    public var information: String?
    /// The optional `u=` URI (RFC 8866 §5.5).
    public var uri: String?
    /// The `e=` email addresses (RFC 8866 §5.6).
    public var emails: [String]
    /// The `p=` phone numbers (RFC 8866 §5.6).
    public var phones: [String]
    /// The session-level `c=` line, the default for every media section (RFC 8866 §5.7).
    public var connection: Connection?
    /// The session-level `b=` lines (RFC 8866 §5.8).
    public var bandwidths: [Bandwidth]
    /// The `t=` lines, each with its `r=` lines (RFC 8866 §5.9, §5.10).
    public var timings: [Timing]
    /// The `z=` time zone adjustments, kept verbatim (RFC 8866 §5.11).
    public var timeZones: String?
    /// Session-level lines with a type letter this module does not interpret (e.g. `k=`).
    public var otherLines: [SDPLine]
    /// The session-level `a=` lines in document order (RFC 8866 §5.13).
    public var attributes: [Attribute]
    /// The media descriptions, in `m=` line order (RFC 8866 §5.14).
    public var media: [MediaDescription]

    /// Creates a session description. The defaults give `v=0`, `s=-` and `t=0 0`.
    public init(
        version: Int = 0,
        origin: Origin,
        sessionName: String = "-",
        information: String? = nil,
        uri: String? = nil,
        emails: [String] = [],
        phones: [String] = [],
        connection: Connection? = nil,
        bandwidths: [Bandwidth] = [],
        timings: [Timing] = [Timing()],
        timeZones: String? = nil,
        otherLines: [SDPLine] = [],
        attributes: [Attribute] = [],
        media: [MediaDescription] = []
    ) {
        self.version = version
        self.origin = origin
        self.sessionName = sessionName
        self.information = information
        self.uri = uri
        self.emails = emails
        self.phones = phones
        self.connection = connection
        self.bandwidths = bandwidths
        self.timings = timings
        self.timeZones = timeZones
        self.otherLines = otherLines
        self.attributes = attributes
        self.media = media
    }
}

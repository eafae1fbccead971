/// An `a=<name>[:<value>]` line (RFC 8866 §5.13), kept in document order.
///
/// Property attributes such as `a=sendrecv` have no value; value attributes such as
/// `a=rtpmap:0 PCMU/8000` keep everything after the first colon verbatim.
/// Typed readings of well-known attributes live on ``AttributeContainer``.
public struct Attribute: Equatable, Sendable {
    /// The attribute name, e.g. `rtpmap`.
    public var name: String
    /// The text after the first colon, or `nil` for a property attribute.
    public var value: String?

    /// Creates an attribute.
    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }

    /// `a=rtpmap:<pt> <name>/<rate>[/<channels>]` (RFC 8866 §6.6).
    public static func rtpmap(_ map: RTPMap) -> Attribute {
        Attribute("rtpmap", map.attributeValue)
    }

    /// `a=fmtp:<pt> <parameters>` (RFC 8866 §6.15).
    public static func fmtp(payloadType: UInt8, parameters: String) -> Attribute {
        Attribute("fmtp", "\(payloadType) \(parameters)")
    }

    /// `a=ptime:<milliseconds>` (RFC 8866 §6.4).
    public static func ptime(_ milliseconds: Int) -> Attribute {
        Attribute("ptime", String(milliseconds))
    }

    /// `a=sendrecv`, `a=sendonly`, `a=recvonly` or `a=inactive` (RFC 8866 §6.7).
    public static func direction(_ direction: Direction) -> Attribute {
        Attribute(direction.rawValue)
    }
}

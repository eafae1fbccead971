/// A typed `a=rtcp:<port> [<nettype> <addrtype> <address>]` value (RFC 3605 §2.1):
/// where the peer wants RTCP when it is not on the RTP port plus one.
public struct RTCPAttribute: Equatable, Sendable {
    /// The RTCP port.
    public var port: UInt16
    /// The RTCP address, when it differs from the stream's connection address.
    public var connection: Connection?

    /// Creates an rtcp attribute value.
    public init(port: UInt16, connection: Connection? = nil) {
        self.port = port
        self.connection = connection
    }

    /// Reads the value of an `a=rtcp` attribute; `nil` when it is malformed.
    public init?(attributeValue: String) {
        let fields = attributeValue.sdpFields
        guard fields.count == 1 || fields.count == 4,
              let port = UInt16(sdpDecimal: fields[0])
        else { return nil }
        self.port = port
        connection = fields.count == 4
            ? Connection(netType: String(fields[1]), addrType: String(fields[2]), address: String(fields[3]))
            : nil
    }

    /// The text after `a=rtcp:`.
    public var attributeValue: String {
        guard let connection else { return String(port) }
        return "\(port) \(connection.netType) \(connection.addrType) \(connection.address)"
    }
}

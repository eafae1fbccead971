/// One media section: an `m=` line and the lines up to the next `m=` (RFC 8866 §5.14).
public struct MediaDescription: Equatable, Sendable, AttributeContainer {
    /// The media type: `audio`, `video`, `text`, `application`, `message`, …
    public var mediaType: String
    /// The transport port; 0 means the stream is disabled or rejected (RFC 3264 §5.1, §6).
    public var port: UInt16
    /// The number of ports from `<port>/<count>`, if given.
    public var portCount: UInt16?
    /// The transport protocol, e.g. `RTP/AVP`, `RTP/AVPF`, `RTP/SAVP`.
    public var proto: String
    /// The media formats; RTP payload type numbers for RTP protocols.
    public var formats: [String]
    /// The optional media-level `i=` line.
    public var information: String?
    /// The media-level `c=` line, overriding the session-level one (RFC 8866 §5.7).
    public var connection: Connection?
    /// The media-level `b=` lines.
    public var bandwidths: [Bandwidth]
    /// Media-level lines with a type letter this module does not interpret (e.g. `k=`).
    public var otherLines: [SDPLine]
    /// The media-level `a=` lines in document order.
    public var attributes: [Attribute]

    /// Creates a media description.
    public init(
        mediaType: String,
        port: UInt16,
        portCount: UInt16? = nil,
        proto: String,
        formats: [String],
        information: String? = nil,
        connection: Connection? = nil,
        bandwidths: [Bandwidth] = [],
        otherLines: [SDPLine] = [],
        attributes: [Attribute] = []
    ) {
        self.mediaType = mediaType
        self.port = port
        self.portCount = portCount
        self.proto = proto
        self.formats = formats
        self.information = information
        self.connection = connection
        self.bandwidths = bandwidths
        self.otherLines = otherLines
        self.attributes = attributes
    }

    /// The formats that are RTP payload type numbers (0–127), in `m=` line order.
    public var payloadTypes: [UInt8] {
        formats.compactMap(Self.payloadType(ofFormat:))
    }

    /// The valid `a=rtpmap` entries (RFC 8866 §6.6).
    public var rtpmaps: [RTPMap] {
        attributes(named: "rtpmap").compactMap { $0.value.flatMap(RTPMap.init(attributeValue:)) }
    }

    /// The `a=rtpmap` entry for a payload type, if present.
    public func rtpmap(for payloadType: UInt8) -> RTPMap? {
        rtpmaps.first { $0.payloadType == payloadType }
    }

    /// The parameters of the `a=fmtp` line for a payload type, if present (RFC 8866 §6.15).
    public func fmtp(for payloadType: UInt8) -> String? {
        for attribute in attributes(named: "fmtp") {
            guard let value = attribute.value else { continue }
            let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if let first = parts.first, Self.payloadType(ofFormat: String(first)) == payloadType {
                return parts.count == 2 ? String(parts[1]) : ""
            }
        }
        return nil
    }

    /// The `a=rtcp` attribute, if present and well-formed (RFC 3605).
    public var rtcp: RTCPAttribute? {
        attributeValue(named: "rtcp").flatMap(RTCPAttribute.init(attributeValue:))
    }

    /// The RTP payload type a format names, or `nil` if it is not a number from 0 to 127.
    static func payloadType(ofFormat format: String) -> UInt8? {
        guard let number = UInt8(sdpDecimal: format), number <= 127 else { return nil }
        return number
    }
}

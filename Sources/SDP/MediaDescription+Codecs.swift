extension MediaDescription {
    /// The codec a payload type stands for in this media section: its `a=rtpmap` entry,
    /// or for a static payload type without one, the RFC 3551 table. The result carries
    /// the payload type and any `a=fmtp` parameters.
    public func codec(for payloadType: UInt8) -> Codec? {
        let fmtp = fmtp(for: payloadType)
        if let map = rtpmap(for: payloadType) {
            return Codec(rtpmap: map, fmtp: fmtp)
        }
        // RFC 3551 §6: static payload types may be used without an rtpmap.
        guard var codec = Codec.staticCodec(payloadType: payloadType) else { return nil }
        codec.fmtp = fmtp
        return codec
    }

    /// The codecs of the `m=` line in its (preference) order, skipping formats that are
    /// not payload types or that are dynamic without an rtpmap.
    public var codecs: [Codec] {
        payloadTypes.compactMap(codec(for:))
    }

    /// Human-readable names of the formats, for log and error messages.
    var formatNames: [String] {
        formats.map { format in
            guard let payloadType = Self.payloadType(ofFormat: format) else { return format }
            return codec(for: payloadType)?.description ?? "payload type \(payloadType) (no rtpmap)"
        }
    }
}

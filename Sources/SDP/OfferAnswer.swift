/// The RFC 3264 offer/answer model for audio calls: answering a peer's offer,
/// building our own offer, and checking the peer's answer to it.
///
/// Policy: audio over `RTP/AVP` or `RTP/AVPF` only. Other media types, SRTP profiles
/// and streams without a common voice codec are rejected with port 0; an offer in which
/// no audio stream can be accepted is refused as a whole (SIP 488).
public enum OfferAnswer {
    /// The packet duration in milliseconds when the peer does not give `a=ptime`.
    public static let defaultPtime = 20

    /// Answers a peer's offer (RFC 3264 §6).
    ///
    /// The answer has exactly one m-line per offered m-line, in the same order (§6).
    /// An accepted audio stream lists the supported codecs in the offerer's order with the
    /// offerer's payload type numbers (§6.1), plus telephone-event if offered and supported;
    /// it mirrors the offer's `a=ptime` (default 20 ms) and answers the offered direction
    /// (§6.1: sendonly → recvonly, recvonly → sendonly, inactive → inactive,
    /// sendrecv → sendrecv). Rejected streams get port 0 with the offer's media type,
    /// protocol and formats.
    ///
    /// - Parameters:
    ///   - offer: The parsed offer.
    ///   - supported: The codecs we can handle; order does not matter, the offerer's wins.
    ///   - local: Our address, origin and RTP ports.
    /// - Returns: The answer, or a ``RejectReason`` (SIP 488) when no audio stream is acceptable.
    public static func answer(to offer: SessionDescription, supported: [Codec], local: LocalMedia) -> Result<Answer, RejectReason> {
        var ports = PortSource(local.ports)
        var sections: [MediaDescription] = []
        var outcomes: [StreamOutcome] = []
        for (index, offered) in offer.media.enumerated() {
            let (section, outcome) = answerStream(offered, at: index, in: offer, supported: supported, ports: &ports)
            sections.append(section)
            outcomes.append(outcome)
        }
        guard outcomes.contains(where: { $0.stream != nil }) else {
            let reasons = outcomes.compactMap { outcome -> StreamRejection? in
                guard case .rejected(let reason) = outcome else { return nil }
                return reason
            }
            return .failure(RejectReason(streams: reasons, labels: offer.media.map { "\($0.mediaType) \($0.proto)" }))
        }
        return .success(Answer(sessionDescription: local.sessionDescription(media: sections), streams: outcomes))
    }

    /// The answer m-line for one offered m-line and what became of the stream.
    private static func answerStream(
        _ offered: MediaDescription, at index: Int, in offer: SessionDescription,
        supported: [Codec], ports: inout PortSource
    ) -> (MediaDescription, StreamOutcome) {
        func reject(_ reason: StreamRejection) -> (MediaDescription, StreamOutcome) {
            (rejectedSection(for: offered), .rejected(reason))
        }
        if let reason = unusable(offered) {
            return reject(reason)
        }
        let common = commonCodecs(offered: offered.codecs, supported: supported)
        guard let chosen = common.first(where: { !$0.isTelephoneEvent }) else {
            return reject(.noCommonCodec(offered: offered.formatNames, supported: supported.map(\.description)))
        }
        guard let connection = offer.effectiveConnection(of: offered) else {
            return reject(.noConnectionAddress)
        }
        // Ports are taken only once the stream is known to be acceptable.
        guard let localPort = ports.port(forMediaAt: index) else {
            return reject(.noPortAvailable)
        }
        let ptime = offered.ptime ?? offer.ptime ?? defaultPtime
        let direction = ourDirection(wanted: .sendrecv, peer: offer.effectiveDirection(of: offered), peerConnection: connection)
        let section = audioSection(
            mediaType: offered.mediaType, port: localPort, proto: offered.proto,
            codecs: common, ptime: ptime, direction: direction
        )
        let stream = negotiatedStream(
            index: index, chosen: chosen, common: common, peer: offer, peerMedia: offered,
            peerConnection: connection, localPort: localPort, ptime: ptime, direction: direction
        )
        return (section, .accepted(stream))
    }

    /// The offered codecs we support, in the offerer's order, each keeping the offerer's
    /// payload type (RFC 3264 §6.1) and carrying our fmtp parameters; one entry per format.
    static func commonCodecs(offered: [Codec], supported: [Codec]) -> [Codec] {
        var common: [Codec] = []
        for codec in offered where !common.contains(where: { $0.matches(codec) }) {
            guard let ours = supported.first(where: { $0.matches(codec) }) else { continue }
            var answered = codec
            answered.fmtp = ours.fmtp
            common.append(answered)
        }
        return common
    }

    /// Why we cannot use a stream regardless of its codecs, or `nil` if we might.
    static func unusable(_ media: MediaDescription) -> StreamRejection? {
        // RFC 3264 §8.2: a stream offered with port 0 is answered with port 0.
        if media.port == 0 { return .disabledByOfferer }
        if media.mediaType.lowercased() != "audio" { return .notAudio(mediaType: media.mediaType) }
        // We speak plain RTP; a stream on any other profile (the SRTP ones RTP/SAVP, RTP/SAVPF,
        // UDP/TLS/RTP/SAVPF included) is refused with port 0, as RFC 3264 §6 allows, and the
        // call goes on with the streams we can take (docs/sdp.md).
        let proto = media.proto.uppercased()
        if proto != "RTP/AVP" && proto != "RTP/AVPF" { return .unsupportedTransport(proto: media.proto) }
        return nil
    }

    /// RFC 3264 §6: a rejected stream keeps media type and protocol, gets port 0 and
    /// still lists at least one format.
    static func rejectedSection(for offered: MediaDescription) -> MediaDescription {
        MediaDescription(
            mediaType: offered.mediaType, port: 0, proto: offered.proto,
            formats: offered.formats.isEmpty ? ["0"] : offered.formats
        )
    }

    /// An audio m-line with rtpmap (and fmtp) lines for each codec, ptime and direction.
    static func audioSection(
        mediaType: String, port: UInt16, proto: String, codecs: [Codec], ptime: Int, direction: Direction
    ) -> MediaDescription {
        var attributes: [Attribute] = []
        var formats: [String] = []
        for codec in codecs {
            guard let payloadType = codec.payloadType else { continue }
            formats.append(String(payloadType))
            attributes.append(.rtpmap(codec.rtpmap(payloadType: payloadType)))
            if let fmtp = codec.fmtp {
                attributes.append(.fmtp(payloadType: payloadType, parameters: fmtp))
            }
        }
        attributes.append(.ptime(ptime))
        attributes.append(.direction(direction))
        return MediaDescription(mediaType: mediaType, port: port, proto: proto, formats: formats, attributes: attributes)
    }

    /// The direction we use: what we want, limited by the reverse of what the peer declared
    /// (RFC 3264 §6.1). A peer with the null address `0.0.0.0` cannot receive (RFC 3264 §8.4).
    static func ourDirection(wanted: Direction, peer: Direction, peerConnection: Connection) -> Direction {
        let peerFlow = peerConnection.isNullAddress ? peer.intersection(.sendonly) : peer
        return wanted.intersection(peerFlow.reversed)
    }

    /// The media layer's view of an accepted stream, read from the peer's media section.
    static func negotiatedStream(
        index: Int, chosen: Codec, common: [Codec], peer: SessionDescription, peerMedia: MediaDescription,
        peerConnection: Connection, localPort: UInt16, ptime: Int, direction: Direction
    ) -> NegotiatedStream {
        // RFC 3605: a=rtcp overrides RFC 3550 §11's "RTP port plus one".
        let rtcpPort = peerMedia.rtcp?.port ?? (peerMedia.port < UInt16.max ? peerMedia.port + 1 : nil)
        return NegotiatedStream(
            mediaIndex: index,
            codec: chosen,
            codecs: common.filter { !$0.isTelephoneEvent },
            telephoneEventPayloadType: common.first(where: \.isTelephoneEvent)?.payloadType,
            remoteAddress: peerConnection.host,
            remotePort: peerMedia.port,
            remoteRTCPPort: rtcpPort,
            localPort: localPort,
            ptime: ptime,
            direction: direction,
            isRemoteHold: peer.isOnHold(peerMedia)
        )
    }
}

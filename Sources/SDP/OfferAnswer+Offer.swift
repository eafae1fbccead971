extension OfferAnswer {
    /// Builds our initial offer: one audio stream on `RTP/AVP` with the codecs in our
    /// preference order (RFC 3264 §5).
    ///
    /// Static codecs keep their RFC 3551 payload types; a dynamic codec keeps its preferred
    /// number (e.g. 101 for ``Codec/telephoneEvent``) when free, otherwise it gets the lowest
    /// free number from 96–127. Duplicate codecs are dropped. The stream's port is the first
    /// from `local.ports` (media index 0).
    public static func offer(
        codecs: [Codec], local: LocalMedia, ptime: Int = defaultPtime, direction: Direction = .sendrecv
    ) -> Result<SessionDescription, NegotiationError> {
        let numbered = assigningPayloadTypes(to: codecs)
        guard numbered.contains(where: { !$0.isTelephoneEvent }) else { return .failure(.noCodecs) }
        var ports = PortSource(local.ports)
        guard let port = ports.port(forMediaAt: 0) else { return .failure(.noPortAvailable) }
        let section = audioSection(mediaType: "audio", port: port, proto: "RTP/AVP", codecs: numbered, ptime: ptime, direction: direction)
        return .success(local.sessionDescription(media: [section]))
    }

    /// Checks the peer's answer against our offer and reads the negotiated streams.
    ///
    /// Enforced (RFC 3264 §6, §6.1): the same number of m-lines, the same media type in each,
    /// only formats we offered, bound to the same codecs, and port 0 kept on streams we
    /// disabled. The codec to send is the first voice codec in the answer's order. Our
    /// direction is what we offered limited by the reverse of the answer's.
    ///
    /// - Returns: One outcome per m-line, or an error when the answer breaks the rules or
    ///   accepts no usable audio stream.
    public static func negotiated(offer: SessionDescription, answer: SessionDescription) -> Result<[StreamOutcome], NegotiationError> {
        guard offer.media.count == answer.media.count else {
            return .failure(.mediaCountMismatch(offered: offer.media.count, answered: answer.media.count))
        }
        var outcomes: [StreamOutcome] = []
        for (index, (ours, theirs)) in zip(offer.media, answer.media).enumerated() {
            switch outcome(at: index, ours: ours, theirs: theirs, offer: offer, answer: answer) {
            case .success(let outcome): outcomes.append(outcome)
            case .failure(let error): return .failure(error)
            }
        }
        let rejections = outcomes.compactMap { outcome -> StreamRejection? in
            guard case .rejected(let reason) = outcome else { return nil }
            return reason
        }
        guard rejections.count < outcomes.count else { return .failure(.allStreamsRejected(rejections)) }
        return .success(outcomes)
    }

    /// Checks one answered m-line against the offered one.
    private static func outcome(
        at index: Int, ours: MediaDescription, theirs: MediaDescription,
        offer: SessionDescription, answer: SessionDescription
    ) -> Result<StreamOutcome, NegotiationError> {
        guard ours.mediaType.lowercased() == theirs.mediaType.lowercased() else {
            return .failure(.mediaTypeMismatch(mediaIndex: index, offered: ours.mediaType, answered: theirs.mediaType))
        }
        if ours.port == 0 {
            return theirs.port == 0 ? .success(.rejected(.disabledByOfferer)) : .failure(.disabledStreamAccepted(mediaIndex: index))
        }
        if theirs.port == 0 {
            return .success(.rejected(.rejectedByAnswerer))
        }
        // RFC 3264 §6.1: the answer may only list offered formats, with the offer's meaning.
        var common: [Codec] = []
        for format in theirs.formats {
            guard let payloadType = MediaDescription.payloadType(ofFormat: format),
                  ours.payloadTypes.contains(payloadType)
            else { return .failure(.formatNotOffered(mediaIndex: index, format: format)) }
            guard let codec = ours.codec(for: payloadType) else { continue }
            if let map = theirs.rtpmap(for: payloadType), !Codec(rtpmap: map).matches(codec) {
                return .failure(.payloadTypeMismatch(mediaIndex: index, payloadType: payloadType))
            }
            common.append(codec)
        }
        if let reason = unusable(ours) {
            return .success(.rejected(reason))
        }
        guard let chosen = common.first(where: { !$0.isTelephoneEvent }) else {
            return .success(.rejected(.noCommonCodec(offered: ours.formatNames, supported: common.map(\.description))))
        }
        guard let connection = answer.effectiveConnection(of: theirs) else {
            return .success(.rejected(.noConnectionAddress))
        }
        let direction = ourDirection(wanted: offer.effectiveDirection(of: ours), peer: answer.effectiveDirection(of: theirs), peerConnection: connection)
        let ptime = theirs.ptime ?? answer.ptime ?? ours.ptime ?? defaultPtime
        return .success(.accepted(negotiatedStream(
            index: index, chosen: chosen, common: common, peer: answer, peerMedia: theirs,
            peerConnection: connection, localPort: ours.port, ptime: ptime, direction: direction
        )))
    }

    /// Gives every codec a payload type (RFC 3551 §3): static and free preferred numbers are
    /// kept, the rest get the lowest free dynamic number (96–127); duplicates are dropped.
    static func assigningPayloadTypes(to codecs: [Codec]) -> [Codec] {
        var unique: [Codec] = []
        for codec in codecs where !unique.contains(where: { $0.matches(codec) }) {
            unique.append(codec)
        }
        var used = Set<UInt8>()
        let keepsNumber = unique.map { codec in
            guard let payloadType = codec.payloadType, payloadType <= 127 else { return false }
            return used.insert(payloadType).inserted
        }
        var freeDynamic = (UInt8(96)...127).filter { !used.contains($0) }.makeIterator()
        var numbered: [Codec] = []
        for (codec, keeps) in zip(unique, keepsNumber) {
            var codec = codec
            if !keeps {
                guard let payloadType = freeDynamic.next() else { continue }  // More than 32 dynamic codecs.
                codec.payloadType = payloadType
            }
            numbered.append(codec)
        }
        return numbered
    }
}

import SDP

/// One leg's side of the RFC 3264 offer/answer exchanges over a dialog: the same `o=`
/// session id throughout, the version raised for every new description we send (§8), our
/// RTP port, and the offer we made until its answer comes (a delayed offer: an INVITE
/// without SDP gets our offer in the 200 and its answer in the ACK, RFC 3261 §13.2.1).
struct SessionNegotiator: Sendable {
    let address: String
    let port: UInt16
    let codecs: [Codec]
    private let sessionID: UInt64
    private var version: UInt64
    /// Our offer awaiting its answer.
    private(set) var pendingOffer: SessionDescription?
    /// What we last sent (an answer, or an offer), to repeat when a refresh brings no SDP.
    private(set) var lastSent: SessionDescription?

    init(address: String, port: Int, codecs: [Codec]) {
        self.address = address
        self.port = UInt16(clamping: port)
        self.codecs = codecs
        self.sessionID = UInt64.random(in: 1...UInt64(Int64.max))
        self.version = sessionID
    }

    private mutating func local() -> LocalMedia {
        version &+= 1
        return LocalMedia(address: address, sessionID: sessionID, sessionVersion: version, ports: .list([port]))
    }

    /// Why an offer could not be answered.
    enum Failure: Error, Equatable {
        /// The body is not SDP we can read: `400`.
        case malformed(String)
        /// No audio stream with a codec in common: `488 Not Acceptable Here` (RFC 3261 §13.3.1.3).
        case notAcceptable
    }

    /// Answers the peer's offer: our SDP and the stream to carry.
    mutating func answer(_ body: [UInt8]) -> Result<(sdp: [UInt8], stream: NegotiatedStream), Failure> {
        let offer: SessionDescription
        do { offer = try SessionDescription.parse(body) } catch { return .failure(.malformed("\(error)")) }
        switch OfferAnswer.answer(to: offer, supported: codecs, local: local()) {
        case .failure:
            return .failure(.notAcceptable)
        case .success(let answer):
            guard let stream = answer.streams.lazy.compactMap(\.stream).first else { return .failure(.notAcceptable) }
            lastSent = answer.sessionDescription
            return .success((answer.sessionDescription.serializedBytes(), stream))
        }
    }

    /// Our offer (for an INVITE that came without one, or our own re-INVITE).
    mutating func offer() -> [UInt8]? {
        guard case .success(let offer) = OfferAnswer.offer(codecs: codecs, local: local()) else { return nil }
        pendingOffer = offer
        lastSent = offer
        return offer.serializedBytes()
    }

    /// The answer to our pending offer; nil when it breaks the rules or accepts no audio.
    mutating func received(answer body: [UInt8]) -> NegotiatedStream? {
        guard let offer = pendingOffer, let answer = try? SessionDescription.parse(body) else { return nil }
        pendingOffer = nil
        guard case .success(let outcomes) = OfferAnswer.negotiated(offer: offer, answer: answer) else { return nil }
        return outcomes.lazy.compactMap(\.stream).first
    }
}

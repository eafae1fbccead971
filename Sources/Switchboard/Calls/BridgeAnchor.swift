import Flows
import SIPTransport

/// What a bridged transfer is anchored on: the leg that stays with Switchboard while the
/// new leg rings, and is then relayed to it — a caller's `InboundCall`, or the visitor's leg
/// of a click-to-call (RFC 3725 §4 flow I). It supplies our addresses towards its peer,
/// its media session (channel, ringback, the caller's identity for the new leg's From)
/// and the peer to fall back to for routing.
protocol BridgeAnchor: AnyObject {
    var addressing: LocalAddressing { get }
    var peer: SIPPeer { get }
    var session: LiveCallSession { get }
}

extension InboundCall: BridgeAnchor {}

/// What a call's media session asks of its signalling side (`CallHandle`): hang up, ring a
/// transfer. A caller's `InboundCall` and a click-to-call's visitor leg both answer it.
protocol CallSignalling: AnyObject {
    /// Ends the call from our side (a BYE when it was answered).
    func hangUpFromOurSide()
    /// Rings the request's endpoints and reports how it went: at once for busy, no answer
    /// or failure, and when the bridged call ends for `answered`.
    func startTransfer(_ request: TransferRequest, completion: @escaping (TransferResult) -> Void)
    /// Calls `completion` once the call is answered (true) or has ended (false).
    func answerWhenReady(_ completion: @escaping (Bool) -> Void)
    /// Calls `completion` once the caller can hear us (early media or answered).
    func mediaWhenReady(_ completion: @escaping (Bool) -> Void)
    /// The web directory instead of answering, where the leg allows it.
    func offerWebDirectory() -> WebDirectoryResult
}

extension CallSignalling {
    /// A leg Switchboard placed is answered from the start.
    func answerWhenReady(_ completion: @escaping (Bool) -> Void) { completion(true) }
    func mediaWhenReady(_ completion: @escaping (Bool) -> Void) { answerWhenReady(completion) }
    func offerWebDirectory() -> WebDirectoryResult { .declined }
}

extension InboundCall: CallSignalling {}

/// An anchor whose running transfer can be replaced: when the callee REFERs the caller on
/// and the new leg answers, the new transfer becomes the anchor's.
protocol TransferAdopting: AnyObject {
    func adopt(_ transfer: BridgedTransfer)
}

extension InboundCall: TransferAdopting {}

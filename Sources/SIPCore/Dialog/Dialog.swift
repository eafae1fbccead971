import SIPMessage

/// The state of one dialog (RFC 3261 §12): its ID, the sequence numbers, the parties, the
/// remote target, the route set and the secure flag, and whether it is early, confirmed or
/// terminated. A value type with no I/O: the owner (the call's home event loop) feeds it what
/// was sent and received and carries out what it returns.
///
/// Create one with `uas(request:response:overTLS:)` when we answer an INVITE with a 1xx that
/// carries our To tag or a 2xx (§12.1.1), or `uac(request:response:overTLS:)` when a 1xx with
/// a To tag or a 2xx answers our INVITE (§12.1.2). Build requests in it with
/// `makeRequest(_:via:…)` and `makeACK(…)` (§12.2.1.1, §13.2.2.4); check requests received in
/// it with `receive(_:)` (§12.2.2) and tell it the responses to our requests with
/// `receiveResponse(_:)`.
public struct Dialog: Hashable, Sendable {
    /// The dialog states of RFC 3261 §12: a 1xx creates an early dialog, a 2xx a confirmed one;
    /// a BYE or a non-2xx final response to the INVITE ends it.
    public enum State: Hashable, Sendable {
        case early
        case confirmed
        case terminated
    }

    /// Whether this UA created the dialog by sending the INVITE (UAC) or answering it (UAS).
    public enum Role: Hashable, Sendable {
        case uac
        case uas
    }

    /// Call-ID, local tag, remote tag (§12).
    public private(set) var id: DialogID
    public internal(set) var state: State
    /// Which side of the dialog-creating INVITE this UA was.
    public let role: Role
    /// The local sequence number: the CSeq of the last request we sent; nil until we send
    /// one (UAS, §12.1.1).
    public internal(set) var localSequence: UInt32?
    /// The remote sequence number: the highest CSeq received; nil until a request arrives
    /// (UAC, §12.1.2).
    public internal(set) var remoteSequence: UInt32?
    /// The local URI with the local tag: our From in requests we send (§12.2.1.1).
    public internal(set) var localParty: NameAddress
    /// The remote URI with the remote tag: our To in requests we send (§12.2.1.1).
    public internal(set) var remoteParty: NameAddress
    /// Where requests in the dialog go: the peer's Contact URI, replaced by target refreshes
    /// (§12.2.1.2, §12.2.2).
    public internal(set) var remoteTarget: URI
    /// Proxies every request in the dialog visits, in the order they are visited (§12.1).
    public internal(set) var routeSet: [NameAddress]
    /// True when the dialog was created over TLS with a SIPS Request-URI (§12.1.1, §12.1.2).
    public let isSecure: Bool
    /// The Contact we put in requests that need one (INVITE, UPDATE, …), ours from creation.
    public var localContact: NameAddress?
    /// The CSeq of a re-INVITE we sent that has no final response yet (RFC 3261 §14.1).
    public internal(set) var pendingLocalInvite: UInt32?
    /// The CSeq of an INVITE received in the dialog not yet answered finally (RFC 3261 §14.2).
    public internal(set) var pendingRemoteInvite: UInt32?
    /// The CSeq of the last INVITE of ours whose 2xx has been seen (and is ACKed by whoever
    /// saw it: `InviteForks` for the dialog-creating INVITE, `receiveResponse` after that);
    /// further copies of that 2xx are retransmissions whose ACK is resent (§13.2.2.4).
    public internal(set) var acknowledgedInvite: UInt32?

    init(id: DialogID, state: State, role: Role, localSequence: UInt32?, remoteSequence: UInt32?,
         localParty: NameAddress, remoteParty: NameAddress, remoteTarget: URI, routeSet: [NameAddress],
         isSecure: Bool, localContact: NameAddress?) {
        self.id = id
        self.state = state
        self.role = role
        self.localSequence = localSequence
        self.remoteSequence = remoteSequence
        self.localParty = localParty
        self.remoteParty = remoteParty
        self.remoteTarget = remoteTarget
        self.routeSet = routeSet
        self.isSecure = isSecure
        self.localContact = localContact
    }

    // MARK: Creation (RFC 3261 §12.1)

    /// The dialog a UAS creates when it answers `request` (an INVITE) with `response`, a
    /// 101–199 carrying our To tag or a 2xx (RFC 3261 §12.1.1): the route set is the request's
    /// Record-Route in order, the remote target its Contact, the remote sequence number its
    /// CSeq, the local sequence number empty; the dialog is secure when the request came over
    /// TLS with a SIPS Request-URI.
    /// - Throws: `DialogError` when the response cannot create a dialog, or when the request
    ///   lacks what a dialog needs (Contact, From, To, Call-ID, CSeq) — answer that with `400`.
    public static func uas(request: SIPMessage, response: SIPMessage, overTLS: Bool = false) throws(DialogError) -> Dialog {
        try checkCreating(request: request, response: response)
        guard let callID = try? request.callID() else { throw .badHeader("Call-ID") }
        guard let from = try? request.from() else { throw .badHeader("From") }
        guard let cseq = try? request.cseq() else { throw .badHeader("CSeq") }
        guard let ourTo = try? response.to(), let localTag = ourTo.tag else { throw .badHeader("To") }
        guard let target = try? contactURI(of: request) else { throw .badHeader("Contact") }
        guard let routes = try? request.recordRoutes() else { throw .badHeader("Record-Route") }
        let secure = overTLS && request.requestURI?.sipURI?.isSecure == true
        let localContact = (try? contactURI(of: response)).map { NameAddress(uri: $0) }
        let status = response.statusCode ?? 0
        var dialog = Dialog(id: DialogID(callID: callID, localTag: localTag, remoteTag: from.tag ?? ""),
                            state: status < 200 ? .early : .confirmed, role: .uas,
                            localSequence: nil, remoteSequence: cseq.sequence,
                            localParty: ourTo, remoteParty: from, remoteTarget: target, routeSet: routes,
                            isSecure: secure, localContact: localContact)
        // Until our final response is sent, the INVITE that created the dialog is pending (§14.2).
        if status < 200 { dialog.pendingRemoteInvite = cseq.sequence }
        return dialog
    }

    /// The dialog a UAC creates when `response` (a 101–199 with a To tag, or a 2xx) answers
    /// `request`, the INVITE it sent (RFC 3261 §12.1.2): the route set is the response's
    /// Record-Route in reverse order, the remote target its Contact, the local sequence
    /// number the request's CSeq, the remote sequence number empty. A 2xx without a To tag
    /// (RFC 2543) gives a dialog whose remote tag is empty.
    /// - Throws: `DialogError` when the response creates no dialog or lacks a Contact.
    public static func uac(request: SIPMessage, response: SIPMessage, overTLS: Bool = false) throws(DialogError) -> Dialog {
        try checkCreating(request: request, response: response)
        guard let callID = try? request.callID() else { throw .badHeader("Call-ID") }
        guard let from = try? request.from(), let localTag = from.tag else { throw .badHeader("From") }
        guard let cseq = try? request.cseq() else { throw .badHeader("CSeq") }
        guard let to = try? response.to() else { throw .badHeader("To") }
        let status = response.statusCode ?? 0
        if to.tag == nil, status < 200 { throw .noDialogCreated }
        guard let target = try? contactURI(of: response) else { throw .badHeader("Contact") }
        guard let routes = try? response.recordRoutes() else { throw .badHeader("Record-Route") }
        let secure = overTLS && request.requestURI?.sipURI?.isSecure == true
        let localContact = (try? contactURI(of: request)).map { NameAddress(uri: $0) }
        var dialog = Dialog(id: DialogID(callID: callID, localTag: localTag, remoteTag: to.tag ?? ""),
                            state: status < 200 ? .early : .confirmed, role: .uac,
                            localSequence: cseq.sequence, remoteSequence: nil,
                            localParty: from, remoteParty: to, remoteTarget: target, routeSet: routes.reversed(),
                            isSecure: secure, localContact: localContact)
        if status < 200 { dialog.pendingLocalInvite = cseq.sequence } else { dialog.acknowledgedInvite = cseq.sequence }
        return dialog
    }

    private static func checkCreating(request: SIPMessage, response: SIPMessage) throws(DialogError) {
        guard let method = request.method else { throw .methodCannotCreateDialog("response") }
        guard method == .invite else { throw .methodCannotCreateDialog(method.name) }
        guard let status = response.statusCode, (101...299).contains(status) else {
            throw .statusCannotCreateDialog(response.statusCode ?? 0)
        }
    }

    /// The URI of the single Contact of `message`; throws when absent, `*` or several.
    static func contactURI(of message: SIPMessage) throws(DialogError) -> URI {
        guard case .addresses(let addresses)? = try? message.contact(), addresses.count == 1, let first = addresses.first else {
            throw .badHeader("Contact")
        }
        return first.uri
    }

    // MARK: State changes

    /// Confirms an early dialog with the 2xx that matched it (RFC 3261 §12.1.2, §13.2.2.4):
    /// the route set is recomputed from the 2xx and the remote target taken from its Contact.
    /// A UAS confirms with the 2xx it sent, which changes only the state.
    public mutating func confirm(with response: SIPMessage) {
        guard state == .early, let status = response.statusCode, (200...299).contains(status) else { return }
        state = .confirmed
        if role == .uac {
            if let routes = try? response.recordRoutes() { routeSet = routes.reversed() }
            if let target = try? Dialog.contactURI(of: response) { remoteTarget = target }
            pendingLocalInvite = nil
            if let cseq = try? response.cseq(), cseq.method == .invite { acknowledgedInvite = cseq.sequence }
        } else {
            pendingRemoteInvite = nil
        }
    }

    /// Ends the dialog: a BYE was sent or received, or the INVITE failed (RFC 3261 §12.3, §15).
    public mutating func terminate() {
        state = .terminated
        pendingLocalInvite = nil
        pendingRemoteInvite = nil
    }

    /// Whether the dialog still exists (early or confirmed).
    public var isActive: Bool { state != .terminated }
}

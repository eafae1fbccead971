import SIPMessage

/// What the dialog says about a request received in it (RFC 3261 §12.2.2, §14.2).
public enum DialogRequestVerdict: Hashable, Sendable {
    /// The request belongs to the dialog and is in order: pass it to the TU. The dialog has
    /// already taken its CSeq, any remote target refresh, and (for BYE) ended.
    case accept
    /// An ACK for a 2xx we sent: stop retransmitting that 2xx (RFC 3261 §13.3.1.4). An ACK is
    /// never answered.
    case ack(inviteSequence: UInt32)
    /// Reject with this status (and, when set, this Retry-After in seconds): `500` for a lower
    /// CSeq (§12.2.2) or an INVITE overlapping one we have not answered (§14.2), `491` for an
    /// INVITE while ours is pending (§14.2), `481` when the dialog has ended (§12.2.2).
    /// Build it with `DialogRejection.response(to:)`.
    case reject(DialogRejection)
    /// An ACK that matches nothing pending, or arrives out of place: drop it silently.
    case discard
}

/// What the UAC core does after a response to a request it sent in a dialog (RFC 3261 §13.2.2.4).
public enum DialogResponseDecision: Hashable, Sendable {
    /// Nothing beyond passing the response to the TU.
    case none
    /// The first 2xx to our INVITE with this CSeq: build and send its ACK (`makeACK`), and
    /// keep it for retransmissions.
    case sendACK(inviteSequence: UInt32)
    /// A retransmission of that 2xx (our ACK was lost): send the same ACK again.
    case resendACK(inviteSequence: UInt32)
}

/// A response the dialog layer demands for a request (RFC 3261 §12.2.2, §14.2).
public struct DialogRejection: Hashable, Sendable {
    public var status: Int
    /// Seconds for Retry-After, when the RFC asks for one (§14.2: 0–10 s on a 500 for an
    /// overlapping INVITE).
    public var retryAfter: UInt32?

    public init(status: Int, retryAfter: UInt32? = nil) {
        self.status = status
        self.retryAfter = retryAfter
    }

    /// `481 Call/Transaction Does Not Exist` (RFC 3261 §12.2.2).
    public static let noDialog = DialogRejection(status: 481)
    /// `500 Server Internal Error` for a request whose CSeq is lower than the remote
    /// sequence number (RFC 3261 §12.2.2).
    public static let outOfOrder = DialogRejection(status: 500)
    /// `491 Request Pending`: an INVITE arrived while ours is pending (RFC 3261 §14.2).
    public static let requestPending = DialogRejection(status: 491)

    /// The response to send for `request` (RFC 3261 §8.2.6), with Retry-After when set.
    /// `localTag` is added to the To when the request has none (a 481 outside a dialog).
    public func response(to request: SIPMessage, localTag: String? = nil) -> SIPMessage {
        var response = SIPMessage.response(to: request, status: status, toTag: localTag)
        if let retryAfter { response.headers.append(.retryAfter, String(retryAfter)) }
        return response
    }
}

/// Receiving requests and responses within a dialog (RFC 3261 §12.2.2, §12.2.1.2, §14).
extension Dialog {
    /// Checks a request that matched this dialog's ID and updates the dialog (RFC 3261 §12.2.2):
    /// - a CSeq lower than the remote sequence number → `500` (an ACK or CANCEL is not checked:
    ///   it carries the INVITE's number);
    /// - an INVITE while our re-INVITE is pending → `491`; an INVITE while an earlier one of
    ///   theirs is unanswered → `500` with Retry-After 0–10 s (`retryAfter` chooses, §14.2);
    /// - a target refresh (INVITE, UPDATE) replaces the remote target with its Contact;
    /// - a BYE ends the dialog (§15.1.2); answer it `200`.
    /// - A request in a terminated dialog gets `481`.
    /// - Parameter retryAfter: the Retry-After value for an overlapping INVITE, 0–10 (the
    ///   caller draws it; clamped to 10).
    public mutating func receive(_ request: SIPMessage, retryAfter: UInt32 = 0) -> DialogRequestVerdict {
        guard let method = request.method, let cseq = try? request.cseq() else { return .reject(DialogRejection(status: 400)) }
        if method == .ack {
            guard state != .terminated else { return .discard }
            return .ack(inviteSequence: cseq.sequence)
        }
        guard state != .terminated else { return .reject(.noDialog) }
        if method != .cancel {
            // §12.2.2: a lower CSeq is out of order. Equal numbers are retransmissions, which the
            // transaction layer absorbs, or PRACK/CANCEL-like pairs; they are not rejected here.
            if let remote = remoteSequence, cseq.sequence < remote { return .reject(.outOfOrder) }
        }
        if method == .invite {
            // §14.2: an INVITE while one we sent is in progress gets 491; while one we received
            // is still unanswered, 500 with a random Retry-After of 0–10 s.
            if pendingLocalInvite != nil { return .reject(.requestPending) }
            if let pending = pendingRemoteInvite, pending < cseq.sequence {
                return .reject(DialogRejection(status: 500, retryAfter: min(retryAfter, 10)))
            }
        }
        if method != .cancel, remoteSequence.map({ cseq.sequence > $0 }) ?? true { remoteSequence = cseq.sequence }
        switch method {
        case .invite, .update:
            // §12.2.2: a target refresh replaces the remote target with its Contact, if present.
            if let target = try? Dialog.contactURI(of: request) { remoteTarget = target }
            if method == .invite { pendingRemoteInvite = cseq.sequence }
        case .bye:
            terminate()  // §15.1.2
        default:
            break
        }
        return .accept
    }

    /// Tells the dialog that we sent a final response to a request received in it. A final
    /// response to an INVITE ends its pending state (§14.2); a 2xx confirms an early dialog
    /// (§12.1.1); a non-2xx final response to the dialog-creating INVITE ends the dialog (§12.3).
    /// A 2xx to a target refresh may carry our new Contact, which becomes `localContact`.
    public mutating func sentResponse(_ response: SIPMessage, to method: SIPMethod, sequence: UInt32) {
        guard let status = response.statusCode, status >= 200 else { return }
        if method == .invite, pendingRemoteInvite == sequence {
            pendingRemoteInvite = nil
            if state == .early {
                if status < 300 { confirm(with: response) } else { terminate() }
            }
        }
        if (200...299).contains(status), method == .invite || method == .update,
           let contact = try? Dialog.contactURI(of: response) {
            localContact = NameAddress(uri: contact)
        }
    }

    /// Tells the dialog a response to a request we sent in it (RFC 3261 §12.2.1.2, §14.1):
    /// a 2xx to a target refresh (re-INVITE, UPDATE) replaces the remote target with its
    /// Contact; a final response to our INVITE ends its pending state; `481` or `408` to a
    /// request in the dialog ends the dialog (§12.2.1.2).
    /// For a 2xx to an INVITE it says to send the ACK, or to resend it for a retransmission
    /// (§13.2.2.4: "an ACK for each 2xx").
    @discardableResult
    public mutating func receiveResponse(_ response: SIPMessage) -> DialogResponseDecision {
        guard let status = response.statusCode, let cseq = try? response.cseq() else { return .none }
        var decision = DialogResponseDecision.none
        if (200...299).contains(status), cseq.method == .invite {
            if acknowledgedInvite == cseq.sequence {
                return .resendACK(inviteSequence: cseq.sequence)
            }
            if state != .terminated {
                acknowledgedInvite = cseq.sequence
                decision = .sendACK(inviteSequence: cseq.sequence)
            }
        }
        if status >= 200, cseq.method == .invite, pendingLocalInvite == cseq.sequence {
            pendingLocalInvite = nil
            if state == .early, status >= 300 { terminate() }
        }
        guard state != .terminated else { return decision }
        if (200...299).contains(status) {
            if state == .early, cseq.method == .invite { confirm(with: response) }
            if cseq.method == .invite || cseq.method == .update, let target = try? Dialog.contactURI(of: response) {
                remoteTarget = target
            }
        } else if status == 481 || status == 408 {
            // §12.2.1.2: "If the response for a request within a dialog is a 481 or a 408, the
            // UAC SHOULD terminate the dialog." A 408 to the initial INVITE does not end a
            // confirmed dialog of another request; the rule is applied as written.
            terminate()
        }
        return decision
    }
}

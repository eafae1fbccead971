import SIPMessage

/// The UAC side of one INVITE we sent, with every dialog its forks create (RFC 3261 §12.1.2,
/// §13.2.2.4): one early dialog per To tag in a 1xx, the first 2xx confirming (or creating)
/// its dialog, and decisions for what else arrives — ACK every 2xx retransmission of the
/// confirmed dialog, and ACK then BYE a 2xx from any other fork.
public struct InviteForks: Sendable {
    /// The INVITE as sent.
    public let invite: SIPMessage
    /// Whether it was sent over TLS (for the dialogs' secure flag).
    public let overTLS: Bool
    /// Dialogs by remote (To) tag: early ones, the confirmed one, and terminated ones.
    public private(set) var dialogs: [String: Dialog] = [:]
    /// The To tag of the dialog the first 2xx confirmed.
    public private(set) var confirmedTag: String?
    /// Whether a final non-2xx response ended the INVITE.
    public private(set) var failed = false

    public init(invite: SIPMessage, overTLS: Bool = false) {
        self.invite = invite
        self.overTLS = overTLS
    }

    /// The dialog the first 2xx confirmed.
    public var confirmedDialog: Dialog? { confirmedTag.flatMap { dialogs[$0] } }

    /// The dialogs still early.
    public var earlyDialogs: [Dialog] { dialogs.values.filter { $0.state == .early } }

    /// What the UAC core does with a response to the INVITE.
    public enum Decision: Hashable, Sendable {
        /// A 1xx without To tag (or 100): no dialog (§12.1); report progress only.
        case provisional
        /// A 1xx with a new To tag created an early dialog (§12.1.2, §13.2.2.4).
        case earlyDialogCreated(DialogID)
        /// Another 1xx in an existing early dialog.
        case earlyDialogUpdated(DialogID)
        /// The first 2xx: the dialog is confirmed. Send the ACK (`Dialog.makeACK`) and hand the
        /// call on; keep the ACK to resend for retransmissions of this 2xx.
        case confirmed(DialogID)
        /// The same 2xx again (the UAS did not get our ACK): send the same ACK again
        /// (§13.2.2.4: "an ACK for each 2xx").
        case resendACK(DialogID)
        /// A 2xx from another fork after one was accepted: this dialog (confirmed, built from
        /// that 2xx) must get an ACK and then a BYE (§13.2.2.4).
        case ackThenBye(Dialog)
        /// A 3xx–6xx: the INVITE failed; every early dialog is terminated (§12.3, §13.2.2.3).
        case failed(status: Int)
        /// A response that changes nothing (a 1xx after the 2xx, a malformed one): ignore.
        case ignore
    }

    /// Takes a response to the INVITE (every 1xx and 2xx the transaction layer passes up).
    public mutating func receive(_ response: SIPMessage) -> Decision {
        guard let status = response.statusCode, let to = try? response.to() else { return .ignore }
        let tag = to.tag ?? ""
        switch status {
        case 100...199:
            guard confirmedTag == nil, !failed else { return .ignore }
            guard status != 100, !tag.isEmpty else { return .provisional }
            if let existing = dialogs[tag] {
                return existing.state == .early ? .earlyDialogUpdated(existing.id) : .ignore
            }
            guard let dialog = try? Dialog.uac(request: invite, response: response, overTLS: overTLS) else { return .provisional }
            dialogs[tag] = dialog
            return .earlyDialogCreated(dialog.id)
        case 200...299:
            if let confirmedTag {
                if confirmedTag == tag, let dialog = dialogs[tag] { return .resendACK(dialog.id) }
                // §13.2.2.4: a 2xx from another fork: ACK it, then BYE it.
                guard var other = dialogs[tag] ?? (try? Dialog.uac(request: invite, response: response, overTLS: overTLS)) else { return .ignore }
                other.confirm(with: response)
                dialogs[tag] = other
                return .ackThenBye(other)
            }
            var dialog: Dialog
            if var early = dialogs[tag], early.state == .early {
                early.confirm(with: response)
                dialog = early
            } else {
                guard let created = try? Dialog.uac(request: invite, response: response, overTLS: overTLS) else { return .ignore }
                dialog = created
            }
            dialogs[tag] = dialog
            confirmedTag = tag
            return .confirmed(dialog.id)
        default:
            guard confirmedTag == nil, !failed else { return .ignore }
            failed = true
            for key in Array(dialogs.keys) { dialogs[key]?.terminate() }
            return .failed(status: status)
        }
    }

    /// The INVITE transaction ended (Timer M after a 2xx, RFC 6026 §8.4; or Timer B): early
    /// dialogs that never got a 2xx are terminated (§13.2.2.4). Returns their IDs.
    @discardableResult
    public mutating func transactionEnded() -> [DialogID] {
        var ended: [DialogID] = []
        for (key, dialog) in dialogs where dialog.state == .early {
            dialogs[key]?.terminate()
            ended.append(dialog.id)
        }
        return ended
    }

    /// The dialog for a To tag, with any changes the caller made (e.g. after sending the BYE).
    public subscript(remoteTag tag: String) -> Dialog? {
        get { dialogs[tag] }
        set { dialogs[tag] = newValue }
    }
}

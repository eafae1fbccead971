import SIPMessage

/// Dialogs created by SUBSCRIBE and REFER (RFC 6665 §4.4.1, RFC 3515 §2.4.4 via RFC 6665).
extension Dialog {
    /// The dialog a notifier creates when it answers `request` — a SUBSCRIBE (RFC 6665 §4.4.1)
    /// or a REFER received outside any dialog (RFC 3515 §2.4.4, whose implicit subscription
    /// lives in the dialog the 2xx creates) — with `response`, a 2xx carrying our To tag.
    ///
    /// RFC 3261 §12.1.1 applies to these dialogs exactly as to an INVITE's: route set from
    /// Record-Route in order, remote target from Contact, remote sequence number from CSeq,
    /// local sequence number empty. The rule is not restated here: the request is handed to
    /// `uas(request:response:overTLS:)` as if it were an INVITE, which reads nothing that
    /// depends on the method but the method itself.
    /// - Throws: `DialogError.methodCannotCreateDialog` for another method,
    ///   `.statusCannotCreateDialog` for a non-2xx, or `.badHeader` (answer `400`).
    public static func uas(subscription request: SIPMessage, response: SIPMessage, overTLS: Bool = false) throws(DialogError) -> Dialog {
        guard case .request(let method, let uri, let version) = request.startLine else {
            throw .methodCannotCreateDialog("response")
        }
        guard method == .subscribe || method == .refer else { throw .methodCannotCreateDialog(method.name) }
        // A 1xx to SUBSCRIBE or REFER creates no dialog (RFC 6665 §4.4.1: only 2xx and NOTIFY do).
        guard let status = response.statusCode, (200...299).contains(status) else {
            throw .statusCannotCreateDialog(response.statusCode ?? 0)
        }
        var creating = request
        creating.startLine = .request(method: .invite, uri: uri, version: version)
        return try uas(request: creating, response: response, overTLS: overTLS)
    }
}

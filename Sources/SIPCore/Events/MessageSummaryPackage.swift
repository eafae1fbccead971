import SIPMessage
import SIPTransaction

/// The `message-summary` event package (RFC 3842): message-waiting indication for voicemail.
/// The resource is the mailbox, the user part of the SUBSCRIBE's Request-URI (RFC 3842
/// §3.6–§3.7: the Request-URI names the messaging account); bodies are `application/simple-message-summary`.
public struct MessageSummaryPackage: EventPackage {
    /// `application/simple-message-summary` (RFC 3842 §3.5).
    public static let contentType = MediaType(type: "application", subtype: "simple-message-summary")
    /// The package name (RFC 3842 §3.1).
    public static let name = "message-summary"

    public var name: String { Self.name }
    public var contentType: MediaType { Self.contentType }
    /// One hour (RFC 3842 §3.4: "The default subscription duration for this event package is
    /// one hour").
    public var defaultExpires: UInt32 { 3600 }
    /// The host of the `Message-Account` URI written in default bodies (`sip:<mailbox>@host`);
    /// nil leaves the line out.
    public var accountHost: String?

    public init(accountHost: String? = nil) {
        self.accountHost = accountHost
    }

    /// The mailbox: the unescaped user of a sip/sips Request-URI, or a tel URI's number.
    public func resource(of request: SIPMessage) -> String? {
        switch request.requestURI {
        case .sip(let uri)?: return uri.unescapedUser.flatMap { $0.isEmpty ? nil : $0 }
        case .tel(let uri)?: return uri.number
        default: return nil
        }
    }

    /// No messages waiting (`Messages-Waiting: no`, `Voice-Message: 0/0`), sent until the
    /// integrator supplies the mailbox's real counts.
    public func defaultBody(for mailbox: String) -> [UInt8] {
        MessageSummary(account: account(for: mailbox), voice: MessageCounts(new: 0, old: 0)).rendered()
    }

    /// `sip:<mailbox>@<accountHost>`, or nil without an account host.
    public func account(for mailbox: String) -> String? {
        accountHost.map { "sip:" + PercentEncoding.encodeUser(mailbox) + "@" + $0 }
    }

    /// An unsolicited message-summary NOTIFY: outside any dialog and any SUBSCRIBE, as many
    /// phones expect MWI from the server they register with (RFC 3842 defines only the
    /// subscribed form; this is common practice). Built as an out-of-dialog request (RFC 3261
    /// §8.1.1) with `Event: message-summary`, `Subscription-State: active` and the body.
    /// - Parameters:
    ///   - target: the phone's registered Contact URI (the Request-URI).
    ///   - recipient: the To (the phone's address of record), no tag.
    ///   - from: our From, with a fresh tag.
    ///   - callID: a fresh Call-ID; `sequence` the CSeq number.
    ///   - via: our Via with a fresh `z9hG4bK` branch.
    ///   - routes: Route values (a registration's Path, RFC 3327 §5.2), in order.
    ///   - contact: our Contact, if any.
    public static func unsolicitedNotify(to target: URI, recipient: NameAddress, from: NameAddress, callID: String,
                                         sequence: UInt32 = 1, via: Via, routes: [NameAddress] = [],
                                         contact: NameAddress? = nil, summary: MessageSummary) -> SIPMessage {
        var headers = SIPHeaders()
        headers.append(.via, via.description)
        headers.append(.maxForwards, "70")
        for route in routes { headers.append(.route, route.description) }
        headers.append(.from, from.description)
        headers.append(.to, recipient.description)
        headers.append(.callID, callID)
        headers.append(.cseq, CSeq(sequence, .notify).description)
        if let contact { headers.append(.contact, contact.description) }
        let content = NotifyContent(event: EventValue(package: name), state: .activeWithoutExpiry,
                                    body: summary.rendered(), contentType: contentType)
        for (header, value) in content.headers { headers.append(header, value) }
        var message = SIPMessage.request(.notify, uri: target, headers: headers)
        message.setBody(content.body, contentType: content.contentType)
        return message
    }
}

extension Notifier {
    /// The message summary of `mailbox` changed (a deposit, a message heard or deleted):
    /// keep it and notify the mailbox's subscribers (`notifyChanged(event:resource:body:…)`
    /// with the `message-summary` package and the rendered body).
    public mutating func notifyChanged(mailbox: String, summary: MessageSummary, now: SIPInstant,
                                       newVia: () -> Via) -> [NotifierAction] {
        notifyChanged(event: MessageSummaryPackage.name, resource: mailbox, body: summary.rendered(), now: now, newVia: newVia)
    }
}

import SIPMessage

/// An event package the notifier serves (RFC 6665 §7): its name, the type of its NOTIFY
/// bodies, how a SUBSCRIBE names the resource, and what to send before the integrator has
/// supplied any state for a resource.
///
/// A package renders nothing by itself and reads no store: the resource state is pushed by
/// the integrator with `Notifier.notifyChanged(event:resource:body:now:newVia:)` (sans-IO; the
/// voicemail store is asynchronous, the notifier is not). `MessageSummaryPackage` is the one
/// Switchboard registers.
public protocol EventPackage: Sendable {
    /// The package name as the Event header carries it (`message-summary`), compared
    /// case-insensitively (RFC 6665 §8.2.1: tokens are compared case-insensitively).
    var name: String { get }
    /// The Content-Type of NOTIFY bodies (RFC 6665 §7.2.3, "NOTIFY Bodies").
    var contentType: MediaType { get }
    /// The subscription duration when a SUBSCRIBE has no Expires (RFC 6665 §7.2.4), in seconds.
    var defaultExpires: UInt32 { get }
    /// The resource a SUBSCRIBE is about (for message-summary, the mailbox: the Request-URI
    /// user), or nil when the request names none the package knows (the notifier answers `404`).
    func resource(of request: SIPMessage) -> String?
    /// The body of a NOTIFY for `resource` when no state has been supplied for it yet.
    func defaultBody(for resource: String) -> [UInt8]
}

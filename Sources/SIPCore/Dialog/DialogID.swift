import SIPMessage

/// The identifier of a dialog (RFC 3261 §12): Call-ID, local tag and remote tag, seen from
/// this user agent. A missing tag (RFC 2543 peers) is the empty string (§12.1.1 "null").
public struct DialogID: Hashable, Sendable, CustomStringConvertible {
    public var callID: String
    public var localTag: String
    public var remoteTag: String

    public init(callID: String, localTag: String, remoteTag: String) {
        self.callID = callID
        self.localTag = localTag
        self.remoteTag = remoteTag
    }

    /// The ID of the dialog an incoming request belongs to (RFC 3261 §12.2.2): the local tag
    /// is the To tag, the remote tag the From tag. Nil when the request has no To tag (it
    /// is outside any dialog) or its Call-ID, From or To do not parse.
    public init?(incomingRequest request: SIPMessage) {
        guard let callID = try? request.callID(), let to = try? request.to(), let from = try? request.from(),
              let localTag = to.tag else { return nil }
        self.init(callID: callID, localTag: localTag, remoteTag: from.tag ?? "")
    }

    /// The ID of the dialog a response to our request belongs to (RFC 3261 §12.1.2): the local
    /// tag is the From tag, the remote tag the To tag. Nil when Call-ID, From or To do not
    /// parse or the From has no tag (every request this UA sends carries one, §8.1.1.3).
    public init?(incomingResponse response: SIPMessage) {
        guard let callID = try? response.callID(), let to = try? response.to(), let from = try? response.from(),
              let localTag = from.tag else { return nil }
        self.init(callID: callID, localTag: localTag, remoteTag: to.tag ?? "")
    }

    public var description: String { callID + ";local=" + localTag + ";remote=" + remoteTag }
}

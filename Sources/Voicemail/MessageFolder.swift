/// The folder a message is in. A deposit lands in `new`; the owner moves it to `saved`.
/// Whether it has been listened to is the message's separate `heard` flag, so a message can
/// be new and heard (listened to once, not yet filed).
public enum MessageFolder: String, Hashable, Sendable, Codable, CaseIterable {
    /// Where deposits land; what the owner hears first.
    case new
    /// Messages the owner chose to keep.
    case saved
}

import Synchronization

/// Fans mailbox-changed events out to any number of `AsyncStream` subscribers: the hook
/// message-waiting indication (MWI) listens on. A store publishes a mailbox number after
/// every change that can move its counts (a deposit committed, a message heard, moved or
/// deleted, a recovered recording, a mailbox removed). Subscribers re-read the counts, so an
/// event carries only the number and a burst may be coalesced by a slow reader.
///
/// Shared by store implementations (SQLite today, PostgreSQL later); safe from any thread.
public final class MailboxChangeBroadcaster: Sendable {
    private struct State {
        var nextID = 0
        var continuations: [Int: AsyncStream<String>.Continuation] = [:]
        var finished = false
    }
    private let state = Mutex(State())
    /// Events buffered per subscriber before the oldest are dropped.
    public let bufferSize: Int

    public init(bufferSize: Int = 1024) {
        self.bufferSize = bufferSize
    }

    /// A stream of mailbox numbers, from now on, until `finish()` or the subscriber stops.
    public func subscribe() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(bufferSize))
        let id: Int? = state.withLock { state in
            guard !state.finished else { return nil }
            let id = state.nextID
            state.nextID += 1
            state.continuations[id] = continuation
            return id
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.continuations.removeValue(forKey: id) }
        }
        return stream
    }

    /// Tells every subscriber that `mailbox` changed.
    public func publish(_ mailbox: String) {
        let continuations = state.withLock { Array($0.continuations.values) }
        for continuation in continuations { continuation.yield(mailbox) }
    }

    /// Ends every stream (the store is closing).
    public func finish() {
        let continuations = state.withLock { state in
            state.finished = true
            defer { state.continuations.removeAll() }
            return Array(state.continuations.values)
        }
        for continuation in continuations { continuation.finish() }
    }

    /// Number of live subscribers.
    public var subscriberCount: Int { state.withLock { $0.continuations.count } }
}

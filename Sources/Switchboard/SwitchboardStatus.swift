import NIOConcurrencyHelpers

/// What the running server reports about itself to the web side (`/healthz`, `/metrics`):
/// updated by the SIP loop and the call layer, read by HTTP handlers on other threads.
public final class SwitchboardStatus: Sendable {
    public struct Snapshot: Sendable, Equatable {
        /// All SIP listeners are bound.
        public var listenersUp = false
        public var activeCalls = 0
        /// Ended calls by outcome name (`hangup`, `caller-hangup`, `transferred`, …).
        public var callsByOutcome: [String: Int] = [:]
        /// Refused INVITEs by status.
        public var refused: [Int: Int] = [:]
        /// Transactions alive at the last update.
        public var transactions = 0
        public var voicemailDeposits = 0
    }

    private let box = NIOLockedValueBox(Snapshot())

    public init() {}

    public var snapshot: Snapshot { box.withLockedValue { $0 } }

    func update(_ body: (inout Snapshot) -> Void) {
        box.withLockedValue { body(&$0) }
    }
}

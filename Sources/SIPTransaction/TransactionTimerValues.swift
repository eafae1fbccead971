/// The timer values of RFC 3261 §17 (Table 4) and RFC 6026 §8.11, from T1, T2 and T4.
///
/// | timer | value | meaning |
/// |---|---|---|
/// | A | T1, doubling | INVITE request retransmission (UDP only) |
/// | B | 64·T1 | INVITE transaction timeout |
/// | D | 32 s UDP, 0 reliable | wait for response retransmissions |
/// | E | T1, doubling up to T2 | non-INVITE request retransmission (UDP only) |
/// | F | 64·T1 | non-INVITE transaction timeout |
/// | G | T1, doubling up to T2 | INVITE response retransmission (UDP only) |
/// | H | 64·T1 | wait for ACK receipt |
/// | I | T4 UDP, 0 reliable | wait for ACK retransmissions |
/// | J | 64·T1 UDP, 0 reliable | wait for non-INVITE request retransmissions |
/// | K | T4 UDP, 0 reliable | wait for response retransmissions |
/// | L | 64·T1 | wait for accepted INVITE request retransmissions (RFC 6026) |
/// | M | 64·T1 | wait for retransmissions of 2xx to INVITE (RFC 6026) |
public struct TransactionTimerValues: Hashable, Sendable {
    /// RTT estimate (RFC 3261 §17.1.1.1), 500 ms by default.
    public var t1: Duration = .milliseconds(500)
    /// The maximum retransmit interval for non-INVITE requests and INVITE responses, 4 s.
    public var t2: Duration = .seconds(4)
    /// The maximum time a message remains in the network, 5 s.
    public var t4: Duration = .seconds(5)
    /// How long an INVITE server transaction waits for the TU's first response before it
    /// sends `100 Trying` itself (RFC 3261 §17.2.1: "200 ms").
    public var tryingDelay: Duration = .milliseconds(200)
    /// Timer D on unreliable transports: "at least 32 seconds" (RFC 3261 §17.1.1.2).
    public var unreliableTimerD: Duration = .seconds(32)

    public init(t1: Duration = .milliseconds(500), t2: Duration = .seconds(4), t4: Duration = .seconds(5),
                tryingDelay: Duration = .milliseconds(200), unreliableTimerD: Duration = .seconds(32)) {
        self.t1 = t1
        self.t2 = t2
        self.t4 = t4
        self.tryingDelay = tryingDelay
        self.unreliableTimerD = unreliableTimerD
    }

    /// The shortest retransmission interval the layer uses, whatever T1 and T2 say: a zero
    /// or negative T1 must not make a retransmission timer fire forever at the same instant.
    static let minimumInterval: Duration = .milliseconds(1)

    /// Initial Timer A (RFC 3261 §17.1.1.2); it doubles after each retransmission.
    public var timerA: Duration { max(t1, Self.minimumInterval) }
    /// Timer B, 64·T1 (RFC 3261 §17.1.1.2).
    public var timerB: Duration { t1 * 64 }
    /// Timer D: 32 s on unreliable transports, zero on reliable ones (RFC 3261 §17.1.1.2).
    public func timerD(reliable: Bool) -> Duration { reliable ? .zero : unreliableTimerD }
    /// Initial Timer E (RFC 3261 §17.1.2.2); it doubles up to T2.
    public var timerE: Duration { max(t1, Self.minimumInterval) }
    /// Timer F, 64·T1 (RFC 3261 §17.1.2.2).
    public var timerF: Duration { t1 * 64 }
    /// Initial Timer G (RFC 3261 §17.2.1); it doubles up to T2.
    public var timerG: Duration { max(t1, Self.minimumInterval) }
    /// Timer H, 64·T1 (RFC 3261 §17.2.1).
    public var timerH: Duration { t1 * 64 }
    /// Timer I: T4 on unreliable transports, zero on reliable ones (RFC 3261 §17.2.1).
    public func timerI(reliable: Bool) -> Duration { reliable ? .zero : t4 }
    /// Timer J: 64·T1 on unreliable transports, zero on reliable ones (RFC 3261 §17.2.2).
    public func timerJ(reliable: Bool) -> Duration { reliable ? .zero : t1 * 64 }
    /// Timer K: T4 on unreliable transports, zero on reliable ones (RFC 3261 §17.1.2.2).
    public func timerK(reliable: Bool) -> Duration { reliable ? .zero : t4 }
    /// Timer L, 64·T1 on every transport (RFC 6026 §8.7).
    public var timerL: Duration { t1 * 64 }
    /// Timer M, 64·T1 on every transport (RFC 6026 §8.4).
    public var timerM: Duration { t1 * 64 }

    /// The next interval of a doubling retransmission timer: `2·interval`, capped at T2
    /// when `capped` (Timers E and G, RFC 3261 §17.1.2.2, §17.2.1; Timer A is not capped).
    func doubled(_ interval: Duration, capped: Bool) -> Duration {
        let next = interval * 2
        return max(capped && next > t2 ? t2 : next, Self.minimumInterval)
    }
}

/// One copy of a layer's timer values that all its transactions point to.
final class SharedTimerValues: Sendable {
    let values: TransactionTimerValues

    init(_ values: TransactionTimerValues) {
        self.values = values
    }
}

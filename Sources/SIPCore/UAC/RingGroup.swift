import SIPMessage
import SIPTransaction

/// Ringing several targets for one transfer (issue 4 part 3), sans-IO: a simultaneous ring
/// (every leg at once, the first 2xx wins) or a sequential hunt (one leg at a time, the next
/// when the current one rings out, is busy or fails), each leg an `OutboundInvite`.
///
/// - The first leg to answer wins; every other leg is cancelled with
///   `Reason: SIP;cause=200;text="Call completed elsewhere"` (RFC 3326 §2, so the phones
///   do not log a missed call), and a late 2xx from any of them is ACKed and ended with a
///   BYE by its leg (RFC 3261 §13.2.2.4, §9.1).
/// - A 6xx from any leg ends the group when `stopOnGlobalFailure` is set: the other legs are
///   cancelled and no new one starts, as a forking proxy does (RFC 3261 §16.7 step 5: "the
///   proxy SHOULD cancel all client pending transactions … MUST NOT create any new branches").
/// - The overall timeout cancels every leg and ends the group with `noAnswer` (or `busy`
///   when a leg was busy).
/// - Otherwise the group ends when every leg has failed or been given up, with the verdict of
///   `RingGroupOutcome.aggregate`.
///
/// The verdict is reported once, as `.finished`; the group keeps driving its legs after that
/// (CANCELs, ACK and BYE for late 2xx) until `isSettled`.
public struct RingGroup: Sendable {
    /// How the targets are rung.
    public enum Strategy: Hashable, Sendable {
        /// All at once; each leg's `ringTimeout` usually equals the overall timeout.
        case simultaneous
        /// One after the other in target order; each leg's `ringTimeout` is its turn.
        case sequential
    }

    /// What the owner does.
    public enum Action: Equatable, Sendable {
        /// Carry out this action of the leg at index `leg` (send its request or ACK, relay its
        /// ringing). A leg's `.answered`/`.failed` are informative; the group's verdict is
        /// `.finished`.
        case leg(Int, OutboundInvite.Action)
        /// The group's verdict, once.
        case finished(RingGroupOutcome)
    }

    /// The Reason of the CANCELs sent to the other legs when one answers (RFC 3326 §2).
    public static let completedElsewhere = "SIP;cause=200;text=\"Call completed elsewhere\""

    public let strategy: Strategy
    public let overallTimeout: Duration?
    public let stopOnGlobalFailure: Bool
    /// The legs, in target order.
    public private(set) var legs: [OutboundInvite]
    /// The verdict, once decided.
    public private(set) var outcome: RingGroupOutcome?
    /// Whether the overall timeout fired before a verdict.
    public private(set) var overallTimedOut = false

    private var started = false
    private var overallDeadline: SIPInstant?
    /// Sequential: how many legs have been started.
    private var startedLegs = 0

    /// A group over legs the caller built (each with its target, configuration, identity).
    public init(legs: [OutboundInvite], strategy: Strategy, overallTimeout: Duration?, stopOnGlobalFailure: Bool = true) {
        self.legs = legs
        self.strategy = strategy
        self.overallTimeout = overallTimeout
        self.stopOnGlobalFailure = stopOnGlobalFailure
    }

    /// A group calling `targets` with one configuration (its `ringTimeout` is the per-target
    /// one) and fresh identities from `random`.
    public init(targets: [OutboundTarget], configuration: OutboundInviteConfiguration, strategy: Strategy,
                overallTimeout: Duration?, stopOnGlobalFailure: Bool = true, random: inout some RandomNumberGenerator) {
        var legs: [OutboundInvite] = []
        for target in targets { legs.append(OutboundInvite(target: target, configuration: configuration, random: &random)) }
        self.init(legs: legs, strategy: strategy, overallTimeout: overallTimeout, stopOnGlobalFailure: stopOnGlobalFailure)
    }

    /// Whether the verdict is in and no leg still waits for a final response (the owner may
    /// drop the group once its INVITE transactions have ended too).
    public var isSettled: Bool { outcome != nil && legs.allSatisfy { $0.phase == .idle || $0.isEnded } }

    /// The earliest deadline of the group and its legs.
    public var nextDeadline: SIPInstant? {
        let legDeadlines = legs.compactMap(\.nextDeadline)
        let own = outcome == nil ? overallDeadline : nil
        return (legDeadlines + (own.map { [$0] } ?? [])).min()
    }

    /// The index of the leg a response belongs to (Call-ID and From tag).
    public func leg(owning response: SIPMessage) -> Int? {
        legs.indices.first { legs[$0].phase != .idle && legs[$0].owns(response) }
    }

    // MARK: Events

    /// Starts the group: every leg (simultaneous) or the first (sequential), and the overall
    /// timeout. An empty group ends at once with `failed(480)`.
    public mutating func start(now: SIPInstant) -> [Action] {
        guard !started else { return [] }
        started = true
        overallDeadline = overallTimeout.map { now + $0 }
        var actions: [Action] = []
        switch strategy {
        case .simultaneous:
            for index in legs.indices { actions += drive(index, now: now) { $0.start(now: now) } }
            startedLegs = legs.count
        case .sequential:
            break
        }
        return actions + decide(now: now)
    }

    /// A response to a request of one of the legs (found by Call-ID and From tag).
    public mutating func receive(_ response: SIPMessage, now: SIPInstant) -> [Action] {
        guard let index = leg(owning: response) else { return [] }
        return drive(index, now: now) { $0.receive(response, now: now) } + decide(now: now)
    }

    /// A client transaction of leg `leg` ended without a final response (Timer B: `timedOut`;
    /// or a transport error), RFC 3261 §8.1.3.1.
    public mutating func transactionFailed(leg index: Int, method: SIPMethod = .invite, timedOut: Bool, now: SIPInstant) -> [Action] {
        guard legs.indices.contains(index) else { return [] }
        return drive(index, now: now) { $0.transactionFailed(method: method, timedOut: timedOut, now: now) } + decide(now: now)
    }

    /// The owner gives up (the caller hung up): every live leg is cancelled and the group
    /// ends with `cancelled`. After a verdict it does nothing (an answered call is ended with
    /// a BYE in its dialog).
    public mutating func cancel(now: SIPInstant) -> [Action] {
        guard outcome == nil else { return [] }
        outcome = .cancelled
        return cancelLegs(except: nil, reason: nil, now: now) + [.finished(.cancelled)]
    }

    /// Call at `nextDeadline`: legs' ring timeouts and CANCEL guards, and the overall timeout.
    public mutating func timerFired(now: SIPInstant) -> [Action] {
        var actions: [Action] = []
        for index in legs.indices {
            if let deadline = legs[index].nextDeadline, deadline <= now {
                actions += drive(index, now: now) { $0.timerFired(now: now) }
            }
        }
        if outcome == nil, let overallDeadline, now >= overallDeadline {
            overallTimedOut = true
            actions += cancelLegs(except: nil, reason: nil, now: now)
            let verdict = RingGroupOutcome.aggregate(verdicts(), overallTimedOut: true)
            outcome = verdict
            actions.append(.finished(verdict))
        }
        return actions + decide(now: now)
    }

    // MARK: Rules

    /// Runs one event on a leg and wraps its actions; the first answer wins the group and
    /// cancels the others.
    private mutating func drive(_ index: Int, now: SIPInstant, _ event: (inout OutboundInvite) -> [OutboundInvite.Action]) -> [Action] {
        let legActions = event(&legs[index])
        var actions: [Action] = []
        for action in legActions {
            actions.append(.leg(index, action))
            if case .answered(let dialog, let sdp) = action, outcome == nil {
                let verdict = RingGroupOutcome.answered(leg: index, target: legs[index].target, dialog: dialog, sdpAnswer: sdp)
                outcome = verdict
                actions.append(.finished(verdict))
                actions += cancelLegs(except: index, reason: Self.completedElsewhere, now: now)
            }
        }
        return actions
    }

    /// After every event: stop on a 6xx, move a hunt on, or give the verdict when no leg can
    /// answer any more.
    private mutating func decide(now: SIPInstant) -> [Action] {
        guard outcome == nil else { return [] }
        var actions: [Action] = []
        let globalFailure = legs.contains { $0.cancelCause == nil && ($0.failure?.status ?? 0) >= 600 }
        if stopOnGlobalFailure, globalFailure {
            actions += cancelLegs(except: nil, reason: nil, now: now)
            return actions + conclude()
        }
        if strategy == .sequential {
            // The current leg is done or given up (rang out): ring the next one now.
            while startedLegs < legs.count, startedLegs == 0 || Self.givenUp(legs[startedLegs - 1]) {
                let index = startedLegs
                startedLegs += 1
                actions += drive(index, now: now) { $0.start(now: now) }
                if outcome != nil { return actions }
            }
        }
        if startedLegs == legs.count, legs.allSatisfy(Self.givenUp) {
            actions += conclude()
        }
        return actions
    }

    private mutating func conclude() -> [Action] {
        let verdict = RingGroupOutcome.aggregate(verdicts(), overallTimedOut: overallTimedOut)
        outcome = verdict
        return [.finished(verdict)]
    }

    /// Each started leg's failure, or for a leg still cancelling, the failure it is heading to.
    private func verdicts() -> [OutboundInviteFailure] {
        legs.compactMap { leg in
            if let failure = leg.failure { return failure }
            if leg.phase == .cancelling { return OutboundInviteFailure(status: 487, reason: leg.cancelCause ?? .cancelled) }
            return nil
        }
    }

    private static func givenUp(_ leg: OutboundInvite) -> Bool { leg.phase == .failed || leg.phase == .cancelling }

    private mutating func cancelLegs(except winner: Int?, reason: String?, now: SIPInstant) -> [Action] {
        var actions: [Action] = []
        for index in legs.indices where index != winner {
            switch legs[index].phase {
            case .calling, .proceeding:
                actions += legs[index].cancel(reason: reason, now: now).map { .leg(index, $0) }
            case .idle, .cancelling, .answered, .failed:
                break
            }
        }
        return actions
    }
}

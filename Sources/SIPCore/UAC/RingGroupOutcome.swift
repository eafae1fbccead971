/// How a ring group ended (issue 4 part 3): one phone answered, or one verdict for the
/// whole group that a flow maps to `on-busy`, `on-no-answer` or its failure path.
public enum RingGroupOutcome: Equatable, Sendable {
    /// The leg at index `leg` (the group's target order), calling `target`, answered first:
    /// its confirmed dialog and the SDP answer of its 2xx.
    case answered(leg: Int, target: OutboundTarget, dialog: Dialog, sdpAnswer: [UInt8])
    /// Some phone said busy (486 or 600).
    case busy
    /// Nobody answered in time (a ring timeout, the overall timeout, 480 or 408).
    case noAnswer
    /// The owner cancelled the group (the caller hung up).
    case cancelled
    /// Every leg failed otherwise; `status` is the best final status (RFC 3261 §16.7).
    case failed(status: Int)

    /// The group's verdict from its legs' failures, modelled on how a forking proxy picks
    /// the response to forward (RFC 3261 §16.7 step 6), but in terms a flow acts on:
    ///
    /// 1. **busy** when any leg ended with `486 Busy Here` or `600 Busy Everywhere` — a busy
    ///    phone is the most specific thing the caller can be told, as a 6xx is for a proxy;
    /// 2. otherwise **noAnswer** when the overall timeout fired or any leg rang out (our ring
    ///    timeout, or `480`/`408` from the far side);
    /// 3. otherwise **failed** with the §16.7 best status among the legs that were not
    ///    cancelled by us: a 6xx if there is one, else the lowest class, the lowest code
    ///    within it; `480` when there is none (an empty group: nobody registered).
    public static func aggregate(_ failures: [OutboundInviteFailure], overallTimedOut: Bool) -> RingGroupOutcome {
        if failures.contains(where: { $0.reason == .busy }) { return .busy }
        if overallTimedOut || failures.contains(where: { $0.reason == .noAnswer }) { return .noAnswer }
        let statuses = failures.filter { $0.reason != .cancelled }.map(\.status)
        return .failed(status: bestStatus(statuses) ?? 480)
    }

    /// RFC 3261 §16.7 step 6: "if there are any 6xx responses, the proxy SHOULD choose one of
    /// them … otherwise … choose from the lowest response class stored"; within a class the
    /// lowest code (the RFC leaves the choice open; lowest keeps it deterministic). Nil when
    /// there is no final status at all.
    public static func bestStatus(_ statuses: [Int]) -> Int? {
        let finals = statuses.filter { (300...699).contains($0) }
        if let global = finals.filter({ $0 >= 600 }).min() { return global }
        return finals.min()
    }
}

/// How long to wait before retrying a re-INVITE that got `491 Request Pending` without
/// Retry-After (RFC 3261 §14.1): the UAC that owns the Call-ID (generated it) waits
/// 2.1–4 s, the other 0–2 s, in units of 10 ms. The caller schedules the retry.
public enum GlareBackoff {
    /// The range the delay is drawn from, in milliseconds (§14.1).
    public static func range(isCallIDOwner: Bool) -> ClosedRange<Int> {
        isCallIDOwner ? 2100...4000 : 0...2000
    }

    /// A delay drawn uniformly, in 10 ms steps, from the §14.1 range.
    public static func delay<R: RandomNumberGenerator>(isCallIDOwner: Bool, using generator: inout R) -> Duration {
        let range = range(isCallIDOwner: isCallIDOwner)
        let steps = Int.random(in: (range.lowerBound / 10)...(range.upperBound / 10), using: &generator)
        return .milliseconds(steps * 10)
    }

    /// A delay drawn with the system generator.
    public static func delay(isCallIDOwner: Bool) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(isCallIDOwner: isCallIDOwner, using: &generator)
    }

    /// Whether this UA owns the dialog's Call-ID in the §14.1 sense: it generated it, which
    /// is so exactly when it was the UAC of the dialog-creating INVITE.
    public static func isCallIDOwner(_ dialog: Dialog) -> Bool { dialog.role == .uac }
}

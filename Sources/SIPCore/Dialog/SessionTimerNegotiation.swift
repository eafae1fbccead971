import SIPMessage

/// What a UA wants from session timers (RFC 4028).
public struct SessionTimerPolicy: Hashable, Sendable {
    /// Our Min-SE: the smallest interval we accept (never below 90 s, §4).
    public var minimumInterval: UInt32
    /// The interval we ask for or grant (RFC 4028 §4 recommends 1800 s).
    public var preferredInterval: UInt32
    /// Who refreshes when we are the UAS and the UAC supports timers but left it to us (§9).
    public var uasChoiceWhenUnspecified: SessionRefresher

    public init(minimumInterval: UInt32 = MinSE.floor, preferredInterval: UInt32 = 1800,
                uasChoiceWhenUnspecified: SessionRefresher = .uac) {
        self.minimumInterval = max(minimumInterval, MinSE.floor)
        self.preferredInterval = max(preferredInterval, self.minimumInterval)
        self.uasChoiceWhenUnspecified = uasChoiceWhenUnspecified
    }
}

/// The session interval and refresher both sides agreed on in one transaction (RFC 4028).
public struct SessionTimerAgreement: Hashable, Sendable {
    public var interval: UInt32
    /// The refresher, relative to the transaction that negotiated it.
    public var refresher: SessionRefresher

    public init(interval: UInt32, refresher: SessionRefresher) {
        self.interval = interval
        self.refresher = refresher
    }

    /// Whether this UA refreshes, given that it was the UAC (or UAS) of the negotiating
    /// transaction (RFC 4028 §7.4, §9).
    public func localIsRefresher(weWereUAC: Bool) -> Bool {
        refresher == (weWereUAC ? .uac : .uas)
    }
}

/// Session-timer negotiation as pure functions (RFC 4028 §7, §8, §9).
public enum SessionTimerNegotiation {
    /// What a UAS does with a session-refresh-capable request (INVITE or UPDATE).
    public enum UASOutcome: Equatable, Sendable {
        /// Reject with `422 Session Interval Too Small` carrying this Min-SE (§9); build it with
        /// `intervalTooSmall(to:minSE:)`.
        case reject(minSE: UInt32)
        /// Go on with this agreement; put `responseHeaders` in the 2xx (Session-Expires with
        /// the refresher, and `Require: timer` when the UAC supports it, §9).
        case accept(SessionTimerAgreement, responseHeaders: [SIPHeader])
        /// No session timer (the request has none and we do not want one).
        case none
    }

    /// The UAS rules of RFC 4028 §9 for `request`:
    /// - a Session-Expires below our Min-SE (or below 90 s) → `422` with our Min-SE;
    /// - otherwise the interval is the request's, lowered to our preferred interval if larger,
    ///   but never below the request's Min-SE nor ours;
    /// - no Session-Expires: when `insertWhenAbsent`, we use our preferred interval (not below
    ///   the request's Min-SE);
    /// - refresher: the request's when the UAC supports `timer` and named one; our
    ///   `uasChoiceWhenUnspecified` when it supports `timer` and did not; `uas` when it does
    ///   not support `timer` (then no Require is sent).
    /// - Throws: `DialogError.badHeader` when Session-Expires or Min-SE is malformed (→ `400`).
    public static func uas(request: SIPMessage, policy: SessionTimerPolicy,
                           insertWhenAbsent: Bool = true) throws(DialogError) -> UASOutcome {
        let requested = try SessionExpires.of(request)
        let requestMinSE = max(try MinSE.of(request) ?? MinSE.floor, MinSE.floor)
        let uacSupports = ((try? request.supported()) ?? []).contains { $0.lowercased() == "timer" }
            || ((try? request.require()) ?? []).contains { $0.lowercased() == "timer" }
        let floor = max(requestMinSE, policy.minimumInterval)
        let interval: UInt32
        if let requested {
            // §9: "If the Session-Expires … is lower than the Min-SE … reject with 422".
            if requested.interval < policy.minimumInterval || requested.interval < MinSE.floor {
                return .reject(minSE: policy.minimumInterval)
            }
            interval = max(min(requested.interval, policy.preferredInterval), floor)
        } else {
            guard insertWhenAbsent else { return .none }
            interval = max(policy.preferredInterval, floor)
        }
        let refresher: SessionRefresher
        if uacSupports {
            refresher = requested?.refresher ?? policy.uasChoiceWhenUnspecified
        } else {
            refresher = .uas  // §9: the UAC cannot refresh what it does not know.
        }
        var headers = [SIPHeader(name: "Session-Expires", value: SessionExpires(interval: interval, refresher: refresher).description)]
        if uacSupports { headers.append(SIPHeader(name: "Require", value: "timer")) }
        return .accept(SessionTimerAgreement(interval: interval, refresher: refresher), responseHeaders: headers)
    }

    /// The `422 Session Interval Too Small` response to `request` with our Min-SE (RFC 4028 §6, §9).
    public static func intervalTooSmall(to request: SIPMessage, minSE: UInt32, toTag: String? = nil) -> SIPMessage {
        var response = SIPMessage.response(to: request, status: 422, toTag: toTag)
        response.headers.append(.minSE, String(max(minSE, MinSE.floor)))
        return response
    }

    /// The headers a UAC puts in an INVITE (or a refresh) to ask for a session timer (RFC 4028
    /// §7.1): `Supported: timer`, Session-Expires with the interval (refresher left to the
    /// UAS unless given) and Min-SE.
    public static func uacRequestHeaders(interval: UInt32, minSE: UInt32, refresher: SessionRefresher? = nil) -> [SIPHeader] {
        let minimum = max(minSE, MinSE.floor)
        return [
            SIPHeader(name: "Supported", value: "timer"),
            SIPHeader(name: "Session-Expires", value: SessionExpires(interval: max(interval, minimum), refresher: refresher).description),
            SIPHeader(name: "Min-SE", value: String(minimum)),
        ]
    }

    /// The agreement in a 2xx to our request (RFC 4028 §7.2): the response's Session-Expires
    /// with its refresher (`uac` when the UAS left it out); nil when the 2xx has none (the
    /// session has no timer).
    public static func uac(response: SIPMessage) throws(DialogError) -> SessionTimerAgreement? {
        guard let value = try SessionExpires.of(response) else { return nil }
        return SessionTimerAgreement(interval: max(value.interval, MinSE.floor), refresher: value.refresher ?? .uac)
    }

    /// After a `422` (RFC 4028 §7.3): the interval and Min-SE to retry with, the larger of
    /// ours and the 422's Min-SE; nil when the 422 has no usable Min-SE (do not retry).
    public static func uacRetry(after response: SIPMessage, previousInterval: UInt32) -> (interval: UInt32, minSE: UInt32)? {
        guard response.statusCode == 422, let value = try? MinSE.of(response) else { return nil }
        let minSE = max(value, MinSE.floor)
        return (max(previousInterval, minSE), minSE)
    }
}

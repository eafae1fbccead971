import SIPMessage

/// The checks a request passes before it reaches a transaction, answered statelessly
/// (RFC 3261 §8.2, in the order it gives): hop limit, method, required extensions.
public struct EdgeScreening: Sendable {
    /// Option tags this server implements (RFC 3261 §8.2.2.3); `Require` naming any other
    /// is refused with `420`.
    public var supportedExtensions: Set<String>

    public init(supportedExtensions: Set<String> = []) {
        self.supportedExtensions = supportedExtensions
    }

    /// What to do with a request.
    public enum Verdict: Equatable, Sendable {
        /// Hand it to the transaction layer.
        case pass
        /// Answer at once without a transaction: status, reason, extra headers.
        case respond(status: Int, reason: String, headers: [SIPHeader])
    }

    /// Screens a request that parsed and validated.
    public func screen(_ request: SIPMessage) -> Verdict {
        guard let method = request.method else { return .pass }
        // An ACK is never answered (RFC 3261 §17.1.1.3, §17.2.1); the layers above deal with it.
        if method == .ack { return .pass }
        // Hop limit (RFC 3261 §16.3 item 3, §20.22): a request that may travel no further.
        if let hops = try? request.maxForwards(), hops == 0 {
            return .respond(status: 483, reason: "Too Many Hops", headers: [])
        }
        // RFC 3261 §8.2.1: a method the server does not recognise gets 501.
        if case .other = method {
            return .respond(status: 501, reason: "Not Implemented", headers: [])
        }
        // RFC 3261 §8.2.2.3: every option tag in Require must be understood; not for CANCEL
        // (and ACK, above), whose Require is ignored.
        if method != .cancel, let required = try? request.require() {
            let unknown = required.filter { !supportedExtensions.contains($0.lowercased()) }
            if !unknown.isEmpty {
                return .respond(status: 420, reason: "Bad Extension",
                                headers: [SIPHeader(name: "Unsupported", value: unknown.joined(separator: ", "))])
            }
        }
        return .pass
    }
}

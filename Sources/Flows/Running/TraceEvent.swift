/// One thing that happened during a call, stamped with the time since the call started.
/// The simulator prints these; live calls log them.
public struct TraceEvent: Sendable, CustomStringConvertible {
    /// What happened.
    public enum Kind: Sendable {
        case started(flow: String, caller: String, called: String)
        case step(flow: String, name: String, kind: String)
        case played(prompts: [String], interrupted: Character?)
        case digits(String, ending: DigitResult.Ending)
        case menuChoice(key: String, target: String)
        case noInput(count: Int, limit: Int)
        case invalidInput(digits: String, count: Int, limit: Int)
        case branch(condition: String, target: String)
        case variable(name: String, value: String)
        case transfer(destination: String, endpoints: [TransferEndpoint], ringTimeout: Duration, result: TransferResult)
        case voicemail(mailbox: String, result: VoicemailResult)
        case voicemailAccess(mailbox: String?, result: VoicemailAccessResult)
        /// Inside a simulated deposit or retrieval: recorded, saved, deleted, a PIN changed, …
        case voicemailActivity(String)
        case webDirectory(WebDirectoryResult)
        case failure(step: String, reason: String, recovery: String)
        case runaway(steps: Int)
        case ended(CallOutcome)
    }

    /// Time since the call started.
    public var time: Duration
    public var kind: Kind

    public var description: String {
        let ms = time.milliseconds
        let stamp = "[\(String(ms / 1000).leftPadded(to: 4)).\(String(ms % 1000).leftPadded(to: 3, with: "0"))s]"
        return "\(stamp) \(text)"
    }

    private var text: String {
        switch kind {
        case .started(let flow, let caller, let called): return "call from \(caller) to \(called) → flow \(flow)"
        case .step(let flow, let name, let kind): return "step \(flow)/\(name) (\(kind))"
        case .played(let prompts, let interrupted):
            return "play \(prompts.joined(separator: " "))" + (interrupted.map { " — interrupted by \($0)" } ?? "")
        case .digits(let digits, let ending): return "keys '\(digits)' (\(ending.rawValue))"
        case .menuChoice(let key, let target): return "menu: \(key) → \(target)"
        case .noInput(let count, let limit): return "menu: no input (\(count) of \(limit))"
        case .invalidInput(let digits, let count, let limit): return "invalid input '\(digits)' (\(count) of \(limit))"
        case .branch(let condition, let target): return "branch: \(condition) → \(target)"
        case .variable(let name, let value): return "set \(name) = \(value)"
        case .transfer(let destination, let endpoints, let ringTimeout, let result):
            return "transfer \(destination) [\(endpoints.map(\.description).joined(separator: ", "))] ring \(ringTimeout.flowText) → \(result.rawValue)"
        case .voicemail(let mailbox, let result): return "voicemail \(mailbox) → \(result.rawValue)"
        case .voicemailAccess(let mailbox, let result): return "voicemail access \(mailbox ?? "(asks)") → \(result.rawValue)"
        case .voicemailActivity(let text): return "voicemail: \(text)"
        case .webDirectory(let result): return "web directory → \(result.rawValue)"
        case .failure(let step, let reason, let recovery): return "failure in \(step): \(reason) → \(recovery)"
        case .runaway(let steps): return "runaway: \(steps) steps without waiting for the caller"
        case .ended(let outcome): return "end: \(outcome)"
        }
    }
}

/// How a call left the flow.
public enum CallOutcome: Sendable, Equatable, CustomStringConvertible {
    case transferred(to: String)
    case voicemail(mailbox: String)
    case voicemailAccess
    case webDirectory
    /// A `hangup` step or the end of the flow.
    case hangup
    case callerHungUp
    /// The built-in fallback apologised and hung up.
    case failed(reason: String)

    /// The outcome's name in scenario files: transferred, voicemail, hangup, …
    public var name: String {
        switch self {
        case .transferred: "transferred"
        case .voicemail: "voicemail"
        case .voicemailAccess: "voicemail-access"
        case .webDirectory: "web-directory"
        case .hangup: "hangup"
        case .callerHungUp: "caller-hangup"
        case .failed: "failed"
        }
    }

    public var description: String {
        switch self {
        case .transferred(let to): "transferred to \(to)"
        case .voicemail(let mailbox): "voicemail in \(mailbox)"
        case .failed(let reason): "failed (\(reason))"
        default: name
        }
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = " ") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}

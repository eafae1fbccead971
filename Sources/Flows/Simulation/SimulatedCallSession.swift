import Foundation

/// A `CallSession` on a virtual clock: nothing sleeps; each wait advances the clock to the moment
/// the next scripted key arrives or the timeout fires. Timing rules match a live call's.
public actor SimulatedCallSession: CallSession {
    public nonisolated let info: CallInfo
    let script: SimulationScript
    let prompts: (any PromptCatalog)?
    private let startDate: Date
    /// Virtual milliseconds since the call started.
    var elapsed: Int64 = 0
    /// Keys not yet consumed, by the virtual time they are pressed.
    var keys: [(time: Int64, key: Character)] = []
    var responses: [SimulationScript.KeyResponse]
    /// When the caller hangs up (the script's `hangUpAt`, or the end of a recording they hang up in).
    var hangUpTime: Int64?
    /// Recordings' speech not yet used.
    var speech: [SimulatedSpeech]
    /// Runs `voicemail` and `voicemail-access` for real (nil: scripted answers).
    let voicemailSimulation: (any VoicemailSimulation)?
    /// Where voicemail activity is reported (merged into the call's trace by `FlowSimulator`).
    let traceSink: (@Sendable (TraceEvent.Kind, Duration) -> Void)?
    public private(set) var hungUp = false
    /// Every transfer the flow asked for, in order (tests inspect modes, endpoints, timeouts).
    public private(set) var transferRequests: [TransferRequest] = []

    public init(info: CallInfo, start: Date, script: SimulationScript, prompts: (any PromptCatalog)? = nil,
                voicemail: (any VoicemailSimulation)? = nil,
                trace: (@Sendable (TraceEvent.Kind, Duration) -> Void)? = nil) {
        self.info = info
        self.script = script
        self.prompts = prompts
        self.startDate = start
        self.responses = script.responses
        self.hangUpTime = script.hangUpAt?.milliseconds
        self.speech = script.speech
        self.voicemailSimulation = voicemail
        self.traceSink = trace
        for timed in script.timedKeys {
            for (index, key) in timed.keys.enumerated() {
                keys.append((timed.at.milliseconds + Int64(index) * timed.gap.milliseconds, key))
            }
        }
        keys.sort { $0.time < $1.time }
    }

    public func now() -> Date { startDate.addingTimeInterval(Double(elapsed) / 1000) }

    /// Moves the clock to `time`, or to the caller's hang-up if that comes first.
    func advance(to time: Int64) throws {
        if let hangUp = hangUpTime, hangUp <= time {
            elapsed = max(elapsed, hangUp)
            throw CallSessionError.callerHungUp
        }
        elapsed = max(elapsed, time)
    }

    public func play(_ names: [String], language: String, bargeIn: Bool) throws -> PlaybackResult {
        if let missing = names.first(where: script.unavailablePrompts.contains) {
            throw CallSessionError.promptUnavailable(missing)
        }
        let length = names.reduce(Int64(0)) { total, name in
            total + (prompts?.duration(of: name, language: language) ?? script.defaultPromptDuration).milliseconds
        }
        let end = elapsed + length
        if bargeIn, let first = keys.first, first.time < end {
            try advance(to: first.time)
            return .interrupted(by: first.key)
        }
        keys.removeAll { $0.time < end }
        try advance(to: end)
        return .completed
    }

    public func collectDigits(_ request: DigitRequest) throws -> DigitResult {
        takeResponseIfIdle()
        var collector = DigitCollector(request)
        var deadline = elapsed + collector.timeout.milliseconds
        while true {
            guard let next = keys.first, next.time <= deadline else {
                try advance(to: deadline)
                return collector.timedOut()
            }
            keys.removeFirst()
            try advance(to: next.time)
            if let result = collector.receive(next.key) { return result }
            deadline = elapsed + collector.timeout.milliseconds
        }
    }

    /// A wait for the caller: with no key pressed already (timed keys still to come do not
    /// count), the next scripted response starts now.
    func takeResponseIfIdle() {
        if keys.allSatisfy({ $0.time > elapsed }), !responses.isEmpty {
            if case .press(let text, let after, let gap) = responses.removeFirst() {
                for (index, key) in text.enumerated() {
                    keys.append((elapsed + after.milliseconds + Int64(index) * gap.milliseconds, key))
                }
                keys.sort { $0.time < $1.time }
            }
        }
    }

    public func transfer(_ request: TransferRequest) throws -> TransferResult {
        transferRequests.append(request)
        let byEndpoint = request.endpoints.lazy.compactMap { self.script.transferResults[$0.description] }.first
        let result = byEndpoint ?? script.transferResults[request.destination] ?? script.defaultTransferResult
        let ringing: Duration = switch result {
        case .answered: .seconds(3)
        case .noAnswer: request.ringTimeout
        case .busy: .seconds(1)
        case .failed: .milliseconds(500)
        }
        try advance(to: elapsed + ringing.milliseconds)
        return result
    }

    public func voicemail(_ request: VoicemailRequest) async throws -> VoicemailResult {
        if script.voicemailResult == nil, let voicemailSimulation {
            return try await voicemailSimulation.deposit(request, on: self)
        }
        try advance(to: elapsed + 20_000)
        return script.voicemailResult ?? .recorded
    }

    public func voicemailAccess(_ request: VoicemailAccessRequest) async throws -> VoicemailAccessResult {
        if let voicemailSimulation { return try await voicemailSimulation.access(request, on: self) }
        try advance(to: elapsed + 30_000)
        return .completed
    }

    public func offerWebDirectory() throws -> WebDirectoryResult {
        try advance(to: elapsed + 500)
        return script.webDirectoryResult ?? (info.variables["accepts-html"] == "true" ? .accepted : .declined)
    }

    public func hangUp() { hungUp = true }
}

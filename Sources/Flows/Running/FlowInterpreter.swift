import Foundation

/// Runs one call through the flows, talking to the call only through `CallSession`.
///
/// Guarantees (docs/flows.md#runtime): every wait has a timeout (the session's requests carry
/// them); a failing step goes to its `on-failure`, else the flow's `on-error`, else the built-in
/// fallback that apologises and hangs up — never dead air; more than `max-steps-without-input`
/// steps in a row without waiting for the caller stops a runaway loop the same way.
/// One interpreter serves one call and is used from one task.
public final class FlowInterpreter {
    public let system: FlowSystem
    public let session: any CallSession
    /// Called with each trace event as it happens (logs, live simulator output).
    public var observer: (@Sendable (TraceEvent) -> Void)?
    public private(set) var trace: [TraceEvent] = []

    var startTime = Date()
    /// Variables of the innermost flow frame; sub-flows get a fresh frame.
    var variables: [String: String] = [:]
    var lastDigits = ""
    var stepsWithoutInput = 0
    var failuresInARow = 0
    var callDepth = 0
    static let maximumCallDepth = 16
    static let maximumFailuresInARow = 3

    public init(system: FlowSystem, session: any CallSession) {
        self.system = system
        self.session = session
    }

    /// Runs `flow` from its start step until the call ends; returns how it ended.
    @discardableResult
    public func run(_ flow: Flow) async -> CallOutcome {
        startTime = await session.now()
        await record(.started(flow: flow.name, caller: session.info.caller, called: session.info.called))
        let outcome: CallOutcome
        switch await execute(flow) {
        case .ended(let ending): outcome = ending
        case .returned: outcome = .hangup
        }
        if outcome != .callerHungUp && !outcome.sessionAlreadyEnded {
            await session.hangUp()
        }
        await record(.ended(outcome))
        return outcome
    }

    /// How a flow frame finished.
    enum FrameExit {
        case returned([(name: String, value: String)])
        case ended(CallOutcome)
    }

    /// What a step asks for next.
    enum StepResult {
        case goTo(String)
        /// Continue at the step's `next`; without one the frame ends (return or hang up).
        case continueNext
        case exit(FrameExit)
    }

    /// A step that could not do its job; the interpreter takes the failure path.
    struct StepFailure: Error {
        var reason: String
    }

    func execute(_ flow: Flow) async -> FrameExit {
        var current = flow.start.value
        while true {
            guard let step = flow.step(named: current) else {
                // The checker reports dangling names; a flow that was not checked still must not go silent.
                return await builtInFallback(reason: "no step '\(current)' in flow \(flow.name)", language: flow.language)
            }
            await record(.step(flow: flow.name, name: step.name, kind: step.action.keyword))
            if step.action.waitsForCaller {
                stepsWithoutInput = 0
            } else {
                stepsWithoutInput += 1
                if stepsWithoutInput > flow.maxStepsWithoutInput {
                    await record(.runaway(steps: stepsWithoutInput))
                    return await builtInFallback(reason: "runaway loop", language: flow.language)
                }
            }
            let result: StepResult
            do {
                result = try await perform(step, in: flow)
                failuresInARow = 0
            } catch CallSessionError.callerHungUp {
                return .ended(.callerHungUp)
            } catch {
                let reason = Self.reason(for: error)
                failuresInARow += 1
                let recovery = failuresInARow > Self.maximumFailuresInARow ? nil : (step.onFailure ?? flow.onError)?.value
                guard let recovery, recovery != step.name else {
                    await record(.failure(step: "\(flow.name)/\(step.name)", reason: reason, recovery: "built-in fallback"))
                    return await builtInFallback(reason: reason, language: flow.language)
                }
                await record(.failure(step: "\(flow.name)/\(step.name)", reason: reason, recovery: recovery))
                current = recovery
                continue
            }
            switch result {
            case .goTo(let name):
                current = name
            case .continueNext:
                guard let next = step.next else {
                    return callDepth > 0 ? .returned([]) : .ended(.hangup)
                }
                current = next.value
            case .exit(let exit):
                return exit
            }
        }
    }

    /// Apologises (ignoring a missing apology prompt) and ends the call.
    func builtInFallback(reason: String, language: String) async -> FrameExit {
        _ = try? await playPrompts([BuiltInPrompts.technicalDifficulty], language: language, bargeIn: false)
        return .ended(.failed(reason: reason))
    }

    func perform(_ step: Step, in flow: Flow) async throws -> StepResult {
        switch step.action {
        case .play(let prompts):
            try await playPrompts(prompts.map(\.value), language: flow.language, bargeIn: false)
            return .continueNext
        case .say(let say):
            let value = interpolate(say.value.value)
            guard let fragments = SayComposer.fragments(say.form, value) else {
                throw StepFailure(reason: "cannot say '\(value)' as \(say.form.rawValue)")
            }
            try await playPrompts(fragments, language: flow.language, bargeIn: false)
            return .continueNext
        case .menu(let menu):
            return try await runMenu(menu, step: step, flow: flow)
        case .collect(let collect):
            return try await runCollect(collect, flow: flow)
        case .branch(let cases):
            return try await runBranch(cases, step: step)
        case .set(let assignments):
            for (name, value) in assignments { await assign(name, interpolate(value)) }
            return .continueNext
        case .goto(let target):
            return .goTo(target.value)
        case .call(let call):
            return try await runCall(call)
        case .return(let values):
            return .exit(.returned(values.map { ($0.name, interpolate($0.value)) }))
        case .transfer(let transfer):
            return try await runTransfer(transfer, step: step, flow: flow)
        case .voicemail(let voicemail):
            let mailbox = interpolate(voicemail.mailbox.value)
            return try await leaveVoicemail(mailbox: mailbox, greeting: voicemail.greeting?.map(\.value),
                                            language: flow.language, continuing: step.next != nil,
                                            operatorStep: voicemail.operatorStep?.value)
        case .voicemailAccess(let access):
            let mailbox = access.mailbox.map { interpolate($0.value) }
            let result = try await session.voicemailAccess(VoicemailAccessRequest(mailbox: mailbox, language: flow.language,
                                                                                     callBack: access.callBack))
            await record(.voicemailAccess(mailbox: mailbox, result: result))
            if result == .failed { throw StepFailure(reason: "voicemail access failed") }
            return step.next == nil ? .exit(.ended(.voicemailAccess)) : .continueNext
        case .directory(let directory):
            return try await runDirectory(directory, step: step, flow: flow)
        case .webDirectory(let web):
            let result = try await session.offerWebDirectory()
            await record(.webDirectory(result))
            if result == .accepted { return .exit(.ended(.webDirectory)) }
            return web.onDeclined.map { .goTo($0.value) } ?? .continueNext
        case .hangup:
            return .exit(.ended(.hangup))   // `run` hangs up once the frames have unwound
        }
    }

    func leaveVoicemail(mailbox: String, greeting: [String]?, language: String, continuing: Bool,
                        operatorStep: String? = nil) async throws -> StepResult {
        let result = try await session.voicemail(VoicemailRequest(mailbox: mailbox, greeting: greeting, language: language,
                                                                  operatorAvailable: operatorStep != nil))
        await record(.voicemail(mailbox: mailbox, result: result))
        if result == .failed { throw StepFailure(reason: "voicemail for \(mailbox) failed") }
        if result == .operatorRequested, let operatorStep { return .goTo(operatorStep) }
        return continuing ? .continueNext : .exit(.ended(.voicemail(mailbox: mailbox)))
    }

    /// Plays prompts; the trace event carries the time playback started.
    @discardableResult
    func playPrompts(_ prompts: [String], language: String, bargeIn: Bool) async throws -> PlaybackResult {
        guard !prompts.isEmpty else { return .completed }
        let startedAt = await elapsed()
        let result = try await session.play(prompts, language: language, bargeIn: bargeIn)
        var interruptedBy: Character?
        if case .interrupted(let key) = result { interruptedBy = key }
        append(TraceEvent(time: startedAt, kind: .played(prompts: prompts, interrupted: interruptedBy)))
        return result
    }

    func record(_ kind: TraceEvent.Kind) async {
        append(TraceEvent(time: await elapsed(), kind: kind))
    }

    private func append(_ event: TraceEvent) {
        trace.append(event)
        observer?(event)
    }

    private func elapsed() async -> Duration {
        let seconds = await session.now().timeIntervalSince(startTime)
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    static func reason(for error: Error) -> String {
        switch error {
        case let failure as StepFailure: return failure.reason
        case CallSessionError.promptUnavailable(let name): return "prompt '\(name)' unavailable"
        case CallSessionError.failed(let reason): return reason
        default: return "\(error)"
        }
    }
}

extension CallOutcome {
    /// Outcomes after which the session has already released the call (no hang-up to send).
    var sessionAlreadyEnded: Bool {
        switch self {
        case .transferred, .webDirectory: true
        default: false
        }
    }
}

/// One flow document (`flows/NAME.yaml`): the numbers that start it and its named steps.
public struct Flow: Sendable {
    public var name: String
    public var file: String
    public var location: SourceLocation
    /// Request-URI users that start this flow (empty for sub-flows).
    public var numbers: [Located<String>]
    public var start: Located<String>
    /// Parameters a `call` step passes in (sub-flows).
    public var parameters: [String]
    /// Prompt language folder (`prompts/en/…`).
    public var language: String
    /// The global fallback step for runtime failures of steps without `on-failure`.
    public var onError: Located<String>?
    /// Steps in the order they are written.
    public var steps: [Step]
    /// Runaway-loop guard: this many steps in a row without waiting for the caller ends the loop.
    public var maxStepsWithoutInput: Int
    /// How long a live caller hears ringing (`180 Ringing`) before the flow answers
    /// (`ring-before-answer`, default 0: answer at once).
    public var ringBeforeAnswer: Duration = .zero
    /// Live calls: prompts and menus before a transfer or voicemail play as early media
    /// (`183 Session Progress` with SDP) without answering the call (`early-media: true`).
    public var earlyMedia = false

    public func step(named name: String) -> Step? { steps.first { $0.name == name } }
}

/// One named step of a flow: what it does, where it goes next, where it goes when it fails.
public struct Step: Sendable {
    public var name: String
    /// Where the step's name is written.
    public var location: SourceLocation
    public var action: StepAction
    /// The step after this one when its action finishes normally (for steps that continue).
    public var next: Located<String>?
    /// Where a runtime failure of this step goes (prompt missing, target gone); else the flow's `on-error`.
    public var onFailure: Located<String>?

    public init(name: String, location: SourceLocation, action: StepAction,
                next: Located<String>? = nil, onFailure: Located<String>? = nil) {
        self.name = name
        self.location = location
        self.action = action
        self.next = next
        self.onFailure = onFailure
    }
}

/// The step kinds of the flow language (docs/flows.md).
public enum StepAction: Sendable {
    case play([Located<String>])
    case say(SayStep)
    case menu(MenuStep)
    case collect(CollectStep)
    case branch([BranchCase])
    case set([(name: String, value: String)])
    case goto(Located<String>)
    case call(CallStep)
    case `return`([(name: String, value: String)])
    case transfer(TransferStep)
    case voicemail(VoicemailStep)
    case voicemailAccess(VoicemailAccessStep)
    case directory(DirectoryStep)
    case webDirectory(WebDirectoryStep)
    case hangup

    /// The YAML key that introduces this kind.
    public var keyword: String {
        switch self {
        case .play: "play"
        case .say: "say"
        case .menu: "menu"
        case .collect: "collect"
        case .branch: "branch"
        case .set: "set"
        case .goto: "goto"
        case .call: "call"
        case .return: "return"
        case .transfer: "transfer"
        case .voicemail: "voicemail"
        case .voicemailAccess: "voicemail-access"
        case .directory: "directory"
        case .webDirectory: "web-directory"
        case .hangup: "hangup"
        }
    }

    /// True for steps that wait for the caller (key presses, speech into a mailbox): a loop
    /// through at least one of these is not a runaway loop.
    public var waitsForCaller: Bool {
        switch self {
        case .menu, .collect, .voicemail, .voicemailAccess, .directory: true
        default: false
        }
    }
}

/// `say`: speaks a value from prompt fragments (digit-0…, number-20…, month-november…).
public struct SayStep: Sendable {
    /// How the value is spoken.
    public enum Form: String, Sendable, CaseIterable {
        case digits, number, date, time
    }
    public var form: Form
    /// The value; may contain `${variable}` references.
    public var value: Located<String>
}

/// `menu`: plays a prompt and waits for a key; the timing rules are in docs/flows.md#menu-timing.
public struct MenuStep: Sendable {
    public var prompt: [Located<String>]
    /// Played instead of `prompt` on the second and later attempts.
    public var retryPrompt: [Located<String>]?
    /// First-digit timeout: from the end of the prompt to the first key.
    public var timeout: Duration = .seconds(5)
    /// From one key to the next when more keys may follow.
    public var interDigitTimeout: Duration = .seconds(2)
    public var bargeIn = true
    /// Key (or key sequence) → step name.
    public var options: [(key: Located<String>, target: Located<String>)] = []
    public var noInput = Limit(count: 3, prompt: [Located("no-input", at: .builtIn)])
    public var invalid = Limit(count: 3, prompt: [Located("invalid-option", at: .builtIn)])
    /// A caller may key a person's or department's extension directly.
    public var dialExtensions = false
    /// Where the menu goes when a limit is reached and the limit has no own target.
    public var onFailure: Located<String>?

    /// A limit on no-input or invalid attempts, with the prompt played after each such attempt.
    public struct Limit: Sendable {
        public var count: Int
        public var prompt: [Located<String>]
        public var target: Located<String>?
    }
}

/// `collect`: reads digits into a variable.
public struct CollectStep: Sendable {
    public var prompt: [Located<String>] = []
    public var into: Located<String>
    public var minDigits = 1
    public var maxDigits = 20
    public var terminator: Character? = "#"
    public var firstDigitTimeout: Duration = .seconds(5)
    public var interDigitTimeout: Duration = .seconds(3)
    /// A regular expression the whole input must match.
    public var pattern: Located<String>?
    public var attempts = 3
    public var invalidPrompt: [Located<String>] = []
    public var bargeIn = true
}

/// One case of a `branch`: all its conditions must hold (an empty list always holds).
public struct BranchCase: Sendable {
    public var conditions: [BranchCondition]
    public var target: Located<String>
    public var location: SourceLocation
}

/// A test in a `branch` case.
public enum BranchCondition: Sendable {
    case open(schedule: Located<String>)
    case closed(schedule: Located<String>)
    case caller(pattern: Located<String>)
    case called(pattern: Located<String>)
    case digits(pattern: Located<String>)
    case variableEquals(name: String, value: String)
    case variableMatches(name: String, pattern: Located<String>)
    case variableSet(name: String)
}

/// `call`: runs a sub-flow with parameters, then continues at `next`.
public struct CallStep: Sendable {
    public var flow: Located<String>
    public var arguments: [(name: String, value: String)]
}

/// `transfer`: rings a person, department, SIP URI or outside number.
public struct TransferStep: Sendable {
    public enum Mode: String, Sendable, CaseIterable { case bridged, blind }
    public var destination: Located<String>
    public var mode: Mode = .bridged
    public var ringTimeout: Duration = .seconds(25)
    /// Overrides the department's ring strategy.
    public var strategy: RingStrategy?
    public var whisper: [Located<String>]?
    /// Played to the caller before ringing ("please hold").
    public var announce: [Located<String>]?
    public var onNoAnswer: Located<String>?
    public var onBusy: Located<String>?
}

/// `voicemail`: records a message into a mailbox (behaviour filled by the voicemail layer).
public struct VoicemailStep: Sendable {
    public var mailbox: Located<String>
    public var greeting: [Located<String>]?
    /// The step a caller reaches by pressing `0` during the greeting or after recording.
    public var operatorStep: Located<String>? = nil
}

/// `voicemail-access`: staff hear their messages; with no mailbox the caller is asked for one.
public struct VoicemailAccessStep: Sendable {
    public var mailbox: Located<String>?
    /// `call-back: true`: `3 2` may call a message's caller back (numbers the directory's
    /// outbound patterns allow only). Off by default (toll fraud).
    public var callBack = false
}

/// `directory`: dial-by-name using the letters on the keypad.
public struct DirectoryStep: Sendable {
    public enum Match: String, Sendable, CaseIterable { case lastName = "last-name", firstName = "first-name", either }
    public var prompt: [Located<String>] = [Located("directory-intro", at: .builtIn)]
    public var match: Match = .lastName
    public var minLetters = 3
    public var timeout: Duration = .seconds(5)
    public var attempts = 3
    public var onNoMatch: Located<String>?
}

/// `web-directory`: offers the caller the web directory instead of audio (filled by the web layer).
public struct WebDirectoryStep: Sendable {
    public var onDeclined: Located<String>?
}

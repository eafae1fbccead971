/// `transfer`: resolving people, departments and outside destinations into endpoints, ring
/// strategies, forwarding, and the runtime toll-fraud guard.
extension FlowInterpreter {
    /// The default ring time for extensions dialled from a menu or chosen in the directory.
    static let extensionRingTimeout: Duration = .seconds(25)

    func runTransfer(_ transfer: TransferStep, step: Step, flow: Flow) async throws -> StepResult {
        let text = interpolate(transfer.destination.value)
        if let announce = transfer.announce {
            try await playPrompts(announce.map(\.value), language: flow.language, bargeIn: false)
        }
        let result = try await ring(TransferDestination(text), label: text, timeout: transfer.ringTimeout,
                                    mode: transfer.mode, strategy: transfer.strategy,
                                    whisper: transfer.whisper?.map(\.value) ?? [], language: flow.language)
        switch result {
        case .answered:
            return .exit(.ended(.transferred(to: text)))
        case .busy:
            if let target = transfer.onBusy ?? transfer.onNoAnswer { return .goTo(target.value) }
        case .noAnswer:
            if let target = transfer.onNoAnswer { return .goTo(target.value) }
        case .failed:
            throw StepFailure(reason: "transfer to \(text) failed")
        }
        if step.next != nil { return .continueNext }
        throw StepFailure(reason: "transfer to \(text): \(result.rawValue)")
    }

    /// A person or department reached from a menu or the directory: on no answer or busy the
    /// caller goes to their mailbox, else to `fallback`.
    func transferToDirectoryEntry(_ destination: TransferDestination, flow: Flow,
                                  fallback: Located<String>?) async throws -> StepResult {
        let label: String
        let mailbox: String?
        switch destination {
        case .person(let id):
            label = "person/\(id)"
            mailbox = system.directory.person(id)?.mailbox?.value
        case .department(let id):
            label = "department/\(id)"
            mailbox = system.directory.department(id)?.mailbox?.value
        default:
            throw StepFailure(reason: "not a directory entry")
        }
        let result = try await ring(destination, label: label, timeout: Self.extensionRingTimeout, mode: .bridged,
                                    strategy: nil, whisper: [], language: flow.language)
        if result == .answered { return .exit(.ended(.transferred(to: label))) }
        if let mailbox { return try await leaveVoicemail(mailbox: mailbox, greeting: nil, language: flow.language, continuing: false) }
        if let fallback { return .goTo(fallback.value) }
        throw StepFailure(reason: "transfer to \(label): \(result.rawValue)")
    }

    /// Rings `destination` through the session with the directory's rules — a person's
    /// forwarding, a department's strategy (all members at once, or one after another for
    /// `member-timeout` each within `timeout`), the toll-fraud guard for outside
    /// destinations — and returns how it went. Public for click-to-call, which rings a
    /// directory entry for a visitor without a flow.
    public func ring(_ destination: TransferDestination, label: String, timeout: Duration, mode: TransferStep.Mode,
              strategy: RingStrategy?, whisper: [String], language: String) async throws -> TransferResult {
        func attempt(_ endpoints: [TransferEndpoint], _ ringTimeout: Duration) async throws -> TransferResult {
            let request = TransferRequest(destination: label, endpoints: endpoints, ringTimeout: ringTimeout,
                                          mode: mode, whisper: whisper, language: language)
            let result = try await session.transfer(request)
            await record(.transfer(destination: label, endpoints: endpoints, ringTimeout: ringTimeout, result: result))
            return result
        }
        switch destination {
        case .person(let id):
            guard let person = system.directory.person(id) else { throw StepFailure(reason: "no person '\(id)'") }
            return try await ringPerson(person, timeout: timeout, attempt: attempt)
        case .department(let id):
            guard let department = system.directory.department(id) else { throw StepFailure(reason: "no department '\(id)'") }
            let members = department.members.compactMap { system.directory.person($0.value) }
            guard !members.isEmpty else { throw StepFailure(reason: "department '\(id)' has no members") }
            switch strategy ?? department.strategy {
            case .simultaneous:
                return try await attempt(members.flatMap(endpoints(of:)), timeout)
            case .sequential:
                var remaining = timeout
                var sawNoAnswer = false
                for member in members where remaining > .zero {
                    let slice = min(department.memberTimeout, remaining)
                    let result = try await attempt(endpoints(of: member), slice)
                    if result == .answered { return .answered }
                    if result != .busy { sawNoAnswer = true }
                    remaining -= result == .noAnswer ? slice : .zero
                }
                return sawNoAnswer ? .noAnswer : .busy
            }
        case .external(let target):
            guard system.directory.allowsOutbound(target) else {
                throw StepFailure(reason: "'\(target)' is not an allowed outbound destination")
            }
            return try await attempt([.external(target)], timeout)
        case .unknownKind(let kind):
            throw StepFailure(reason: "'\(kind)/…' is not a kind of destination")
        }
    }

    /// Rings a person, honouring forwarding: always (instead), busy and no-answer (afterwards).
    private func ringPerson(_ person: Person, timeout: Duration,
                            attempt: (_ endpoints: [TransferEndpoint], _ timeout: Duration) async throws -> TransferResult) async throws -> TransferResult {
        if let always = person.forwarding.always?.value, system.directory.allowsOutbound(always) {
            return try await attempt([.external(always)], timeout)
        }
        let result = try await attempt(endpoints(of: person), timeout)
        let forward = result == .busy ? person.forwarding.busy : result == .noAnswer ? person.forwarding.noAnswer : nil
        if let forward = forward?.value, system.directory.allowsOutbound(forward) {
            return try await attempt([.external(forward)], timeout)
        }
        return result
    }

    /// A person's registered phones plus their allowed outside phones.
    func endpoints(of person: Person) -> [TransferEndpoint] {
        var result: [TransferEndpoint] = []
        if let user = person.sip?.username ?? person.extensionNumber?.value { result.append(.registered(user: user)) }
        result += person.phones.map(\.value).filter(system.directory.allowsOutbound).map { .external($0) }
        return result
    }
}

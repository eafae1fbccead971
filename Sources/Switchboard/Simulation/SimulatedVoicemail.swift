import Flows
import Foundation
import Media
import Storage
import Voicemail

/// The voicemail `switchboard simulate` and `switchboard test` run: the real
/// `VoicemailDeposit` and `VoicemailRetrieval` over a SQLite store in a temporary directory,
/// seeded with a scenario's mailboxes (PIN, limits, messages) and removed by `finish()`.
/// PINs are hashed with cheap scrypt parameters (a simulation guards nothing), and the
/// PIN guard is fresh for each call.
public final class SimulatedVoicemail: VoicemailSimulation {
    /// The temporary data directory.
    public let directory: URL
    /// The store the procedures use (tests read it after the call).
    public let store: SQLiteVoicemailStore
    private let outbound: Directory
    private let pinGuard = PINGuardKeeper()
    static let hasher = PINHasher(parameters: ScryptParameters(logN: 5))

    /// For `FlowScenarioRunner` and `switchboard simulate`.
    public static let factory: VoicemailSimulationFactory = { mailboxes, directory in
        try await SimulatedVoicemail(mailboxes: mailboxes, directory: directory)
    }

    /// Opens a store in a new temporary directory and seeds `mailboxes`; `directory` decides
    /// which numbers a call-back may ring.
    public init(mailboxes: [SimulatedMailbox], directory: Directory) async throws {
        let folder = Self.scratchRoot.appendingPathComponent("switchboard-simulation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.directory = folder
        outbound = directory
        do {
            store = try SwitchboardStores.open(dataDirectory: folder).voicemail
            for mailbox in mailboxes { try await seed(mailbox) }
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
    }

    /// Where the stores go: memory-backed `/dev/shm` when there is one (a simulation needs no
    /// durability, and its many syncs then cost nothing), else the temporary directory.
    static var scratchRoot: URL {
        let memory = "/dev/shm"
        return FileManager.default.isWritableFile(atPath: memory) ? URL(fileURLWithPath: memory)
            : FileManager.default.temporaryDirectory
    }

    private func seed(_ seed: SimulatedMailbox) async throws {
        var limits = MailboxLimits()
        if let value = seed.maxMessages { limits.maxMessages = value }
        if let value = seed.maxSeconds { limits.maxSeconds = value }
        if let value = seed.minSeconds { limits.minSeconds = value }
        try await store.createMailbox(Mailbox(number: seed.number, ownerName: seed.owner ?? seed.number, limits: limits))
        if let pin = seed.pin { try await store.setPIN(pin, for: seed.number, hasher: Self.hasher) }
        for message in seed.messages {
            let ticket = try await store.beginRecording(mailbox: seed.number, caller: VoicemailCaller(number: message.from),
                                                        calledNumber: seed.number, at: message.received ?? Date())
            try Self.writeSilence(to: ticket.audioFile, length: message.length)
            guard case .saved(let stored) = try await store.commitRecording(ticket, duration: message.length) else { continue }
            if message.saved { try await store.moveToSaved(stored.id) }
            if message.heard { try await store.markHeard(stored.id) }
        }
    }

    /// Writes `length` of 8 kHz silence as a WAV (a simulated caller's "speech").
    static func writeSilence(to file: URL, length: Duration) throws {
        let writer = try WAVWriter(path: file.path, sampleRate: SimulatedVoicemailPhone.sampleRate)
        try writer.write([Int16](repeating: 0, count: Int(max(0, length.milliseconds)) * SimulatedVoicemailPhone.sampleRate / 1000))
        writer.close()
    }

    public func deposit(_ request: VoicemailRequest, on session: SimulatedCallSession) async throws -> VoicemailResult {
        if (try? await store.mailbox(request.mailbox)) == nil,
           (try? await store.createMailbox(Mailbox(number: request.mailbox, ownerName: request.mailbox))) != nil {
            // A scenario need not list every mailbox its flows deposit into.
            await session.report(.voicemailActivity("mailbox \(request.mailbox) created for the simulation"))
        }
        let reporting = ReportingVoicemailStore(store, reportingTo: session)
        let deposit = VoicemailDeposit(store: reporting, phone: SimulatedVoicemailPhone(session: session, store: reporting,
                                                                                       language: request.language),
                                       mailbox: request.mailbox, caller: VoicemailStepSupport.caller(session.info),
                                       calledNumber: session.info.called, greeting: request.greeting,
                                       operatorAvailable: request.operatorAvailable)
        return VoicemailStepSupport.result(of: await deposit.run())
    }

    public func access(_ request: VoicemailAccessRequest, on session: SimulatedCallSession) async throws -> VoicemailAccessResult {
        let reporting = ReportingVoicemailStore(store, reportingTo: session)
        let retrieval = await VoicemailStepSupport.retrieval(
            request, info: session.info, store: reporting, files: store,
            phone: SimulatedVoicemailPhone(session: session, store: reporting, language: request.language),
            pinGuard: pinGuard, hasher: Self.hasher, directory: outbound,
            transfer: { transfer in
                let result = try await session.transfer(transfer)
                await session.report(.transfer(destination: transfer.destination, endpoints: transfer.endpoints,
                                               ringTimeout: transfer.ringTimeout, result: result))
                return result
            })
        return try await VoicemailStepSupport.access(
            retrieval, ended: { await session.report(.voicemailActivity("retrieval ended: \($0)")) },
            failed: { await session.report(.voicemailActivity("retrieval failed: \($0)")) })
    }

    public func mailboxStates() async -> [String: SimulatedMailboxState] {
        var states: [String: SimulatedMailboxState] = [:]
        for mailbox in (try? await store.mailboxes()) ?? [] {
            guard let counts = try? await store.counts(for: mailbox.number) else { continue }
            states[mailbox.number] = SimulatedMailboxState(new: counts.new, saved: counts.saved, unheard: counts.unheard,
                                                           hasGreeting: mailbox.greetingPath != nil)
        }
        return states
    }

    public func pinOpens(_ pin: String, mailbox: String) async -> Bool {
        (try? await store.verifyPIN(pin, for: mailbox, hasher: Self.hasher)) ?? false
    }

    public func finish() async {
        try? FileManager.default.removeItem(at: directory)
    }
}

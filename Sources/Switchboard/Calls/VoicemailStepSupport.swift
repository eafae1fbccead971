import Flows
import Foundation
import Storage
import Voicemail

/// What the live call and the simulator share around the voicemail procedures, so both
/// behave alike (docs/voicemail.md).
enum VoicemailStepSupport {
    /// The `voicemail` step's result for a deposit's outcome.
    static func result(of outcome: VoicemailDeposit.Outcome) -> VoicemailResult {
        switch outcome {
        case .saved: .recorded
        case .noMessage, .mailboxFull: .noMessage
        case .operatorRequested: .operatorRequested
        case .failed: .failed
        }
    }

    /// The caller as the deposit records them (nil when withheld).
    static func caller(_ info: CallInfo) -> VoicemailCaller {
        VoicemailCaller(number: info.caller == "anonymous" || info.caller.isEmpty ? nil : info.caller)
    }

    /// A `voicemail-access` session for this call, the same for the live call and the
    /// simulator: the mailbox (the step's, or the caller's own), the caller as the PIN
    /// guard's source, call-back through `transfer` when the step allows it, greetings beside
    /// the messages. What differs comes in: the store, the phone, the guard and the hasher;
    /// `files` is the store that keeps the audio files (`store` itself, or the one a wrapper
    /// such as the simulator's reporting store forwards to).
    static func retrieval(_ request: VoicemailAccessRequest, info: CallInfo, store: any VoicemailStore, files: any VoicemailStore,
                          phone: any VoicemailPhone, pinGuard: PINGuardKeeper, hasher: PINHasher = .standard, directory: Directory,
                          transfer: @escaping @Sendable (TransferRequest) async throws -> TransferResult,
                          log: @escaping @Sendable (String) -> Void = { _ in }) async -> VoicemailRetrieval {
        VoicemailRetrieval(
            store: store, phone: phone, pinGuard: pinGuard,
            mailbox: await mailbox(for: request, caller: info.caller, in: store), source: caller(info).number,
            hasher: hasher, allowsCallBack: request.callBack,
            placeCallBack: { number in
                try await callBack(number, directory: directory, language: request.language, transfer: transfer)
            },
            greetingsDirectory: greetingsDirectory(of: files), log: log)
    }

    /// The mailbox a `voicemail-access` session logs into: the step's; else the caller's own
    /// when their user part names a mailbox (a registered phone dialling in; the PIN is still
    /// asked); else nil, and the caller is asked.
    static func mailbox(for request: VoicemailAccessRequest, caller: String, in store: any VoicemailStore) async -> String? {
        if let mailbox = request.mailbox { return mailbox }
        guard (try? Mailbox.validate(number: caller)) != nil, (try? await store.mailbox(caller)) != nil else { return nil }
        return caller
    }

    /// Where greetings recorded by phone are kept (`voicemail/.greetings/`).
    static func greetingsDirectory(of store: any VoicemailStore) -> URL? {
        (store as? SQLiteVoicemailStore)?.audioDirectory.appendingPathComponent(".greetings")
    }

    /// Runs a `voicemail-access` session: a hang-up ends the call (`callerHungUp`), any other
    /// failure takes the step's failure path after `failed` is told why.
    static func access(_ retrieval: VoicemailRetrieval, ended: (VoicemailRetrieval.Outcome) async -> Void,
                       failed: (any Error) async -> Void) async throws -> VoicemailAccessResult {
        do {
            await ended(try await retrieval.run())
            return .completed
        } catch VoicemailPhoneError.hungUp {
            throw CallSessionError.callerHungUp
        } catch CallSessionError.callerHungUp {
            throw CallSessionError.callerHungUp
        } catch {
            await failed(error)
            return .failed
        }
    }

    /// Runs a phone primitive over a call session, with the session's errors as the phone's:
    /// a hang-up, a missing prompt (the live and the simulated `VoicemailPhone`).
    static func asPhoneErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch CallSessionError.callerHungUp {
            throw VoicemailPhoneError.hungUp
        } catch CallSessionError.promptUnavailable(let name) {
            throw VoicemailPhoneError.promptUnavailable(name)
        }
    }

    /// How long a call-back rings.
    static let callBackRingTimeout: Duration = .seconds(30)

    /// Places a call-back (`3 2` with the step's `call-back: true`) through `transfer` — the
    /// session's bridged transfer — to the message's caller, only when the directory allows
    /// the number: a person's or department's extension rings their phones, anything else must
    /// match the outbound patterns (the check REFER and click-to-call use; no free calls).
    static func callBack(_ number: String, directory: Directory, language: String,
                         transfer: (TransferRequest) async throws -> TransferResult) async throws
        -> VoicemailRetrieval.CallBackAttempt {
        guard let endpoints = directory.endpoints(forUser: number, target: number), !endpoints.isEmpty else {
            return .notAllowed
        }
        let request = TransferRequest(destination: "call-back/\(number)", endpoints: endpoints,
                                      ringTimeout: callBackRingTimeout, mode: .bridged, language: language)
        return try await transfer(request) == .answered ? .connected : .unanswered
    }
}

extension Directory {
    /// The endpoints a transfer target names, if the directory allows calling it: a person's
    /// or department's extension or SIP user name (`user`) rings their registered phones; any
    /// other `target` must match the outbound patterns. Nil: refuse (no free calls through
    /// Switchboard). Used for REFER targets and voicemail call-backs.
    func endpoints(forUser user: String?, target: String) -> [TransferEndpoint]? {
        if let user {
            if let person = people.first(where: { $0.extensionNumber?.value == user || $0.sip?.username == user }) {
                return [.registered(user: person.sip?.username ?? person.id)]
            }
            if let department = departments.first(where: { $0.extensionNumber?.value == user }) {
                let members = department.members.compactMap { member in people.first { $0.id == member.value } }
                return members.map { .registered(user: $0.sip?.username ?? $0.id) }
            }
        }
        return allowsOutbound(target) ? [.external(target)] : nil
    }
}

extension DigitRequest {
    /// The flow's key collection for a voicemail procedure's `KeyRequest`.
    init(_ request: KeyRequest) {
        self.init(maxDigits: request.maxDigits, terminator: request.terminator,
                  firstDigitTimeout: request.firstTimeout, interDigitTimeout: request.interDigitTimeout)
    }
}

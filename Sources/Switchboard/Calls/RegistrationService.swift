import Foundation
import Logging
import NIOCore
import SIPCore
import SIPMessage
import SIPTransaction
import SIPTransport

/// REGISTER for `serve` (RFC 3261 §10.3 with RFC 8760 digest): the people of
/// `flows/directory.yaml` register their phones; each REGISTER is challenged (`401`),
/// verified against the stored HA1, then handed to the `Registrar`, whose bindings the
/// location store keeps. A source that keeps failing is refused with `403` before any
/// hashing, so a storm of wrong credentials costs little and does not slow others.
///
/// Confined to the SIP server's event loop; the location store is async, so the registrar
/// runs in a task and its response comes back on the loop.
final class RegistrationService {
    let store: any LocationStore
    private let environment: CallEnvironment
    private let secret = DigestChallenger.randomSecret()
    private var challenger: DigestChallenger?
    private var throttle = FailureThrottle()
    /// Counters; read on the event loop.
    private(set) var stats = RegistrationStats()

    init(environment: CallEnvironment, store: any LocationStore) {
        self.environment = environment
        self.store = store
    }

    /// The wall clock as the registrar counts it (bindings survive restarts).
    static func wallClock() -> SIPInstant {
        SIPInstant(nanoseconds: Int64(Date().timeIntervalSince1970 * 1_000_000_000))
    }

    func handle(_ request: SIPMessage, transaction: ServerTransactionID, from peer: SIPPeer, server: SIPServer) {
        let now = Self.wallClock()
        let credentials = DirectoryCredentials(environment.flows.directory)
        guard let realm = credentials.realm else {
            // Nobody has SIP credentials: nothing may register (§10.3 step 5).
            return server.respond(SIPMessage.response(to: request, status: 404, reason: "Not Found", toTag: server.makeTag()), to: transaction)
        }
        guard let identity = authenticate(request, transaction: transaction, from: peer, server: server,
                                          credentials: credentials, realm: realm) else { return }
        let registrar = Registrar(configuration: configuration(server: server, realm: realm), users: credentials, store: store)
        let context = RegisterContext(source: server.flow(for: peer), authenticatedUser: identity.username)
        let loop = server.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        Task {
            let outcome = await registrar.handle(request, context: context, now: now)
            loop.execute {
                bound.value.stats.answered[outcome.status, default: 0] += 1
                server.logger.debug("REGISTER from \(peer) as \(identity.username): \(outcome.status)")
                server.respond(outcome.response, to: transaction)
            }
        }
    }

    /// Checks the digest credentials of `request` against the directory's people (RFC 8760,
    /// RFC 3261 §22.3): the identity when they are valid; otherwise the request has been
    /// answered (`401` challenge, possibly `stale=true`; `403`; `400`) and nil comes back.
    /// REGISTER always goes through here; other methods when `serve` marks them protected.
    func authenticate(_ request: SIPMessage, transaction: ServerTransactionID, from peer: SIPPeer,
                      server: SIPServer) -> DigestIdentity? {
        let credentials = DirectoryCredentials(environment.flows.directory)
        guard let realm = credentials.realm else {
            server.respond(SIPMessage.response(to: request, status: 403, reason: "Forbidden", toTag: server.makeTag()), to: transaction)
            return nil
        }
        return authenticate(request, transaction: transaction, from: peer, server: server, credentials: credentials, realm: realm)
    }

    /// `authenticate` with the directory's credentials already read (REGISTER reads them once).
    private func authenticate(_ request: SIPMessage, transaction: ServerTransactionID, from peer: SIPPeer, server: SIPServer,
                              credentials: DirectoryCredentials, realm: String) -> DigestIdentity? {
        let now = Self.wallClock()
        if throttle.isBlocked(peer.host, now: now) {
            stats.throttled += 1
            server.respond(SIPMessage.response(to: request, status: 403, reason: "Forbidden", toTag: server.makeTag()), to: transaction)
            return nil
        }
        var challenger = currentChallenger(realm: realm, algorithms: credentials.algorithms, now: now)
        let verification = challenger.verify(request, store: credentials, now: now)
        let refusal = challenger.response(for: verification, to: request, now: now, toTag: server.makeTag())
        self.challenger = challenger
        guard case .authorized(let identity) = verification else {
            if case .forbidden = verification { throttle.failed(peer.host, now: now) }
            if case .badRequest = verification { throttle.failed(peer.host, now: now) }
            stats.refused[refusal?.statusCode ?? 0, default: 0] += 1
            server.logger.debug("\(request.method?.name ?? "?") from \(peer): \(refusal?.statusCode ?? 0) (\(verification))")
            if let refusal { server.respond(refusal, to: transaction) }
            return nil
        }
        return identity
    }

    /// The challenger for the directory's realm and algorithms, made anew when a reload
    /// changed them (its nonces then turn stale and phones retry).
    private func currentChallenger(realm: String, algorithms: [DigestAlgorithm], now: SIPInstant) -> DigestChallenger {
        if let challenger, challenger.configuration.realm == realm, challenger.configuration.algorithms == algorithms {
            return challenger
        }
        return DigestChallenger(configuration: DigestChallengerConfiguration(realm: realm, algorithms: algorithms),
                                secret: secret, now: now)
    }

    /// Served domains: the realm, `localhost`, and the addresses we listen on (a phone may
    /// register to `sip:192.0.2.1`).
    private func configuration(server: SIPServer, realm: String) -> RegistrarConfiguration {
        var domains: Set<String> = [realm, "localhost"]
        for listener in server.listeners {
            if let host = listener.address.ipAddress, host != "0.0.0.0", host != "::" {
                domains.insert(host.contains(":") ? "[\(host)]" : host)
            }
        }
        return RegistrarConfiguration(domains: domains)
    }

    /// The live contacts of a person (for transfers), highest q first.
    func contacts(ofUser user: String) async -> [LocationBinding] {
        await Self.contacts(ofUser: user, in: store)
    }

    /// The live contacts of `user` in `store`, highest q first.
    static func contacts(ofUser user: String, in store: any LocationStore) async -> [LocationBinding] {
        let now = wallClock()
        let all = (try? await store.allBindings(at: now)) ?? []
        return all.filter { $0.aor.user == user }.sorted(by: LocationBinding.lookupOrder)
    }
}

/// REGISTER counters.
struct RegistrationStats: Sendable {
    /// Final responses from the registrar, by status.
    var answered: [Int: Int] = [:]
    /// Challenges and refusals of the digest layer, by status.
    var refused: [Int: Int] = [:]
    /// Requests refused because their source failed too often.
    var throttled = 0
}

/// Failed authentications per source host in a sliding minute; a source past the limit is
/// refused at once until its failures age out.
struct FailureThrottle: Sendable {
    var limit = 20
    var window: Duration = .seconds(60)
    private var failures: [String: [SIPInstant]] = [:]

    func isBlocked(_ host: String, now: SIPInstant) -> Bool {
        guard let times = failures[host] else { return false }
        return times.filter { $0 + window > now }.count >= limit
    }

    mutating func failed(_ host: String, now: SIPInstant) {
        var times = (failures[host] ?? []).filter { $0 + window > now }
        times.append(now)
        failures[host] = Array(times.suffix(limit))
        if failures.count > 10_000 { failures = failures.filter { $0.value.contains { $0 + window > now } } }
    }
}

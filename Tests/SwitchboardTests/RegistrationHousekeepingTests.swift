import Foundation
import SIPCore
import SIPMessage
import SIPTransaction
import Testing
@testable import Switchboard

/// The registrar's housekeeping in serve: expired bindings are removed, and a source that
/// keeps failing digest checks is refused before any hashing.
@Suite("Registration housekeeping")
struct RegistrationHousekeepingTests {
    @Test("purgeExpiredRegistrations removes expired bindings and keeps live ones")
    func purge() async throws {
        try await withCallServer { server, _ in
            let store = try #require(server.router.registrations?.store)
            let now = RegistrationService.wallClock()
            for (user, expires) in [("alice", now + .seconds(3600)), ("bob", now + .seconds(-5))] {
                let binding = LocationBinding(aor: AddressOfRecord(user: user, domain: "switchboard.test"),
                                              contact: try URI("sip:\(user)@127.0.0.1:5999"), expiresAt: expires,
                                              callID: user, cseq: 1, updatedAt: now,
                                              source: TransportFlow(transport: .udp, host: "127.0.0.1", port: 5999))
                try await store.update(binding.aor) { $0 = [binding] }
            }
            #expect(await server.layer.purgeExpiredRegistrations() == 1)
            #expect(await server.layer.isRegistered(user: "alice"))
            #expect(try await store.allBindings(at: SIPInstant(nanoseconds: 0)).map(\.aor.user) == ["alice"])
        }
    }

    @Test("FailureThrottle: the limit's worth of failures in the window blocks a source; others and later attempts pass")
    func throttle() {
        var throttle = FailureThrottle()
        throttle.limit = 3
        let start = SIPInstant(nanoseconds: 1_000_000_000_000)
        for index in 0..<3 {
            #expect(!throttle.isBlocked("192.0.2.1", now: start + .seconds(index)))
            throttle.failed("192.0.2.1", now: start + .seconds(index))
        }
        #expect(throttle.isBlocked("192.0.2.1", now: start + .seconds(3)))
        #expect(!throttle.isBlocked("192.0.2.2", now: start + .seconds(3)))
        // The window is a minute: the first failure ages out and the source may try again.
        #expect(!throttle.isBlocked("192.0.2.1", now: start + .seconds(61)))
    }
}

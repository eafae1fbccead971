import Flows
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import WebDirectory

/// A small system with hostile names, a pinned clock and a fixed live state.
enum WebFixtures {
    static let directory = #"""
    schedules:
      office:
        time-zone: Europe/Berlin
        weekly: { mon-fri: "09:00-17:00" }
      late:
        time-zone: Europe/Berlin
        weekly: { mon-fri: "20:00-22:00" }
    departments:
      sales: { name: Sales, extension: "401", members: [alice, bob] }
      support: { name: "Support & <Service>", extension: "402", members: [carol] }
      night: { name: Night Desk, extension: "403", members: [eve] }
      lobby: { name: Lobby }
    people:
      alice: { name: Alice Archer, extension: "301" }
      bob: { name: Bob Baker, extension: "302" }
      carol: { name: "Carol <script>alert('x')</script> \"Chen\"", extension: "303" }
      eve: { name: Éve Ünal, extension: "304" }
    outbound:
      allowed: ["+4930XXXX."]
    """#

    static let main = """
    flow: main
    numbers: ["100"]
    start: hours
    steps:
      hours:
        branch:
          - if: { open: office }
            goto: menu
          - if: { open: late }
            goto: night
          - goto: closed
      menu:
        menu:
          prompt: main-menu
          options: { "1": sales, "2": support }
      sales: { transfer: { to: department/sales } }
      support: { transfer: { to: department/support } }
      night: { transfer: { to: department/night } }
      closed: { hangup: {} }
    """

    /// Loads `flows` (file name → text) with `directory`; any loader diagnostic fails the test.
    static func system(flows: [String: String] = ["main.yaml": main], directory: String = directory) -> FlowSystem {
        var sources = flows.sorted { $0.key < $1.key }.map { (file: $0.key, text: $0.value) }
        sources.append((file: "directory.yaml", text: directory))
        let (system, diagnostics) = FlowSystemLoader().load(sources: sources)
        #expect(diagnostics.filter { $0.severity == .error }.map(\.description) == [])
        return system
    }

    /// Monday 2026-11-30 10:00 in Berlin (09:00 UTC): office open, late closed.
    static let mondayMorning = Date(timeIntervalSince1970: 1_796_029_200)

    static func configuration(graphviz: GraphvizSVG? = GraphvizSVG(), clickToCall: ClickToCallConfiguration? = nil,
                              clock: @escaping @Sendable () -> Date = { mondayMorning }) -> WebConfiguration {
        WebConfiguration(siteName: "Example & Co", sipDomain: "example.com", graphviz: graphviz, clock: clock, clickToCall: clickToCall)
    }

    static func site(liveState: any DirectoryLiveState = StaticLiveState(reachable: ["alice"], sipListenersUp: true),
                     graphviz: GraphvizSVG? = GraphvizSVG(), clickToCall: ClickToCallConfiguration? = nil,
                     clock: @escaping @Sendable () -> Date = { mondayMorning }) -> DirectorySite {
        DirectorySite(system: system(), liveState: liveState,
                      configuration: configuration(graphviz: graphviz, clickToCall: clickToCall, clock: clock))
    }

    /// Runs `test` against the site's router (no sockets).
    static func withClient(_ site: DirectorySite, _ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await Application(router: site.makeRouter()).test(.router, test)
    }
}

extension TestResponse {
    /// The body as text.
    var text: String { String(buffer: body) }
}

import Flows
import Foundation
import Testing
import WebDirectory

@Suite("Department hours, listing, addresses")
struct WebModelTests {
    @Test("Hours come from the open: branches in front of each department's transfer")
    func hoursFromFlows() {
        let hours = DepartmentHours(system: WebFixtures.system())
        #expect(hours.schedules == ["sales": "office", "support": "office", "night": "late"])
    }

    @Test("A department reached without a schedule, or behind closed:, has none; overrides win; sub-flows and dial-extensions count")
    func hoursMixed() {
        let direct = """
        flow: direct
        numbers: ["200"]
        start: ring
        steps:
          ring: { transfer: { to: department/support } }
        """
        let afterHours = """
        flow: after
        numbers: ["300"]
        start: check
        steps:
          check:
            branch:
              - if: { closed: office }
                goto: night
              - goto: done
          night: { transfer: { to: department/night } }
          done: { hangup: {} }
        """
        let system = WebFixtures.system(flows: ["main.yaml": WebFixtures.main, "direct.yaml": direct, "after.yaml": afterHours])
        let hours = DepartmentHours(system: system, overrides: ["lobby": "office"])
        #expect(hours.schedules == ["sales": "office", "lobby": "office"])

        let outer = """
        flow: outer
        numbers: ["500"]
        start: gate
        steps:
          gate:
            branch:
              - if: { open: late }
                goto: inner
              - goto: bye
          inner:
            call: { flow: keys }
            next: bye
          bye: { hangup: {} }
        """
        let keys = """
        flow: keys
        start: pick
        steps:
          pick:
            menu:
              prompt: main-menu
              options: { "1": back }
              dial-extensions: true
          back: { return: {} }
        """
        let viaSubFlow = DepartmentHours(system: WebFixtures.system(flows: ["outer.yaml": outer, "keys.yaml": keys]))
        #expect(viaSubFlow.schedules == ["sales": "late", "support": "late", "night": "late"])
    }

    @Test("The listing: member names, departments of people, hours state, unknown reachability")
    func listing() {
        let site = WebFixtures.site()
        let listing = site.snapshot()
        #expect(listing.departments.map(\.name) == ["Sales", "Support & <Service>", "Night Desk", "Lobby"])
        #expect(listing.departments[0].members == ["Alice Archer", "Bob Baker"])
        #expect(listing.departments.map(\.isOpen) == [true, true, false, nil])
        #expect(listing.people.map(\.departments) == [["Sales"], ["Sales"], ["Support & <Service>"], ["Night Desk"]])
        #expect(listing.people.allSatisfy { $0.isReachable == nil })
    }

    @Test("The live listing asks the live state who is reachable")
    func liveListing() async {
        let listing = await WebFixtures.site(liveState: StaticLiveState(reachable: ["bob", "eve"])).listing()
        #expect(listing.people.map(\.isReachable) == [false, true, false, true])
    }

    @Test("A live state from closures answers through them")
    func closureLiveState() async {
        let state = ClosureLiveState(isReachable: { $0 == "bob" }, sipListenersUp: { true },
                                     metrics: { LiveMetrics(activeCalls: 7) })
        #expect(await state.isReachable(person: "bob"))
        #expect(!(await state.isReachable(person: "alice")))
        #expect(await state.sipListenersUp)
        #expect(await state.metrics().activeCalls == 7)
    }

    @Test("Search folds case and accents the way the page script does")
    func folding() {
        #expect(DirectoryListing.fold("Éve ÜNAL") == "eve unal")
        #expect(DirectoryListing.fold("Zoë-Ångström") == "zoe-angstrom")
        let listing = WebFixtures.site().snapshot()
        #expect(listing.filtered(by: "  ÉVE ").people.map(\.id) == ["eve"])
        #expect(listing.filtered(by: "   ") == listing)
    }

    @Test("HTTP listen addresses")
    func addresses() throws {
        #expect(try WebListenAddress(parsing: "127.0.0.1:8080") == WebListenAddress(host: "127.0.0.1", port: 8080))
        #expect(try WebListenAddress(parsing: "[::1]:0") == WebListenAddress(host: "::1", port: 0))
        #expect(try WebListenAddress(parsing: "[::1]:0").description == "[::1]:0")
        for bad in ["8080", ":80", "host:", "host:65536", "host:x", "[::1]", "[::1:80"] {
            #expect(throws: WebAddressError.self, "\(bad)") { try WebListenAddress(parsing: bad) }
        }
    }
}

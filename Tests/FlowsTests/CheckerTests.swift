import Testing
@testable import Flows

@Suite("Checker: each class of error, at its line and column")
struct CheckerTests {
    @Test("Dangling step names, with a did-you-mean hint")
    func danglingStep() {
        let flow = """
        flow: main
        numbers: ["100"]
        steps:
          menu:
            menu:
              prompt: p
              options: { "1": sales, "2": suport }
          sales: { hangup: }
          support: { hangup: }
        """
        let diagnostics = FlowFixtures.diagnostics(["main.yaml": flow])
        #expect(diagnostics.at(.danglingStep) == ["7:35"])
        #expect(diagnostics.first { $0.kind == .danglingStep }?.hint == "did you mean 'support'?")
    }

    @Test("Dangling department, person, mailbox, schedule and sub-flow names")
    func danglingDirectoryNames() {
        let flow = """
        flow: main
        numbers: ["100"]
        steps:
          hours:
            branch:
              - if: { open: offic }
                goto: a
              - goto: b
          a: { transfer: { to: department/sale }, next: b }
          b: { transfer: { to: person/alicia }, next: c }
          c: { call: helper, next: d }
          d: { voicemail: { mailbox: nobody } }
        """
        let diagnostics = FlowFixtures.diagnostics(["main.yaml": flow])
        #expect(diagnostics.at(.danglingSchedule) == ["6:21"])
        #expect(diagnostics.at(.danglingDepartment) == ["9:24"])
        #expect(diagnostics.at(.danglingPerson) == ["10:24"])
        #expect(diagnostics.at(.danglingFlow) == ["11:14"])
        #expect(diagnostics.at(.danglingMailbox) == ["12:30"])
        #expect(diagnostics.first { $0.kind == .danglingDepartment }?.hint == "did you mean 'sales'?")
    }

    @Test("Department members must be people")
    func danglingMember() {
        let directory = """
        departments:
          sales: { extension: "401", members: [alice, zed] }
        people:
          alice: { extension: "301" }
        """
        #expect(FlowFixtures.diagnostics([:], directory: directory).at(.danglingPerson) == ["2:47"])
    }

    @Test("Sub-flow arguments must be declared parameters")
    func badParameter() {
        let main = "flow: main\nnumbers: [\"100\"]\nsteps:\n  a: { call: { flow: helper, with: { colour: red } } }\n"
        let helper = "flow: helper\nparams: [color]\nsteps:\n  r: { return: }\n"
        let diagnostics = FlowFixtures.diagnostics(["main.yaml": main, "helper.yaml": helper])
        #expect(diagnostics.at(.badParameter) == ["4:22"])
    }

    @Test("Unreachable steps")
    func unreachable() {
        let flow = "flow: main\nnumbers: [\"100\"]\nsteps:\n  a: { hangup: }\n  orphan: { play: x, next: a }\n"
        #expect(FlowFixtures.diagnostics(["main.yaml": flow]).at(.unreachableStep) == ["5:3"])
    }

    @Test("Loops that never wait for the caller; a loop through a menu is fine")
    func loops() {
        let flow = """
        flow: main
        numbers: ["100"]
        steps:
          a: { play: x, next: b }
          b: { set: { n: "1" }, next: c }
          c: { goto: a }
          m:
            menu: { prompt: p, options: { "1": m2 } }
          m2: { play: y, next: m }
        """
        let diagnostics = FlowFixtures.diagnostics(["main.yaml": flow])
        #expect(diagnostics.at(.loopWithoutInput) == ["4:3"])
        #expect(diagnostics.first { $0.kind == .loopWithoutInput }?.message.contains("a → b → c → a") == true)
    }

    @Test("Missing and undecodable prompts, at the prompt's name")
    func prompts() {
        let flow = "flow: main\nnumbers: [\"100\"]\nsteps:\n  a: { play: [hello, broken, gone], next: d }\n  d: { directory: {} }\n"
        let catalog = StubPromptCatalog(known: Set(["hello", "broken"] + BuiltInPrompts.all), undecodable: ["broken"])
        let diagnostics = FlowFixtures.diagnostics(["main.yaml": flow], prompts: catalog)
        #expect(diagnostics.at(.missingPrompt) == ["4:30"])
        #expect(diagnostics.at(.undecodablePrompt) == ["4:22"])
        let withoutDefaults = FlowFixtures.diagnostics(["main.yaml": flow], prompts: StubPromptCatalog(known: ["hello", "gone", "broken"]))
        // The directory step's default prompt is reported at the step; missing built-ins as one warning.
        #expect(withoutDefaults.filter { $0.severity == .error }.at(.missingPrompt) == ["5:3"])
        #expect(withoutDefaults.contains { $0.kind == .missingPrompt && $0.severity == .warning })
    }

    @Test("Duplicate extensions and numbers, across flows, people and departments")
    func duplicateNumbers() {
        let directory = """
        departments:
          sales: { extension: "301", members: [alice] }
        people:
          alice: { extension: "301" }
          bob: { extension: "100" }
        """
        let flow = "flow: main\nnumbers: [\"100\"]\nsteps:\n  a: { hangup: }\n"
        let diagnostics = FlowFixtures.diagnostics(["main.yaml": flow], directory: directory)
        #expect(diagnostics.at(.duplicateExtension) == ["4:23", "5:21"])
    }

    @Test("Schedule errors: bad times, bad days, bad dates, unknown time zones")
    func scheduleErrors() {
        let directory = """
        schedules:
          office:
            time-zone: Europe/Berln
            weekly:
              mon-fri: "09:00-25:00"
              funday: "09:00-10:00"
              sat: "12:00-11:00"
            holidays: ["2026-02-30"]
        """
        let diagnostics = FlowFixtures.diagnostics([:], directory: directory)
        #expect(diagnostics.at(.scheduleError) == ["3:16", "5:16", "6:7", "7:12", "8:16"])
        #expect(diagnostics.first { $0.location.line == 3 }?.hint == "did you mean 'Europe/Berlin'?")
    }

    @Test("Toll-fraud guard: outside destinations must match the allowed patterns")
    func outbound() {
        let flow = """
        flow: main
        numbers: ["100"]
        steps:
          a: { transfer: { to: "+4930123456" }, next: b }
          b: { transfer: { to: "+900123456" }, next: c }
          c: { transfer: { to: "sip:anyone@elsewhere.example" } }
        """
        let directory = FlowFixtures.directory.replacingOccurrences(of: "forwarding: { busy: \"+4930999888\" }",
                                                                   with: "forwarding: { busy: \"+881234\" }")
        let diagnostics = FlowFixtures.diagnostics(["main.yaml": flow], directory: directory)
        #expect(diagnostics.filter { $0.location.file == "main.yaml" }.at(.outboundNotAllowed) == ["5:24", "6:24"])
        #expect(diagnostics.filter { $0.location.file == "directory.yaml" }.at(.outboundNotAllowed) == ["12:84"])
    }

    @Test("Menu keys that collide with extensions the menu lets callers dial")
    func menuCollision() {
        let flow = """
        flow: main
        numbers: ["100"]
        steps:
          m:
            menu:
              prompt: p
              dial-extensions: true
              options: { "1": m, "3": m, "40": m }
        """
        let diagnostics = FlowFixtures.diagnostics(["main.yaml": flow])
        #expect(diagnostics.at(.menuKeyCollidesWithExtension) == ["8:26", "8:34"])
        let without = FlowFixtures.diagnostics(["main.yaml": flow.replacingOccurrences(of: "dial-extensions: true", with: "dial-extensions: false")])
        #expect(without.at(.menuKeyCollidesWithExtension).isEmpty)
    }

    @Test("A clean system has no findings")
    func clean() {
        let flow = """
        flow: main
        numbers: ["100"]
        steps:
          hours:
            branch:
              - if: { open: office }
                goto: menu
              - goto: closed
          menu:
            menu: { prompt: p, options: { "1": sales, "2": support }, on-failure: closed }
          sales: { transfer: { to: department/sales, on-no-answer: closed } }
          support: { transfer: { to: "+4930123456" } }
          closed: { voicemail: sales }
        """
        #expect(FlowFixtures.diagnostics(["main.yaml": flow]).isEmpty)
    }
}

import Foundation
import Testing
@testable import Flows

@Suite("Loading flow files: every problem at its line and column")
struct LoaderTests {
    @Test("A YAML syntax error names the file, line and column")
    func syntaxError() {
        let diagnostics = FlowFixtures.diagnostics(["main.yaml": "flow: main\nsteps:\n  a:\n    play: [x\n"])
        let syntax = diagnostics.filter { $0.kind == .syntax }
        #expect(syntax.count == 1)
        #expect(syntax.first?.location.file == "main.yaml")
        #expect(syntax.first?.location.line == 5)
        #expect(syntax.first?.description.hasPrefix("main.yaml:5:") == true)
    }

    @Test("An unknown key is reported at the key with a did-you-mean hint")
    func unknownKey() {
        let flow = """
        flow: main
        steps:
          menu:
            menu:
              prompt: hello
              timout: 5s
              options: { "1": menu }
        """
        let diagnostics = FlowFixtures.diagnostics(["main.yaml": flow])
        let unknown = diagnostics.filter { $0.kind == .unknownKey }
        #expect(unknown.map { "\($0.location.line):\($0.location.column)" } == ["6:7"])
        #expect(unknown.first?.hint == "did you mean 'timeout'?")
        #expect(unknown.first?.description.contains("main.yaml:6:7: error: unknown key 'timout'") == true)
    }

    @Test("Unknown top-level and step keys are found too")
    func unknownKeysEverywhere() {
        let flow = """
        flow: main
        strat: a
        steps:
          a:
            play: hi
            nxt: a
        """
        let diagnostics = FlowFixtures.diagnostics(["main.yaml": flow])
        #expect(diagnostics.at(.unknownKey) == ["2:1", "6:5"])
        #expect(diagnostics.first { $0.location.line == 2 }?.hint == "did you mean 'start'?")
    }

    @Test("Bad values: durations, numbers, booleans, two actions in one step")
    func badValues() {
        let flow = """
        flow: main
        steps:
          m:
            menu:
              prompt: p
              timeout: soon
              attempts: 99
              barge-in: maybe
              options: { "1": m, "x": m }
          two:
            play: a
            hangup:
        """
        let diagnostics = FlowFixtures.diagnostics(["main.yaml": flow])
        #expect(diagnostics.at(.badValue) == ["6:16", "7:17", "8:17", "9:26", "12:5"])
    }

    @Test("A YAML bomb (aliases multiplying each other) is refused with a message")
    func yamlBomb() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...8 {
            let previous = "*a\(level - 1)"
            text += "a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]\n"
        }
        let result = YAMLLoader().parse(data: Data(text.utf8), file: "bomb.yaml")
        guard case .failure(let diagnostic) = result else {
            Issue.record("a YAML bomb was accepted")
            return
        }
        #expect(diagnostic.kind == .aliasBomb)
        #expect(diagnostic.message.contains("alias expansion"))
    }

    @Test("Modest use of anchors and aliases is fine")
    func aliasesWithinBudget() {
        let text = "base: &b { timeout: 5s }\nother: *b\n"
        guard case .success(let node) = YAMLLoader().parse(data: Data(text.utf8), file: "ok.yaml") else {
            Issue.record("rejected a small alias")
            return
        }
        #expect(node["other"]?["timeout"]?.scalar == "5s")
    }

    @Test("A file over 1 MiB is refused before parsing")
    func hugeFile() throws {
        let path = NSTemporaryDirectory() + "huge-\(UUID().uuidString).yaml"
        let line = "# " + String(repeating: "x", count: 1022) + "\n"
        try String(repeating: line, count: 1100).write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard case .failure(let diagnostic) = YAMLLoader().load(path: path) else {
            Issue.record("a huge file was accepted")
            return
        }
        #expect(diagnostic.kind == .fileTooLarge)
        #expect(diagnostic.location.line == 1)
    }

    @Test("Duplicate keys in one mapping are an error, not a silent overwrite")
    func duplicateKeys() {
        let diagnostics = FlowFixtures.diagnostics(["main.yaml": "flow: main\nsteps:\n  a: { hangup: }\n  a: { hangup: }\n"])
        #expect(diagnostics.contains { $0.kind == .syntax && $0.message.contains("duplicate") })
    }

    @Test("A plain SIP password in the directory is refused; HA1 must be an MD5 digest")
    func credentials() {
        let directory = """
        people:
          alice:
            extension: "301"
            sip: { realm: example.com, password: secret }
          bob:
            extension: "302"
            sip: { realm: example.com, ha1: not-a-hash }
        """
        let diagnostics = FlowFixtures.diagnostics([:], directory: directory)
        #expect(diagnostics.at(.badValue) == ["4:32", "7:37"])
        #expect(diagnostics.first { $0.location.line == 4 }?.message.contains("password") == true)
    }

    @Test("A flow's steps keep their order and their kinds")
    func model() throws {
        let flow = """
        flow: main
        numbers: ["100"]
        steps:
          hello: { play: [welcome, menu-intro], next: pick }
          pick:
            collect: { into: account, min-digits: 4, max-digits: 6, terminator: "*", pattern: "[0-9]+" }
          done: { hangup: }
        """
        let (system, diagnostics) = FlowFixtures.load(["main.yaml": flow])
        #expect(diagnostics.isEmpty)
        let main = try #require(system.flow(named: "main"))
        #expect(main.steps.map(\.name) == ["hello", "pick", "done"])
        #expect(main.start.value == "hello")
        guard case .collect(let collect) = main.steps[1].action else {
            Issue.record("not a collect step")
            return
        }
        #expect(collect.minDigits == 4 && collect.maxDigits == 6 && collect.terminator == "*")
    }
}

@Suite("Hostile input never crashes the loader")
struct HostileInputTests {
    @Test("Brackets nested a hundred thousand deep are refused, not a stack overflow")
    func deepNesting() {
        let text = "a: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"
        guard case .failure(let diagnostic) = YAMLLoader().parse(data: Data(text.utf8), file: "deep.yaml") else {
            Issue.record("deep nesting was accepted")
            return
        }
        #expect(diagnostic.location.line == 1 && diagnostic.location.column == 68)
        #expect(diagnostic.message.contains("nest"))
    }

    @Test("Brackets inside quotes and comments do not count")
    func quotedBrackets() {
        let text = "a: \"" + String(repeating: "[", count: 100) + "\"  # " + String(repeating: "{", count: 100) + "\nb: [[1]]\n"
        guard case .success(let node) = YAMLLoader().parse(data: Data(text.utf8), file: "ok.yaml") else {
            Issue.record("quoted brackets were refused")
            return
        }
        #expect(node["a"]?.scalar?.count == 100)
    }

    @Test("Absurd values are errors, not traps", arguments: [
        ("timeout: 1e300s", "7:16"), ("timeout: 99999999999999999999", "7:16"),
        ("attempts: 99999999999999999999999", "7:17"),
    ])
    func absurdMenuValues(line: String, location: String) {
        let flow = "flow: main\nsteps:\n  m:\n    menu:\n      prompt: p\n      options: { \"1\": m }\n      \(line)\n"
        #expect(FlowFixtures.diagnostics(["main.yaml": flow]).at(.badValue) == [location])
    }

    @Test("Backwards ranges in patterns and impossible dates are harmless")
    func odd() {
        #expect(!DialPattern("[9-1]").matches("5"))
        #expect(CalendarDay.parse("99999999999-01-01") == nil)
        #expect(CalendarDay.parse("2026-01-99") == nil)
    }
}

@Suite("Menu shorthands from the design sketch")
struct MenuShorthandTests {
    @Test("`invalid: PROMPT` and `attempts: N` as DESIGN.md's sketch writes them")
    func sketch() throws {
        let flow = """
        flow: main
        steps:
          menu:
            menu:
              prompt: main-menu
              timeout: 5s
              attempts: 2
              invalid: wrong-key
              options: { "1": menu }
        """
        let (system, diagnostics) = FlowFixtures.load(["main.yaml": flow])
        #expect(diagnostics.isEmpty)
        guard case .menu(let menu)? = system.flow(named: "main")?.steps.first?.action else {
            Issue.record("no menu")
            return
        }
        #expect(menu.invalid.prompt.map(\.value) == ["wrong-key"])
        #expect(menu.invalid.count == 2 && menu.noInput.count == 2)
        #expect(menu.noInput.prompt.map(\.value) == ["no-input"])
    }
}

@Suite("Enumerated values")
struct ChoiceTests {
    @Test("A misspelt choice lists the valid ones and suggests the nearest")
    func misspeltChoice() {
        let flow = "flow: main\nsteps:\n  t: { transfer: { to: person/alice, mode: blnd, strategy: random } }\n"
        let diagnostics = FlowFixtures.diagnostics(["main.yaml": flow])
        #expect(diagnostics.at(.badValue) == ["3:44", "3:60"])
        let mode = diagnostics.first { $0.location.column == 44 }
        #expect(mode?.message == "'blnd' is not one of: bridged, blind")
        #expect(mode?.hint == "did you mean 'blind'?")
    }
}

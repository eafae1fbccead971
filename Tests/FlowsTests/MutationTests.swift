import Foundation
import Testing
import TestSupport
@testable import Flows

/// Seeded random edits of the example flow files: loading, checking and (when the result is
/// clean) simulating a call must never crash, and every diagnostic must point into the file.
@Suite("Mutated flow files")
struct MutationTests {
    static let alphabet = Array(" \n:-[]{}\"'#&*!|>%@`,?0123456789abcxyz\t")

    static func mutate(_ text: String, using generator: inout SplitMix64) -> String {
        var characters = Array(text)
        for _ in 0..<Int.random(in: 1...4, using: &generator) where !characters.isEmpty {
            let index = Int.random(in: 0..<characters.count, using: &generator)
            switch Int.random(in: 0..<4, using: &generator) {
            case 0: characters.remove(at: index)
            case 1: characters.insert(alphabet.randomElement(using: &generator) ?? " ", at: index)
            case 2: characters[index] = alphabet.randomElement(using: &generator) ?? " "
            default:
                let end = min(characters.count, index + Int.random(in: 1...40, using: &generator))
                let slice = characters[index..<end]
                characters.insert(contentsOf: slice, at: Int.random(in: 0...characters.count, using: &generator))
            }
        }
        return String(characters)
    }

    @Test("400 mutations of main.yaml and directory.yaml", arguments: [UInt64(1), 2, 3, 4])
    func mutations(seed: UInt64) async throws {
        let folder = ScenarioAndGraphTests.flowsDirectory
        let main = try String(contentsOfFile: folder + "/main.yaml", encoding: .utf8)
        let directory = try String(contentsOfFile: folder + "/directory.yaml", encoding: .utf8)
        let welcome = try String(contentsOfFile: folder + "/welcome.yaml", encoding: .utf8)
        var generator = SplitMix64(seed: seed)
        var clean = 0
        for round in 0..<100 {
            let mutateMain = round % 2 == 0
            let sources = [
                (file: "main.yaml", text: mutateMain ? Self.mutate(main, using: &generator) : main),
                (file: "welcome.yaml", text: welcome),
                (file: "directory.yaml", text: mutateMain ? directory : Self.mutate(directory, using: &generator)),
            ]
            let (system, loaded) = FlowSystemLoader().load(sources: sources)
            let diagnostics = loaded + FlowChecker(system: system, prompts: nil).check()
            for diagnostic in diagnostics where diagnostic.location != .builtIn {
                #expect(diagnostic.location.line >= 1 && diagnostic.location.column >= 1, "seed \(seed) round \(round): \(diagnostic)")
            }
            guard !diagnostics.contains(where: { $0.severity == .error }) else { continue }
            clean += 1
            var script = SimulationScript()
            script.responses = [.press(String(round % 10)), .silence, .press("303")]
            let run = await FlowSimulator(system: system).simulate(CallInfo(caller: "5551234", called: "100"),
                                                                   at: FlowFixtures.mondayMorning, script: script)
            if let run { #expect(run.trace.count < 10_000) }
        }
        #expect(clean < 100)
    }
}

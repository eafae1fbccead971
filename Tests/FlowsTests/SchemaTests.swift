import Foundation
import Testing
@testable import Flows

@Suite("docs/flow.schema.json agrees with the loader")
struct SchemaTests {
    static func schema() throws -> [String: Any] {
        let url = ScenarioAndGraphTests.repository.appendingPathComponent("docs/flow.schema.json")
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    @Test("Top-level keys and step kinds are the ones the loader accepts")
    func keys() throws {
        let schema = try Self.schema()
        let properties = try #require(schema["properties"] as? [String: Any])
        #expect(Set(properties.keys) == Set(FlowReader.topLevelKeys))
        let definitions = try #require(schema["$defs"] as? [String: Any])
        let actions = try #require(definitions["actions"] as? [String: Any])
        #expect(Set(actions.keys) == Set(StepReader.kinds))
        let step = try #require(definitions["step"] as? [String: Any])
        let stepProperties = try #require(step["properties"] as? [String: Any])
        #expect(Set(stepProperties.keys) == Set(StepReader.kinds + StepReader.commonKeys))
    }
}

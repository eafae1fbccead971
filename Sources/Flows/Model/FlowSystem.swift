/// Everything an admin configured: the flows and the directory, loaded together and checked together.
public struct FlowSystem: Sendable {
    public var flows: [Flow]
    public var directory: Directory

    public init(flows: [Flow], directory: Directory) {
        self.flows = flows
        self.directory = directory
    }

    public func flow(named name: String) -> Flow? { flows.first { $0.name == name } }

    /// The flow a call to `number` starts: by the flow's `numbers`.
    public func flow(forNumber number: String) -> Flow? {
        flows.first { flow in flow.numbers.contains { $0.value == number } }
    }
}

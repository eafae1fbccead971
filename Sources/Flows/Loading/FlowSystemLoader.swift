import Foundation

/// Loads a flows directory: every `*.yaml` in it is a flow, except `directory.yaml`; the `tests/`
/// folder holds scenarios and is not read here. Returns the system and every diagnostic found.
public struct FlowSystemLoader: Sendable {
    public var yaml = YAMLLoader()
    public static let directoryFileName = "directory.yaml"

    public init() {}

    public func load(directory path: String) -> (system: FlowSystem, diagnostics: [Diagnostic]) {
        var log = DiagnosticLog()
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: path)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        } catch {
            log.error(.syntax, at: SourceLocation(file: path, line: 1, column: 1), "cannot read the flows directory",
                      hint: "give the folder that holds the flow files and directory.yaml")
            return (FlowSystem(flows: [], directory: Directory()), log.diagnostics)
        }
        var directory = Directory()
        var flows: [Flow] = []
        for file in files {
            let fullPath = (path as NSString).appendingPathComponent(file)
            let root: YAMLNode
            switch yaml.load(path: fullPath) {
            case .success(let node): root = node
            case .failure(let diagnostic):
                log.add(diagnostic)
                continue
            }
            if file == Self.directoryFileName {
                directory = DirectoryReader.read(root, log: &log)
            } else if let flow = FlowReader.read(root, file: fullPath, log: &log) {
                flows.append(flow)
            }
        }
        if !files.contains(Self.directoryFileName) {
            log.add(Diagnostic(.missingKey, at: SourceLocation(file: path, line: 1, column: 1),
                               "no \(Self.directoryFileName) in the flows directory; departments, people and schedules are empty",
                               severity: .warning))
        }
        return (FlowSystem(flows: flows, directory: directory), log.diagnostics)
    }

    /// Parses flow documents held in memory (tests): `(file name, text)` pairs; `directory.yaml` as above.
    public func load(sources: [(file: String, text: String)]) -> (system: FlowSystem, diagnostics: [Diagnostic]) {
        var log = DiagnosticLog()
        var directory = Directory()
        var flows: [Flow] = []
        for source in sources {
            switch yaml.parse(data: Data(source.text.utf8), file: source.file) {
            case .failure(let diagnostic): log.add(diagnostic)
            case .success(let root):
                if source.file.hasSuffix(Self.directoryFileName) {
                    directory = DirectoryReader.read(root, log: &log)
                } else if let flow = FlowReader.read(root, file: source.file, log: &log) {
                    flows.append(flow)
                }
            }
        }
        return (FlowSystem(flows: flows, directory: directory), log.diagnostics)
    }
}

extension FlowSystemLoader {
    /// Loads `path` and runs the checker with the prompts under `promptsRoot`: what
    /// `switchboard check` reports and what `serve` refuses to run when it has errors.
    public func loadChecked(directory path: String, promptsRoot: String) -> (system: FlowSystem, diagnostics: [Diagnostic]) {
        let (system, loadDiagnostics) = load(directory: path)
        let checked = FlowChecker(system: system, prompts: FilePromptCatalog(root: promptsRoot)).check()
        return (system, loadDiagnostics + checked)
    }
}

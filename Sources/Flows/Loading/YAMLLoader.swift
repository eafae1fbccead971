import Foundation
import Yams

/// Reads one YAML file into a `YAMLNode` tree, refusing what could hurt a server: files over
/// `maximumFileSize` and documents whose alias expansion (a "billion laughs" YAML bomb) would
/// exceed `maximumNodes`. Syntax errors come back as a `Diagnostic` with line and column.
public struct YAMLLoader: Sendable {
    /// 1 MiB: far above any real flow file.
    public var maximumFileSize = 1 << 20
    /// Nodes after alias expansion; a real directory of a few hundred people stays far below.
    public var maximumNodes = 200_000

    public init() {}

    /// Reads and parses the file at `path`; `displayPath` is what messages name.
    public func load(path: String, displayPath: String? = nil) -> Result<YAMLNode, Diagnostic> {
        let shown = displayPath ?? path
        let start = SourceLocation(file: shown, line: 1, column: 1)
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        if let size, size > maximumFileSize {
            return .failure(Diagnostic(.fileTooLarge, at: start,
                "file is \(size) bytes; flow files may be at most \(maximumFileSize) bytes",
                hint: "split it into several flow files"))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(Diagnostic(.syntax, at: start, "cannot read the file"))
        }
        return parse(data: data, file: shown)
    }

    /// Parses YAML text held in memory (tests, reloads).
    public func parse(data: Data, file: String) -> Result<YAMLNode, Diagnostic> {
        let start = SourceLocation(file: file, line: 1, column: 1)
        if data.count > maximumFileSize {
            return .failure(Diagnostic(.fileTooLarge, at: start,
                "file is \(data.count) bytes; flow files may be at most \(maximumFileSize) bytes",
                hint: "split it into several flow files"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(Diagnostic(.syntax, at: start, "file is not UTF-8 text"))
        }
        if let excess = NestingGuard.firstExcess(in: text) {
            return .failure(Diagnostic(.aliasBomb, at: SourceLocation(file: file, line: excess.line, column: excess.column),
                "brackets nest more than \(NestingGuard.maximumDepth) levels deep; refused",
                hint: "flow files need only a few levels; write nested values as indented blocks"))
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            return .failure(Self.diagnostic(for: error, file: file))
        } catch {
            return .failure(Diagnostic(.syntax, at: start, "\(error)"))
        }
        guard let root else { return .success(YAMLNode(.null, at: start)) }
        var budget = maximumNodes
        guard let tree = Self.convert(root, file: file, budget: &budget, parent: start) else {
            return .failure(Diagnostic(.aliasBomb, at: start,
                "document expands to more than \(maximumNodes) nodes (alias expansion); refused",
                hint: "anchors and aliases that multiply each other form a YAML bomb; write the values out"))
        }
        return .success(tree)
    }

    /// Converts a Yams node, spending one unit of `budget` per node visited (aliases count
    /// each time they are expanded); nil when the budget runs out.
    private static func convert(_ node: Node, file: String, budget: inout Int,
                                parent: SourceLocation) -> YAMLNode? {
        budget -= 1
        guard budget >= 0 else { return nil }
        let location = node.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) } ?? parent
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
                return YAMLNode(.null, at: location)
            }
            return YAMLNode(.scalar(scalar.string), at: location)
        case .sequence(let sequence):
            var items: [YAMLNode] = []
            for item in sequence {
                guard let converted = convert(item, file: file, budget: &budget, parent: location) else { return nil }
                items.append(converted)
            }
            return YAMLNode(.sequence(items), at: location)
        case .mapping(let mapping):
            var pairs: [(key: YAMLNode, value: YAMLNode)] = []
            for (key, value) in mapping {
                guard let convertedKey = convert(key, file: file, budget: &budget, parent: location),
                      let convertedValue = convert(value, file: file, budget: &budget, parent: convertedKey.location)
                else { return nil }
                pairs.append((convertedKey, convertedValue))
            }
            return YAMLNode(.mapping(pairs), at: location)
        case .alias:
            // Compose resolves aliases itself; an unresolved one is an error in the file.
            return YAMLNode(.null, at: location)
        }
    }

    private static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var message = problem
            if let context { message += " (\(context.text))" }
            return Diagnostic(.syntax, at: at(mark), "YAML: \(message)",
                              hint: "check indentation and quoting near this place")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return Diagnostic(.syntax, at: at(context.mark),
                              "duplicate key(s) \(duplicates.joined(separator: ", ")) in one mapping",
                              hint: "each key may appear once; the later one would silently win elsewhere")
        default:
            return Diagnostic(.syntax, at: SourceLocation(file: file, line: 1, column: 1), "YAML: \(error)")
        }
    }
}

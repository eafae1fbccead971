import Foundation

/// Runs Graphviz `dot -Tsvg` on DOT text (from ``DotRenderer``) for `switchboard graph` and
/// the web directory's flow pages. Blocking: it waits for the child process, so async
/// callers run it off their executor (the web directory uses a thread pool and caches the
/// result per flow).
public struct GraphvizSVG: Sendable {
    /// Why no SVG came out.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// `dot` could not be started (Graphviz not installed, or no `/usr/bin/env`).
        case notInstalled
        /// `dot` ran and exited with this status (it is also 127 when `env` finds no `dot`).
        case failed(status: Int32)
        /// The graph could not be written to a temporary file.
        case noTemporaryFile

        public var description: String {
            switch self {
            case .notInstalled: "Graphviz 'dot' could not be started (apt-get install graphviz)"
            case .failed(let status): "Graphviz 'dot' exited with status \(status) (is graphviz installed? apt-get install graphviz)"
            case .noTemporaryFile: "the graph could not be written to a temporary file for Graphviz"
            }
        }
    }

    /// The program that finds `dot` on PATH.
    public var launcher: String

    public init(launcher: String = "/usr/bin/env") { self.launcher = launcher }

    /// The SVG document `dot -Tsvg` makes of `dot`. The graph goes through a temporary file
    /// rather than a pipe, so a missing `dot` can never kill this process with SIGPIPE.
    public func render(_ dot: String) throws(Failure) -> Data {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-\(UUID().uuidString).dot")
        guard (try? Data(dot.utf8).write(to: file)) != nil else { throw .noTemporaryFile }
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: launcher)
        process.arguments = ["dot", "-Tsvg", file.path]
        let output = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw .notInstalled }
        let svg = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw .failed(status: process.terminationStatus) }
        return svg
    }
}

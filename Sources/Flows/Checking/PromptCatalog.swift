import Foundation

/// What the checker asks about a prompt name. The `Flows` target checks that a file exists; the
/// media layer can supply a catalog that also decodes each file (and reports `undecodable`).
public protocol PromptCatalog: Sendable {
    /// Nil when `prompt` can be played in `language`, else why not.
    func problem(with prompt: String, language: String) -> PromptProblem?
    /// How long the prompt plays, when known (the simulator uses it for virtual time).
    func duration(of prompt: String, language: String) -> Duration?
}

/// Why a prompt cannot be played.
public enum PromptProblem: Sendable, Hashable {
    case missing(searched: [String])
    case undecodable(path: String, reason: String)
}

/// Prompts as files: `ROOT/LANGUAGE/NAME.EXT`, falling back to `ROOT/NAME.EXT`, for the
/// extensions libsndfile reads. Names may contain `/` for sub-folders (`digits/1`).
public struct FilePromptCatalog: PromptCatalog {
    public static let extensions = ["wav", "flac", "ogg", "mp3"]
    public var root: String

    public init(root: String) { self.root = root }

    /// The file that would be played, if any.
    public func path(of prompt: String, language: String) -> String? {
        candidates(prompt, language: language).first { FileManager.default.fileExists(atPath: $0) }
    }

    public func problem(with prompt: String, language: String) -> PromptProblem? {
        if prompt.contains("..") || prompt.hasPrefix("/") { return .missing(searched: []) }
        return path(of: prompt, language: language) == nil ? .missing(searched: candidates(prompt, language: language)) : nil
    }

    /// For WAV files, from the header's byte rate and the file size; nil for other formats.
    public func duration(of prompt: String, language: String) -> Duration? {
        guard let path = path(of: prompt, language: language), path.hasSuffix(".wav"),
              let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 44), header.count == 44,
              let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int else { return nil }
        let byteRate = header[28..<32].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        guard byteRate > 0 else { return nil }
        return .milliseconds(Int64(max(0, size - 44) * 1000 / byteRate))
    }

    private func candidates(_ prompt: String, language: String) -> [String] {
        let folders = [(root as NSString).appendingPathComponent(language), root]
        return folders.flatMap { folder in Self.extensions.map { (folder as NSString).appendingPathComponent("\(prompt).\($0)") } }
    }
}

import Foundation
import NIOConcurrencyHelpers

/// A prompt that could not be loaded: which file and why.
public struct PromptLoadError: Error, CustomStringConvertible, Equatable {
    /// The file (or directory) concerned.
    public var file: String
    /// What went wrong.
    public var reason: String

    public var description: String { "\(file): \(reason)" }
}

/// All prompts of a directory, decoded with libsndfile, mixed to mono, resampled to 8 and
/// 16 kHz with libsoxr, and encoded once per codec into shared 20 ms frames.
///
/// Names are paths under the directory without the extension: `welcome`, `en/welcome`.
/// ``prompt(named:language:)`` looks in the language folder first, then at the top. Files
/// with an audio extension libsndfile reads (``audioExtensions``) are prompts and must
/// decode, or loading fails naming them; hidden files and other files (a `prompts.txt`
/// script, a README) are ignored. ``reloadChanged()`` re-reads files whose modification time or size changed,
/// adds new ones and drops deleted ones; calls already holding a ``Prompt`` keep it.
public final class PromptLibrary: Sendable {
    /// The directory the prompts come from.
    public let directory: String

    /// File extensions taken as prompts (lower case): the formats libsndfile 1.2 reads.
    public static let audioExtensions: Set<String> = [
        "wav", "wave", "flac", "ogg", "oga", "opus", "mp3", "aif", "aiff", "aifc", "au", "snd",
        "caf", "w64", "rf64", "voc", "paf", "svx", "nist", "sph", "sf", "ircam", "mat4", "mat5",
        "pvf", "xi", "htk", "sds", "avr", "sd2", "wve", "mpc",
    ]

    private struct Entry: Sendable {
        var prompt: Prompt
        var modified: Date
        var size: Int
    }

    private let entries: NIOLockedValueBox<[String: Entry]>

    /// Loads every prompt in `directory` (recursively). Throws for the first file that is
    /// missing, empty or undecodable.
    public init(directory: String) throws(PromptLoadError) {
        self.directory = directory
        entries = NIOLockedValueBox([:])
        _ = try reloadChanged()
    }

    /// Names of all loaded prompts, sorted.
    public var names: [String] { entries.withLockedValue { $0.keys.sorted() } }

    /// The prompt `name` in `language` (`en/name`), else `name` itself.
    public func prompt(named name: String, language: String? = nil) -> Prompt? {
        entries.withLockedValue { entries in
            if let language, let entry = entries["\(language)/\(name)"] { return entry.prompt }
            return entries[name]?.prompt
        }
    }

    /// Shared memory held by all prompts, in bytes.
    public var memoryFootprint: Int { entries.withLockedValue { $0.values.reduce(0) { $0 + $1.prompt.memoryFootprint } } }

    /// Re-reads changed files, loads new ones, drops deleted ones. Returns the names that
    /// changed. On error nothing is replaced.
    @discardableResult
    public func reloadChanged() throws(PromptLoadError) -> [String] {
        let files = try Self.listFiles(in: directory)
        let current = entries.withLockedValue { $0 }
        var next: [String: Entry] = [:]
        var changed: [String] = []
        for (name, path, modified, size) in files {
            if let old = current[name], old.modified == modified, old.size == size {
                next[name] = old
                continue
            }
            let prompt = try Self.load(name: name, path: path)
            next[name] = Entry(prompt: prompt, modified: modified, size: size)
            changed.append(name)
        }
        changed += current.keys.filter { next[$0] == nil }
        entries.withLockedValue { $0 = next }
        return changed.sorted()
    }

    /// Decodes one file into a prompt (the error names the file).
    public static func load(name: String, path: String) throws(PromptLoadError) -> Prompt {
        guard FileManager.default.fileExists(atPath: path) else { throw PromptLoadError(file: path, reason: "no such file") }
        let decoded: (samples: [Float], sampleRate: Int)
        do {
            decoded = try SoundFile.readMono(path: path)
        } catch {
            throw PromptLoadError(file: path, reason: "cannot decode: \(error.description)")
        }
        guard !decoded.samples.isEmpty else { throw PromptLoadError(file: path, reason: "no audio (empty)") }
        do {
            return try Prompt(name: name, samples: decoded.samples, sampleRate: decoded.sampleRate)
        } catch {
            throw PromptLoadError(file: path, reason: "cannot resample: \(error.description)")
        }
    }

    private static func listFiles(in directory: String) throws(PromptLoadError) -> [(String, String, Date, Int)] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PromptLoadError(file: directory, reason: "no such directory")
        }
        let root = URL(fileURLWithPath: directory).standardizedFileURL
        let keys: [URLResourceKey] = [.isRegularFileKey, .contentModificationDateKey, .fileSizeKey]
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles]) else {
            throw PromptLoadError(file: directory, reason: "cannot list")
        }
        var result: [(String, String, Date, Int)] = []
        var seen: [String: String] = [:]
        for case let url as URL in enumerator {
            guard let values = try? url.resourceValues(forKeys: Set(keys)), values.isRegularFile == true,
                  audioExtensions.contains(url.pathExtension.lowercased()) else { continue }
            let relative = url.standardizedFileURL.path.dropFirst(root.path.count).drop(while: { $0 == "/" })
            let name = String(relative).split(separator: "/").map(String.init).joined(separator: "/")
            let withoutExtension = (name as NSString).deletingPathExtension
            if let other = seen[withoutExtension] {
                throw PromptLoadError(file: url.path, reason: "same prompt name as \(other)")
            }
            seen[withoutExtension] = url.path
            result.append((withoutExtension, url.path, values.contentModificationDate ?? .distantPast, values.fileSize ?? 0))
        }
        return result
    }
}

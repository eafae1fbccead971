import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `fsync(2)` for files and folders: a message becomes visible only after its audio, and
/// the folder entry naming it, are on disk.
enum FileSync {
    /// Flushes `url` (a file or a folder) to stable storage. Throws when it cannot be opened.
    static func sync(_ url: URL) throws {
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: url.path])
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }

    /// Flushes a file and then the folder that holds it.
    static func syncFileAndFolder(_ url: URL) throws {
        try sync(url)
        try sync(url.deletingLastPathComponent())
    }
}

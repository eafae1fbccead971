import Foundation
import Media
import Testing
import Voicemail

/// The files Media's recorder really writes (libsndfile), read by `WAVFile` while they are
/// still open — what a crash leaves on disk — and after they are closed.
@Suite("WAV length of libsndfile recordings")
struct RecorderFileTests {
    @Test("A recording still being written reads with its length so far; a closed one with its whole length")
    func libsndfile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("recorder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("message.wav")
        let writer = try WAVWriter(path: file.path, sampleRate: 8000)
        // Just opened: a header, no audio (recovery removes such a reservation).
        #expect(try WAVFile.inspect(file).hasAudio == false)
        writer.write8000(frames: 8000)
        writer.sync()
        writer.write8000(frames: 4000)
        writer.sync()
        // The process is "killed" here: the file as it is on disk, never closed.
        let snapshot = folder.appendingPathComponent("snapshot.wav")
        try FileManager.default.copyItem(at: file, to: snapshot)
        #expect(try WAVFile.inspect(snapshot).duration == .milliseconds(1500))
        // A header one write behind (the crash hit between data and header update).
        let stale = folder.appendingPathComponent("stale.wav")
        var bytes = try Data(contentsOf: snapshot)
        let info = try WAVFile.inspect(snapshot)
        let staleSize = UInt32(16_000)
        bytes.replaceSubrange(info.dataOffset - 4 ..< info.dataOffset,
                              with: [UInt8(staleSize & 0xFF), UInt8(staleSize >> 8 & 0xFF), 0, 0])
        try bytes.write(to: stale)
        #expect(try WAVFile.inspect(stale).duration == .milliseconds(1500))
        #expect(try WAVFile.finaliseHeader(stale).headerIsFinal)
        #expect(try Data(contentsOf: stale) == Data(contentsOf: snapshot))

        writer.write8000(frames: 2000)
        writer.close()
        let closed = try WAVFile.inspect(file)
        #expect(closed.duration == .milliseconds(1750))
        #expect(closed.headerIsFinal)
    }
}

extension WAVWriter {
    /// Writes `frames` samples of a quiet ramp; a write error fails the test through `Issue`.
    fileprivate func write8000(frames: Int) {
        do { try write((0..<frames).map { Int16(truncatingIfNeeded: $0 * 7) }) } catch {
            Issue.record("write failed: \(error)")
        }
    }
}

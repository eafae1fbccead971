import Foundation
import Testing
import TestSupport
import Voicemail

/// Reading a WAV's real length, from finished files and from ones a crash left behind.
@Suite("WAV length and header repair")
struct WAVFileTests {
    static func info(_ data: Data) throws -> WAVAudioInfo {
        try WAVFile.parse(Array(data), fileSize: data.count)
    }

    @Test("A finished file: its declared length, header final")
    func finished() throws {
        let info = try Self.info(WAVBytes.pcm16(frames: 12_000))
        #expect(info.duration == .milliseconds(1500))
        #expect(info.headerIsFinal)
        #expect(info.dataOffset == 44 && info.sampleRate == 8000 && info.channels == 1)
    }

    @Test("Sizes never written (0): the length comes from the file size")
    func zeroSizes() throws {
        let info = try Self.info(WAVBytes.pcm16(frames: 8000 * 3 + 4000, riffSize: 0, dataSize: 0))
        #expect(info.duration == .milliseconds(3500))
        #expect(!info.headerIsFinal)
    }

    @Test("A declared size larger than the file, or the 0xFFFFFFFF placeholder: the file size wins")
    func oversized() throws {
        #expect(try Self.info(WAVBytes.pcm16(frames: 800, dataSize: 1_000_000)).duration == .milliseconds(100))
        #expect(try Self.info(WAVBytes.pcm16(frames: 800, riffSize: .max, dataSize: .max)).duration == .milliseconds(100))
    }

    @Test("A stale smaller size with audio after it (written after the last header update): the file size wins")
    func staleSmaller() throws {
        let info = try Self.info(WAVBytes.pcm16(frames: 16_000, riffSize: 36 + 8000, dataSize: 8000))
        #expect(info.duration == .seconds(2))
        #expect(!info.headerIsFinal)
    }

    @Test("A chunk after the audio (LIST) is not audio")
    func trailingChunk() throws {
        let info = try Self.info(WAVBytes.pcm16(frames: 8000, trailer: WAVBytes.listChunk))
        #expect(info.duration == .seconds(1))
        #expect(info.headerIsFinal)
    }

    @Test("A partial last frame is not counted; stereo and 16 kHz count frames, not bytes")
    func frames() throws {
        var data = WAVBytes.pcm16(frames: 80, riffSize: 0, dataSize: 0)
        data.append(0x7F)  // half a sample
        #expect(try Self.info(data).frames == 80)
        #expect(try Self.info(WAVBytes.pcm16(frames: 16_000, sampleRate: 16_000, channels: 2)).duration == .seconds(1))
        #expect(try Self.info(WAVBytes.pcm16(frames: 1)).duration == .microseconds(125))
    }

    @Test("Header only, no audio: no audio")
    func empty() throws {
        let info = try Self.info(WAVBytes.pcm16(frames: 0, riffSize: 0, dataSize: 0))
        #expect(!info.hasAudio)
        #expect(info.duration == .zero)
    }

    @Test("Not a WAV, or a cut-off header: a clear failure")
    func failures() {
        #expect(throws: WAVFile.Failure.notWAV) { try Self.info(Data()) }
        #expect(throws: WAVFile.Failure.notWAV) { try Self.info(Data("OggS and more bytes".utf8)) }
        let header = WAVBytes.pcm16(frames: 0)
        #expect(throws: WAVFile.Failure.badFormat) { try Self.info(header.prefix(30)) }
        #expect(throws: WAVFile.Failure.noData) { try Self.info(header.prefix(36)) }
    }

    @Test("finaliseHeader repairs a crashed file in place; a repaired file reads the same and as final")
    func repair() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wav-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("crashed.wav")
        var data = WAVBytes.pcm16(frames: 4000, riffSize: 0, dataSize: 0)
        data.append(0x01)  // a torn sample
        try data.write(to: file)
        let repaired = try WAVFile.finaliseHeader(file)
        #expect(repaired.duration == .milliseconds(500))
        let bytes = try Data(contentsOf: file)
        #expect(bytes == WAVBytes.pcm16(frames: 4000))  // exactly the well-formed file
        #expect(try WAVFile.inspect(file).headerIsFinal)
        #expect(throws: WAVFile.Failure.self) { try WAVFile.inspect(folder.appendingPathComponent("missing.wav")) }
    }
}

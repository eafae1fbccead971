import Foundation
import Testing
@testable import Media

/// G.722 against an independent implementation: FFmpeg 5.1's `adpcm_g722` (fixtures made
/// with `ffmpeg -c:a g722`, see Tests/Fixtures/README.md).
@Suite("G.722 against FFmpeg's independent implementation")
struct G722ReferenceTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/g722")

    static func samples(_ name: String) throws -> [Int16] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return stride(from: 0, to: data.count - 1, by: 2).map { Int16(bitPattern: UInt16(data[$0]) | UInt16(data[$0 + 1]) << 8) }
    }

    @Test("encoding a sweep, pink noise and a clipped square wave gives FFmpeg's bytes exactly")
    func encoder() throws {
        let input = try Self.samples("input.raw")
        let reference = [UInt8](try Data(contentsOf: Self.directory.appendingPathComponent("ffmpeg-encoded.g722")))
        #expect(input.count == 20000 && reference.count == 10000)
        let ours = AudioEncoder(codec: .g722).encode(input)
        let mismatches = zip(ours, reference).filter { $0 != $1 }.count
        #expect(ours.count == reference.count)
        #expect(mismatches == 0, "\(mismatches) of \(reference.count) bytes differ")
    }

    @Test("decoding FFmpeg's bytes gives FFmpeg's samples exactly, overload saturated (not wrapped)")
    func decoder() throws {
        let reference = [UInt8](try Data(contentsOf: Self.directory.appendingPathComponent("ffmpeg-encoded.g722")))
        let expected = try Self.samples("ffmpeg-decoded.raw")
        let ours = AudioDecoder(codec: .g722).decode(reference)
        #expect(ours.count == expected.count)
        let mismatches = zip(ours, expected).filter { $0 != $1 }.count
        let worst = zip(ours, expected).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(mismatches == 0, "\(mismatches) samples differ, worst by \(worst)")
    }
}

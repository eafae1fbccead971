import CSndFile
import Foundation
import Testing
@testable import Media

/// Writes a test audio file with libsndfile (any format, any channel count).
func writeSoundFile(_ path: String, format: Int32, rate: Int, channels: Int, frames: [[Float]]) throws {
    var info = SF_INFO()
    info.samplerate = Int32(rate)
    info.channels = Int32(channels)
    info.format = format
    guard let file = sf_open(path, Int32(SFM_WRITE), &info) else {
        throw SoundFile.Failure(description: String(cString: sf_strerror(nil)))
    }
    var interleaved: [Float] = []
    for frame in frames { interleaved += frame }
    _ = interleaved.withUnsafeBufferPointer { sf_writef_float(file, $0.baseAddress, sf_count_t(frames.count)) }
    sf_close(file)
}

func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "switchboard-media-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// RMS and Goertzel power share of a frequency in a signal.
func toneShare(_ samples: [Int16], frequency: Double, rate: Int) -> (rms: Double, share: Double) {
    let x = samples.map(Double.init)
    let energy = x.reduce(0) { $0 + $1 * $1 }
    let coefficient = 2 * cos(2 * .pi * frequency / Double(rate))
    var s1 = 0.0, s2 = 0.0
    for v in x {
        let s0 = v + coefficient * s1 - s2
        s2 = s1
        s1 = s0
    }
    let power = (s1 * s1 + s2 * s2 - coefficient * s1 * s2) * 2 / Double(x.count)
    return ((energy / Double(x.count)).squareRoot(), power / max(energy, 1))
}

@Suite("Prompt library (libsndfile + libsoxr)")
struct PromptLibraryTests {
    @Test("WAV and stereo 44.1 kHz FLAC in a language folder: mono, 8 and 16 kHz, every codec encoded")
    func load() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/en", withIntermediateDirectories: true)
        // 1 kHz at half scale, 0.5 s, 16 kHz mono WAV.
        let wav = (0..<8000).map { [Float(0.5 * sin(2 * .pi * 1000 * Double($0) / 16000))] }
        try writeSoundFile(dir + "/welcome.wav", format: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16), rate: 16000, channels: 1, frames: wav)
        // 600 Hz on the left, silence on the right: mixing halves it. 1 s at 44.1 kHz FLAC.
        let flac = (0..<44100).map { [Float(0.8 * sin(2 * .pi * 600 * Double($0) / 44100)), 0] }
        try writeSoundFile(dir + "/en/welcome.flac", format: Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16), rate: 44100, channels: 2, frames: flac)
        try writeSoundFile(dir + "/.hidden.wav", format: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16), rate: 8000, channels: 1, frames: [[0]])
        try Data("welcome|Thank you for calling\n".utf8).write(to: URL(fileURLWithPath: dir + "/prompts.txt"))  // not audio: ignored

        let library = try PromptLibrary(directory: dir)
        #expect(library.names == ["en/welcome", "welcome"])
        let top = try #require(library.prompt(named: "welcome"))
        let english = try #require(library.prompt(named: "welcome", language: "en"))
        #expect(library.prompt(named: "welcome", language: "fr") === top)
        #expect(top.frameCount == 25 && english.frameCount == 50)
        #expect(abs(english.samples8k.count - 8000) <= 2 && abs(english.samples16k.count - 16000) <= 4)

        // The resampled audio is the tone at the right level, not nearest-sample junk.
        let middle8k = Array(english.samples8k[2000..<6000]), middle16k = Array(english.samples16k[4000..<12000])
        let (rms8, share8) = toneShare(middle8k, frequency: 600, rate: 8000)
        let (rms16, share16) = toneShare(middle16k, frequency: 600, rate: 16000)
        let expectedRMS = 0.4 * 32767 / 2.0.squareRoot()
        #expect(abs(rms8 / expectedRMS - 1) < 0.02 && abs(rms16 / expectedRMS - 1) < 0.02)
        #expect(share8 > 0.99 && share16 > 0.99)

        // Every codec: frames are 160 bytes and decode back to the prompt's audio.
        for codec in AudioCodec.allCases {
            let decoder = AudioDecoder(codec: codec)
            var decoded: [Int16] = []
            for index in 0..<top.frameCount {
                top.withFrame(index, codec: codec) { frame in
                    #expect(frame.count == 160)
                    decoder.decode(frame, appendingTo: &decoded)
                }
            }
            let (_, share) = toneShare(Array(decoded[400..<(decoded.count - 400)]), frequency: 1000, rate: codec.sampleRate)
            #expect(share > 0.98, "\(codec)")
        }
    }

    @Test("missing directory, empty and undecodable files fail at load, naming the file")
    func errors() throws {
        #expect(throws: PromptLoadError.self) { try PromptLibrary(directory: "/nonexistent/prompts") }
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("not audio at all".utf8).write(to: URL(fileURLWithPath: dir + "/broken.wav"))
        do {
            _ = try PromptLibrary(directory: dir)
            Issue.record("loaded a broken file")
        } catch {
            #expect(error.file.hasSuffix("broken.wav"))
            #expect(error.reason.contains("cannot decode"))
        }
        try FileManager.default.removeItem(atPath: dir + "/broken.wav")
        try writeSoundFile(dir + "/empty.wav", format: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16), rate: 8000, channels: 1, frames: [])
        do {
            _ = try PromptLibrary(directory: dir)
            Issue.record("loaded an empty file")
        } catch {
            #expect(error.file.hasSuffix("empty.wav"))
            #expect(error.reason.contains("empty"))
        }
    }

    @Test("reload picks up changed, new and deleted files; a bad change keeps the old prompts")
    func reload() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let format = Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        try writeSoundFile(dir + "/a.wav", format: format, rate: 8000, channels: 1, frames: Array(repeating: [0.1], count: 800))
        try writeSoundFile(dir + "/b.wav", format: format, rate: 8000, channels: 1, frames: Array(repeating: [0.1], count: 800))
        let library = try PromptLibrary(directory: dir)
        let oldA = try #require(library.prompt(named: "a"))
        #expect(try library.reloadChanged().isEmpty)
        try writeSoundFile(dir + "/a.wav", format: format, rate: 8000, channels: 1, frames: Array(repeating: [0.1], count: 1600))
        try writeSoundFile(dir + "/c.wav", format: format, rate: 8000, channels: 1, frames: Array(repeating: [0.1], count: 800))
        try FileManager.default.removeItem(atPath: dir + "/b.wav")
        #expect(try library.reloadChanged() == ["a", "b", "c"])
        #expect(library.names == ["a", "c"])
        #expect(library.prompt(named: "a")?.frameCount == 10)
        #expect(oldA.frameCount == 5)  // a call holding the old prompt keeps it
        try Data("junk".utf8).write(to: URL(fileURLWithPath: dir + "/c.wav"))
        #expect(throws: PromptLoadError.self) { try library.reloadChanged() }
        #expect(library.names == ["a", "c"])
    }

    @Test("tones: beep and ringback are generated at the right frequencies")
    func tones() {
        let (_, beepShare) = toneShare(Tones.beep.samples8k, frequency: 1000, rate: 8000)
        #expect(beepShare > 0.95)
        #expect(Tones.beep.durationMilliseconds == 300)
        #expect(Tones.ringback.durationMilliseconds == 6000)
        let on = Array(Tones.ringback.samples8k[0..<16000])
        #expect(toneShare(on, frequency: 440, rate: 8000).share + toneShare(on, frequency: 480, rate: 8000).share > 0.95)
        #expect(Tones.ringback.samples8k[20000..<48000].allSatisfy { $0 == 0 })
    }
}

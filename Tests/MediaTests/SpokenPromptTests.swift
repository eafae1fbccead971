import Foundation
import Testing
@testable import Media

/// The spoken fixtures under Tests/Fixtures/prompts.
let spokenPromptsDirectory: String = {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/prompts").path
}()

/// The project's shipped prompts (`prompts/` at the repository root), or the directory in
/// `SWITCHBOARD_PROMPTS`; nil when neither exists.
let shippedPromptsDirectory: String? = {
    if let path = ProcessInfo.processInfo.environment["SWITCHBOARD_PROMPTS"] { return path }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let path = root.appendingPathComponent("prompts").path
    return FileManager.default.fileExists(atPath: path) ? path : nil
}()

/// Talk-off over every prompt of a library in every codec: the false keys found.
func falseKeys(in library: PromptLibrary) -> [String] {
    var found: [String] = []
    for name in library.names {
        guard let prompt = library.prompt(named: name) else { continue }
        for codec in AudioCodec.allCases {
            var detector = DTMFToneDetector(sampleRate: codec.sampleRate)
            let decoder = AudioDecoder(codec: codec)
            for index in 0..<prompt.frameCount {
                var samples: [Int16] = []
                prompt.withFrame(index, codec: codec) { decoder.decode($0, appendingTo: &samples) }
                for key in detector.process(samples) { found.append("\(name) \(codec) frame \(index): \(key)") }
            }
        }
    }
    return found
}

@Suite("Shipped prompts")
struct ShippedPromptTests {
    @Test("every shipped prompt loads, and none makes the detector hear a key", .enabled(if: shippedPromptsDirectory != nil))
    func talkOff() throws {
        let library = try PromptLibrary(directory: try #require(shippedPromptsDirectory))
        #expect(!library.names.isEmpty)
        let found = falseKeys(in: library)
        #expect(found.isEmpty, "\(found)")
    }
}

@Suite("Spoken prompts (Ogg/Vorbis and FLAC fixtures)")
struct SpokenPromptTests {
    @Test("all load from the language folder, at both rates")
    func load() throws {
        let library = try PromptLibrary(directory: spokenPromptsDirectory)
        #expect(library.names == ["en/closed", "en/invalid-option", "en/main-menu", "en/voicemail-instructions", "en/welcome"])
        let menu = try #require(library.prompt(named: "main-menu", language: "en"))
        #expect(menu.durationMilliseconds > 8000)
        #expect(abs(menu.samples16k.count - 2 * menu.samples8k.count) <= 4)
    }

    @Test("talk-off: no keys detected in any prompt, through µ-law, A-law (8 kHz) and G.722 (16 kHz)")
    func talkOff() throws {
        let library = try PromptLibrary(directory: spokenPromptsDirectory)
        let found = falseKeys(in: library)
        #expect(found.isEmpty, "\(found)")
    }

    @Test("keys pressed while a prompt plays back at the caller (echo at −20 dB) are still detected")
    func keysOverSpeech() throws {
        let library = try PromptLibrary(directory: spokenPromptsDirectory)
        let menu = try #require(library.prompt(named: "main-menu", language: "en"))
        let echo = menu.samples8k.prefix(16000).map { Double($0) * 0.1 }
        var keys: [Double] = []
        for (i, digit) in [DTMFDigit.d2, .d9, .pound].enumerated() {
            keys += [Double](repeating: 0, count: 2000 + i * 500)
            keys += Signals.tones([(digit.frequencies.low, -12), (digit.frequencies.high, -13)], milliseconds: 80)
        }
        let mixed = Signals.pcm(Signals.mix(Array(echo), keys))
        let decoded = AudioDecoder(codec: .pcmu).decode(AudioEncoder(codec: .pcmu).encode(mixed))
        var detector = DTMFToneDetector()
        #expect(detector.process(decoded) == [.d2, .d9, .pound])
    }
}

import CSndFile
import Foundation
import Testing
@testable import Media

@Suite("Recorder (libsndfile WAV as it arrives)")
struct RecorderTests {
    @Test("round trip: what is appended is what the WAV holds")
    func roundTrip() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/message.wav"
        let recorder = try Recorder(path: path, sampleRate: 8000, maximumSeconds: 60, silenceSeconds: nil)
        let audio = Signals.pcm(Signals.tones([(500, -10), (1800, -20)], milliseconds: 2500))
        for start in stride(from: 0, to: audio.count, by: 160) {
            #expect(try recorder.append(Array(audio[start..<min(start + 160, audio.count)])) == nil)
        }
        try recorder.finish()
        let (samples, rate) = try SoundFile.readMono(path: path)
        #expect(rate == 8000)
        #expect(samples.count == audio.count)
        #expect(zip(samples, audio).allSatisfy { abs(Double($0.0) * 32768 - Double($0.1)) < 1.01 })
    }

    @Test("a recording cut off without finish (a crash) is readable and misses at most the last second")
    func crashSafety() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/crash.wav"
        let recorder = try Recorder(path: path, sampleRate: 16000, maximumSeconds: 60, silenceSeconds: nil)
        let audio = Signals.pcm(Signals.tones([(700, -10)], milliseconds: 2700, rate: 16000))
        for start in stride(from: 0, to: audio.count, by: 320) {
            try recorder.append(Array(audio[start..<min(start + 320, audio.count)]))
        }
        // Read it while the recorder is still open, as a crash would leave it (once the
        // background queue has done what it was given).
        recorder.waitForWrites()
        let (samples, rate) = try SoundFile.readMono(path: path)
        #expect(rate == 16000)
        #expect(samples.count >= audio.count - 16000)
        #expect(samples.count <= audio.count)
        try recorder.finish()
    }

    @Test("stops at the maximum duration, keeping exactly that much")
    func maximum() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let recorder = try Recorder(path: dir + "/max.wav", maximumSeconds: 1, silenceSeconds: nil)
        let frame = Signals.pcm(Signals.tones([(440, -10)], milliseconds: 30))
        var reason: Recorder.StopReason?
        var appended = 0
        while reason == nil, appended < 100 {
            reason = try recorder.append(frame)
            appended += 1
        }
        #expect(reason == .maximumDuration)
        #expect(appended == 34)
        recorder.waitForWrites()  // the recorder closed the file on its queue
        #expect(try SoundFile.readMono(path: dir + "/max.wav").samples.count == 8000)
    }

    @Test("stops after the configured silence, not during speech pauses shorter than it")
    func silence() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let recorder = try Recorder(path: dir + "/silence.wav", maximumSeconds: 60, silenceSeconds: 2)
        let speech = Signals.pcm(Signals.speechLike(seconds: 1, seed: 3).map { $0 + 300 * sin($0) })
        let quiet = [Int16](repeating: 0, count: 160)
        #expect(try recorder.append(speech) == nil)
        for _ in 0..<75 { #expect(try recorder.append(quiet) == nil) }  // 1.5 s pause
        #expect(try recorder.append(speech) == nil)
        var reason: Recorder.StopReason?
        var frames = 0
        while reason == nil, frames < 500 {
            reason = try recorder.append(quiet)
            frames += 1
        }
        #expect(reason == .silence)
        #expect((100...101).contains(frames))
    }
}

import Dispatch

/// Records a call's incoming audio to a 16-bit WAV file with libsndfile as it arrives.
///
/// Samples are held in memory for at most ``flushInterval`` seconds of audio, then written
/// and synced (`sf_write_sync`), and libsndfile rewrites the WAV header on every write: a
/// crash loses at most the last second and leaves a readable file. With
/// `writesInBackground` (the default) the writes and syncs run on the recorder's own serial
/// queue, so a slow disk never blocks the event loop; a write error is reported by the next
/// ``append(_:)`` or by ``finish()``. Recording stops at
/// ``maximumSeconds`` or after ``silenceSeconds`` of continuous silence (frames whose level
/// is below ``silenceThresholdDBm0``), whichever comes first.
public final class Recorder {
    /// Why recording stopped.
    public enum StopReason: Sendable, Equatable {
        /// The maximum duration was reached.
        case maximumDuration
        /// The caller was silent for the configured time.
        case silence
    }

    /// The file being written.
    public let path: String
    /// Sample rate of the file (8000 for G.711 calls, 16000 for G.722).
    public let sampleRate: Int
    /// Longest recording.
    public let maximumSeconds: Double
    /// Silence that ends the recording; nil never stops on silence.
    public let silenceSeconds: Double?
    /// Level under which a 20 ms frame counts as silence.
    public let silenceThresholdDBm0: Double
    /// Seconds of audio held before a write and sync.
    public let flushInterval: Double
    /// Why it stopped, once it has.
    public private(set) var stopReason: StopReason?

    private let writer: WriterBox
    private let queue: DispatchQueue?

    /// The file writer, touched only on the recorder's queue (or, without one, the caller's).
    private final class WriterBox: @unchecked Sendable {
        let writer: WAVWriter
        var error: SoundFile.Failure?
        init(_ writer: WAVWriter) { self.writer = writer }
        func write(_ samples: [Int16]) {
            guard error == nil else { return }
            do {
                try writer.write(samples)
                writer.sync()
            } catch {
                self.error = error
            }
        }
    }
    private var pending: [Int16] = []
    private var recorded = 0
    private var silentRun = 0
    private var frameEnergy: Double = 0
    private var frameFill = 0
    private let frameSize: Int
    private let silenceEnergy: Double

    /// Opens `path` for writing.
    public init(path: String, sampleRate: Int = 8000, maximumSeconds: Double = 180, silenceSeconds: Double? = 5,
                silenceThresholdDBm0: Double = -45, flushInterval: Double = 1, writesInBackground: Bool = true) throws(SoundFile.Failure) {
        self.path = path
        self.sampleRate = sampleRate
        self.maximumSeconds = maximumSeconds
        self.silenceSeconds = silenceSeconds
        self.silenceThresholdDBm0 = silenceThresholdDBm0
        self.flushInterval = min(max(flushInterval, 0.02), 1)
        self.writer = WriterBox(try WAVWriter(path: path, sampleRate: sampleRate))
        self.queue = writesInBackground ? DispatchQueue(label: "switchboard.recorder") : nil
        frameSize = sampleRate / 50
        // Mean square of a sine at the threshold level.
        let amplitude = DTMFToneDetector.zeroDBm0Amplitude * pow10(silenceThresholdDBm0 / 20)
        silenceEnergy = amplitude * amplitude / 2
        pending.reserveCapacity(Int(Double(sampleRate) * self.flushInterval))
    }

    /// Seconds recorded (written or pending).
    public var durationSeconds: Double { Double(recorded) / Double(sampleRate) }

    /// Appends decoded audio. Returns the reason when this audio ended the recording (the
    /// part past the maximum is not kept). Throws if the disk write fails.
    @discardableResult
    public func append(_ samples: [Int16]) throws(SoundFile.Failure) -> StopReason? {
        guard stopReason == nil else { return stopReason }
        let room = Int(maximumSeconds * Double(sampleRate)) - recorded
        let kept = samples.prefix(max(room, 0))
        for sample in kept {
            let value = Double(sample)
            frameEnergy += value * value
            frameFill += 1
            if frameFill == frameSize {
                if frameEnergy / Double(frameSize) < silenceEnergy { silentRun += frameSize } else { silentRun = 0 }
                frameEnergy = 0
                frameFill = 0
            }
        }
        pending.append(contentsOf: kept)
        recorded += kept.count
        if pending.count >= Int(Double(sampleRate) * flushInterval) { try flush() }
        if kept.count < samples.count || recorded >= Int(maximumSeconds * Double(sampleRate)) {
            stopReason = .maximumDuration
        } else if let silenceSeconds, Double(silentRun) >= silenceSeconds * Double(sampleRate) {
            stopReason = .silence
        }
        if stopReason != nil { try close() }
        return stopReason
    }

    /// Writes and syncs what is held (in the background when so configured).
    public func flush() throws(SoundFile.Failure) {
        if let error = writer.error { throw error }
        guard !pending.isEmpty else { return }
        let chunk = pending
        pending.removeAll(keepingCapacity: true)
        if let queue {
            let box = writer
            queue.async { box.write(chunk) }
        } else {
            writer.write(chunk)
            if let error = writer.error { throw error }
        }
    }

    /// Writes what is held and closes the file without waiting (the queue does it).
    public func close() throws(SoundFile.Failure) {
        try flush()
        let box = writer
        if let queue {
            queue.async { box.writer.close() }
        } else {
            box.writer.close()
        }
    }

    /// Waits until every write handed to the background queue is on disk.
    public func waitForWrites() {
        queue?.sync {}
    }

    /// Writes what is held and closes the file (waits for background writes).
    public func finish() throws(SoundFile.Failure) {
        try flush()
        let box = writer
        if let queue {
            queue.sync { box.writer.close() }
        } else {
            box.writer.close()
        }
        if let error = box.error { throw error }
    }
}

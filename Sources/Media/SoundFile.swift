import CSndFile

/// Reading audio files with libsndfile (WAV, FLAC, Ogg/Vorbis, Opus, MP3 — whatever the
/// installed library supports).
public enum SoundFile {
    /// A file that could not be decoded, with libsndfile's reason.
    public struct Failure: Error, CustomStringConvertible {
        /// The reason.
        public var description: String
    }

    /// Decodes `path` and mixes all channels to mono (the mean of the channels).
    public static func readMono(path: String) throws(Failure) -> (samples: [Float], sampleRate: Int) {
        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            throw Failure(description: String(cString: sf_strerror(nil)))
        }
        defer { sf_close(file) }
        let channels = Int(info.channels)
        guard channels > 0, info.samplerate > 0 else { throw Failure(description: "no audio channels") }
        var mono: [Float] = []
        if info.frames > 0 { mono.reserveCapacity(Int(info.frames)) }
        var chunk = [Float](repeating: 0, count: 4096 * channels)
        while true {
            let read = chunk.withUnsafeMutableBufferPointer { sf_readf_float(file, $0.baseAddress, 4096) }
            if read <= 0 { break }
            for frame in 0..<Int(read) {
                var sum: Float = 0
                for channel in 0..<channels { sum += chunk[frame * channels + channel] }
                mono.append(sum / Float(channels))
            }
        }
        let error = sf_error(file)
        if error != 0 { throw Failure(description: String(cString: sf_error_number(error))) }
        return (mono, Int(info.samplerate))
    }
}

/// Writes 16-bit mono WAV with libsndfile, keeping the header current after every write
/// (`SFC_SET_UPDATE_HEADER_AUTO`) so that a file cut off by a crash is still readable.
public final class WAVWriter {
    private var file: OpaquePointer?
    /// The sample rate written.
    public let sampleRate: Int
    /// Samples written so far.
    public private(set) var samplesWritten = 0

    /// Creates (or truncates) `path`.
    public init(path: String, sampleRate: Int) throws(SoundFile.Failure) {
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = 1
        info.format = Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        guard let file = sf_open(path, Int32(SFM_WRITE), &info) else {
            throw SoundFile.Failure(description: "\(path): \(String(cString: sf_strerror(nil)))")
        }
        sf_command(file, Int32(SFC_SET_UPDATE_HEADER_AUTO), nil, Int32(SF_TRUE))
        self.file = file
        self.sampleRate = sampleRate
    }

    deinit { close() }

    /// Appends samples.
    public func write(_ samples: [Int16]) throws(SoundFile.Failure) {
        guard let file, !samples.isEmpty else { return }
        let written = samples.withUnsafeBufferPointer { sf_write_short(file, $0.baseAddress, sf_count_t($0.count)) }
        samplesWritten += Int(max(written, 0))
        guard written == samples.count else { throw SoundFile.Failure(description: String(cString: sf_strerror(file))) }
    }

    /// Pushes written data to the disk (`fsync`).
    public func sync() {
        if let file { sf_write_sync(file) }
    }

    /// Finishes the file.
    public func close() {
        if let file { sf_close(file) }
        file = nil
    }
}

/// What `WAVFile.inspect` learns about a WAV file: its format, where the audio is, and how
/// long it really is.
public struct WAVAudioInfo: Hashable, Sendable {
    /// Samples per second per channel.
    public var sampleRate: Int
    /// Channels.
    public var channels: Int
    /// Bytes per frame (all channels of one sample instant).
    public var blockAlign: Int
    /// Byte offset of the first audio byte (just past the `data` chunk header).
    public var dataOffset: Int
    /// Audio bytes actually present, whole frames only.
    public var dataBytes: Int
    /// Whether the RIFF and `data` sizes in the header match the file (false for a file a
    /// crash left behind before its header was finalised).
    public var headerIsFinal: Bool

    public init(sampleRate: Int, channels: Int, blockAlign: Int, dataOffset: Int, dataBytes: Int, headerIsFinal: Bool) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.blockAlign = blockAlign
        self.dataOffset = dataOffset
        self.dataBytes = dataBytes
        self.headerIsFinal = headerIsFinal
    }

    /// Frames of audio.
    public var frames: Int { blockAlign > 0 ? dataBytes / blockAlign : 0 }

    /// Whether there is any audio at all.
    public var hasAudio: Bool { frames > 0 }

    /// The audio's length, exact to the nanosecond.
    public var duration: Duration {
        guard sampleRate > 0 else { return .zero }
        let whole = frames / sampleRate
        let rest = frames % sampleRate
        return .seconds(whole) + .nanoseconds(Int64(rest) * 1_000_000_000 / Int64(sampleRate))
    }
}

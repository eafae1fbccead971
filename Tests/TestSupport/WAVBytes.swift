import Foundation

/// Builds WAV files byte by byte for the voicemail tests, including the broken ones a crash
/// leaves behind (header sizes never finalised).
public enum WAVBytes {
    /// A 16-bit PCM WAV: RIFF header, `fmt `, then `data` with `frames` frames of a ramp.
    /// `riffSize` and `dataSize` default to the correct values; pass 0 (or anything) to
    /// imitate a recorder that died before rewriting them. `trailer` is appended after the
    /// audio (e.g. a `LIST` chunk, or garbage).
    public static func pcm16(frames: Int, sampleRate: Int = 8000, channels: Int = 1, riffSize: UInt32? = nil,
                             dataSize: UInt32? = nil, trailer: [UInt8] = []) -> Data {
        let blockAlign = 2 * channels
        let audioBytes = frames * blockAlign
        var bytes: [UInt8] = []
        bytes += Array("RIFF".utf8) + le32(riffSize ?? UInt32(36 + audioBytes + trailer.count)) + Array("WAVE".utf8)
        bytes += Array("fmt ".utf8) + le32(16) + le16(1) + le16(UInt16(channels)) + le32(UInt32(sampleRate))
        bytes += le32(UInt32(sampleRate * blockAlign)) + le16(UInt16(blockAlign)) + le16(16)
        bytes += Array("data".utf8) + le32(dataSize ?? UInt32(audioBytes))
        for index in 0..<frames * channels { bytes += le16(UInt16(truncatingIfNeeded: index * 37)) }
        return Data(bytes + trailer)
    }

    /// A `LIST` chunk with `INFO` and some text, as tools append after the audio.
    public static let listChunk: [UInt8] = Array("LIST".utf8) + le32(12) + Array("INFOISFT".utf8) + le32(0)

    static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    static func le32(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
    }
}

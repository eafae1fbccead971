import Foundation

/// Reads the length of a WAV file from its RIFF chunks with plain Foundation, and repairs
/// the header of one a crash left unfinished.
///
/// A recorder writes the header first with provisional sizes and keeps appending audio; if
/// the process dies before the sizes are rewritten, the `data` chunk's size is 0, stale, or
/// larger than the file. The real length then comes from the file size: the audio runs from
/// the `data` chunk's start to the end of the file. A declared size smaller than what
/// follows is trusted only when a well-formed chunk header follows the audio (a trailing
/// `LIST` chunk, say); otherwise the bytes after it are audio written after the last header
/// update.
public enum WAVFile {
    /// Why a file is not a WAV this reader understands.
    public enum Failure: Error, Hashable, Sendable, CustomStringConvertible {
        /// The file could not be opened or read.
        case unreadable(String)
        /// No `RIFF…WAVE` header.
        case notWAV
        /// No `fmt ` chunk before the `data` chunk, or a nonsensical one.
        case badFormat
        /// No `data` chunk.
        case noData

        public var description: String {
            switch self {
            case .unreadable(let reason): "unreadable: \(reason)"
            case .notWAV: "not a RIFF/WAVE file"
            case .badFormat: "missing or invalid fmt chunk"
            case .noData: "no data chunk"
            }
        }
    }

    /// Chunks up to this offset are searched for `fmt ` and `data`.
    private static let headerSearchLimit = 1 << 20

    /// The format, audio position and real length of the WAV file at `url`.
    public static func inspect(_ url: URL) throws(Failure) -> WAVAudioInfo {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch { throw .unreadable(error.localizedDescription) }
        defer { try? handle.close() }
        let fileSize: Int
        let head: [UInt8]
        do {
            fileSize = Int(try handle.seekToEnd())
            try handle.seek(toOffset: 0)
            head = Array(try handle.read(upToCount: min(fileSize, headerSearchLimit)) ?? Data())
        } catch {
            throw .unreadable(error.localizedDescription)
        }
        return try parse(head, fileSize: fileSize)
    }

    /// Parses the first bytes of a WAV file (`head`, at least through the `data` chunk
    /// header) of `fileSize` bytes in all.
    public static func parse(_ head: [UInt8], fileSize: Int) throws(Failure) -> WAVAudioInfo {
        guard head.count >= 12, tag(head, 0) == "RIFF", tag(head, 8) == "WAVE" else { throw .notWAV }
        var offset = 12
        var format: (rate: Int, channels: Int, blockAlign: Int)?
        while offset + 8 <= head.count {
            let id = tag(head, offset)
            let size = Int(le32(head, offset + 4))
            let body = offset + 8
            if id == "fmt " {
                guard size >= 16, body + 16 <= head.count else { throw .badFormat }
                let channels = Int(le16(head, body + 2))
                let rate = Int(le32(head, body + 4))
                let blockAlign = Int(le16(head, body + 12))
                guard channels > 0, rate > 0, blockAlign > 0 else { throw .badFormat }
                format = (rate, channels, blockAlign)
            } else if id == "data" {
                guard let format else { throw .badFormat }
                let available = max(0, fileSize - body)
                let declared = size
                var bytes = available
                if declared > 0, declared < available, followedByChunk(head, at: body + declared + (declared & 1), fileSize: fileSize) {
                    bytes = declared
                }
                bytes -= bytes % format.blockAlign
                let riffFinal = Int(le32(head, 4)) == fileSize - 8
                return WAVAudioInfo(sampleRate: format.rate, channels: format.channels, blockAlign: format.blockAlign,
                                    dataOffset: body, dataBytes: bytes,
                                    headerIsFinal: riffFinal && declared == bytes)
            }
            guard size <= fileSize else { break }  // a garbage size: no chunk walk beyond it
            offset = body + size + (size & 1)
        }
        throw format == nil ? .badFormat : .noData
    }

    /// Rewrites the RIFF and `data` sizes of a file a crash left unfinished so that every
    /// player reads it: when the audio runs to the end of the file, a trailing partial frame
    /// is cut and both sizes are set; otherwise (a chunk follows the audio) only the RIFF
    /// size is. Does nothing to a file whose header is final. Returns the info afterwards.
    @discardableResult
    public static func finaliseHeader(_ url: URL) throws(Failure) -> WAVAudioInfo {
        var info = try inspect(url)
        guard !info.headerIsFinal else { return info }
        let end = info.dataOffset + info.dataBytes
        do {
            let handle = try FileHandle(forUpdating: url)
            defer { try? handle.close() }
            let fileSize = Int(try handle.seekToEnd())
            let audioRunsToEnd = fileSize - end < info.blockAlign
            if audioRunsToEnd {
                try handle.truncate(atOffset: UInt64(end))
                try handle.seek(toOffset: UInt64(info.dataOffset - 4))
                try handle.write(contentsOf: littleEndian(UInt32(clamping: info.dataBytes)))
            }
            try handle.seek(toOffset: 4)
            try handle.write(contentsOf: littleEndian(UInt32(clamping: (audioRunsToEnd ? end : fileSize) - 8)))
            try handle.synchronize()
        } catch {
            throw .unreadable(error.localizedDescription)
        }
        info.headerIsFinal = true
        return info
    }

    /// Whether a plausible chunk header (four printable ASCII bytes and a size that fits in
    /// the file) starts at `offset`.
    private static func followedByChunk(_ head: [UInt8], at offset: Int, fileSize: Int) -> Bool {
        guard offset + 8 <= head.count else { return false }
        let printable = head[offset..<offset + 4].allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        return printable && offset + 8 + Int(le32(head, offset + 4)) <= fileSize
    }

    private static func tag(_ bytes: [UInt8], _ offset: Int) -> String {
        String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
    }

    private static func le16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    private static func le32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }

    private static func littleEndian(_ value: UInt32) -> Data {
        Data([UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)])
    }
}

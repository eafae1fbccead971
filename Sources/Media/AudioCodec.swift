import SDP

/// A voice codec the media engine encodes and decodes: G.711 µ-law/A-law or G.722.
public enum AudioCodec: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// G.711 µ-law, 8 kHz, payload type 0.
    case pcmu = "PCMU"
    /// G.711 A-law, 8 kHz, payload type 8.
    case pcma = "PCMA"
    /// G.722, 16 kHz audio at 64 kbit/s, payload type 9 with an 8000 Hz RTP clock.
    case g722 = "G722"

    /// The codec an SDP format stands for, or nil for one the engine cannot handle.
    public init?(_ codec: Codec) {
        guard let match = AudioCodec.allCases.first(where: { $0.sdpCodec.matches(codec) }) else { return nil }
        self = match
    }

    /// The SDP description with its static payload type.
    public var sdpCodec: Codec {
        switch self {
        case .pcmu: .pcmu
        case .pcma: .pcma
        case .g722: .g722
        }
    }

    /// Position in ``allCases`` (for per-codec arrays).
    public var index: Int {
        switch self {
        case .pcmu: 0
        case .pcma: 1
        case .g722: 2
        }
    }

    /// The static payload type (RFC 3551 §6, Table 4).
    public var staticPayloadType: UInt8 {
        switch self {
        case .pcmu: 0
        case .pcma: 8
        case .g722: 9
        }
    }

    /// The rate of the audio samples the codec carries.
    public var sampleRate: Int {
        self == .g722 ? 16000 : 8000
    }

    /// The RTP timestamp clock: 8000 Hz for all three (RFC 3551 §4.5.2 for G.722's quirk).
    public var rtpClockRate: Int { 8000 }

    /// Audio samples in a packet of `ptime` milliseconds.
    public func samplesPerFrame(ptimeMs: Int = 20) -> Int { sampleRate * ptimeMs / 1000 }

    /// RTP timestamp units a packet of `ptime` milliseconds advances.
    public func timestampIncrement(ptimeMs: Int = 20) -> UInt32 { UInt32(rtpClockRate * ptimeMs / 1000) }

    /// Payload bytes in a packet of `ptime` milliseconds (all three codecs run at 64 kbit/s).
    public func bytesPerFrame(ptimeMs: Int = 20) -> Int { 8 * ptimeMs }

    public var description: String { rawValue }
}

/// Encodes 16-bit linear PCM at the codec's sample rate into payload bytes. G.711 is
/// stateless; G.722 keeps its ADPCM state, so use one encoder per stream.
public final class AudioEncoder {
    /// The codec this encoder produces.
    public let codec: AudioCodec
    private let g722: G722Encoder?

    /// Creates an encoder for `codec`.
    public init(codec: AudioCodec) {
        self.codec = codec
        self.g722 = codec == .g722 ? G722Encoder() : nil
    }

    /// Encodes `samples`, appending the payload bytes to `output`.
    public func encode(_ samples: UnsafeBufferPointer<Int16>, appendingTo output: inout [UInt8]) {
        switch codec {
        case .pcmu:
            output.reserveCapacity(output.count + samples.count)
            for sample in samples { output.append(G711.ulaw(fromLinear: sample)) }
        case .pcma:
            output.reserveCapacity(output.count + samples.count)
            for sample in samples { output.append(G711.alaw(fromLinear: sample)) }
        case .g722:
            g722?.encode(samples, appendingTo: &output)
        }
    }

    /// Encodes `samples` into a new payload.
    public func encode(_ samples: [Int16]) -> [UInt8] {
        var output: [UInt8] = []
        samples.withUnsafeBufferPointer { encode($0, appendingTo: &output) }
        return output
    }
}

/// Decodes payload bytes into 16-bit linear PCM at the codec's sample rate. One decoder
/// per stream (G.722 is stateful).
public final class AudioDecoder {
    /// The codec this decoder reads.
    public let codec: AudioCodec
    private let g722: G722Decoder?

    /// Creates a decoder for `codec`.
    public init(codec: AudioCodec) {
        self.codec = codec
        self.g722 = codec == .g722 ? G722Decoder() : nil
    }

    /// Decodes `payload`, appending samples to `output`.
    public func decode(_ payload: UnsafeRawBufferPointer, appendingTo output: inout [Int16]) {
        switch codec {
        case .pcmu:
            output.reserveCapacity(output.count + payload.count)
            for byte in payload { output.append(G711.linear(fromULaw: byte)) }
        case .pcma:
            output.reserveCapacity(output.count + payload.count)
            for byte in payload { output.append(G711.linear(fromALaw: byte)) }
        case .g722:
            g722?.decode(payload, appendingTo: &output)
        }
    }

    /// Decodes `payload` into new samples.
    public func decode(_ payload: [UInt8]) -> [Int16] {
        var output: [Int16] = []
        payload.withUnsafeBytes { decode($0, appendingTo: &output) }
        return output
    }
}

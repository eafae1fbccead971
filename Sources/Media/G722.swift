import CSpanDSP

/// ITU-T G.722 encoder at 64 kbit/s (mode 1) over spandsp's implementation: 16 kHz
/// 16-bit samples in, one byte per two samples out. Keeps the sub-band ADPCM state.
public final class G722Encoder {
    private let state: OpaquePointer?

    /// Creates an encoder in its reset state (G.722 §3).
    public init() {
        state = g722_encode_init(nil, 64000, 0)
    }

    deinit {
        if let state { g722_encode_free(state) }
    }

    /// Encodes `samples` (an even count for whole bytes), appending the code bytes.
    public func encode(_ samples: UnsafeBufferPointer<Int16>, appendingTo output: inout [UInt8]) {
        guard let state, let base = samples.baseAddress, !samples.isEmpty else { return }
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: samples.count / 2 + 1))
        let produced = output.withUnsafeMutableBufferPointer { out in
            g722_encode(state, out.baseAddress.map { $0 + start }, base, Int32(samples.count))
        }
        output.removeLast(output.count - start - Int(max(produced, 0)))
    }
}

/// ITU-T G.722 decoder at 64 kbit/s over spandsp: one byte in, two 16 kHz samples out.
public final class G722Decoder {
    private let state: OpaquePointer?

    /// Creates a decoder in its reset state.
    public init() {
        state = g722_decode_init(nil, 64000, 0)
    }

    deinit {
        if let state { g722_decode_free(state) }
    }

    /// Decodes `payload`, appending the samples.
    public func decode(_ payload: UnsafeRawBufferPointer, appendingTo output: inout [Int16]) {
        guard let state, let base = payload.baseAddress, !payload.isEmpty else { return }
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: payload.count * 2))
        let produced = output.withUnsafeMutableBufferPointer { out in
            g722_decode(state, out.baseAddress.map { $0 + start }, base.assumingMemoryBound(to: UInt8.self), Int32(payload.count))
        }
        output.removeLast(output.count - start - Int(max(produced, 0)))
    }
}

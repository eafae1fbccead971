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
///
/// spandsp 0.0.6 (Debian 12) stores the QMF output with `(int16_t)(x >> 11)`, which wraps
/// around instead of saturating when loud input overshoots full scale (G.722 and FFmpeg
/// saturate). The wrap is undone here: a step between neighbouring samples larger than
/// 49,152 cannot come from the band-limited QMF output at any realistic level (it would
/// take a sine above 6 kHz at three quarters of full scale), so such a sample is taken
/// as wrapped and saturated. Tested bit-exact against FFmpeg's decoder on overloaded input.
public final class G722Decoder {
    private let state: OpaquePointer?
    private var previous: Int32 = 0

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
        // Undo spandsp's wrap-around (see the type's note): saturate instead.
        var last = previous
        for index in start..<output.count {
            let value = Int32(output[index])
            if value - last > 49_152 {
                output[index] = Int16.min  // was below −32768 and wrapped to a large positive value
            } else if last - value > 49_152 {
                output[index] = Int16.max  // was above 32767 and wrapped to a large negative value
            }
            last = Int32(output[index])
        }
        previous = last
    }
}

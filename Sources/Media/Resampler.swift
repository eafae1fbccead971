import CSoxr

/// Sample-rate conversion with libsoxr (high quality: 20-bit, linear phase).
public enum Resampler {
    /// A resampling failure, with libsoxr's message.
    public struct Failure: Error, CustomStringConvertible {
        /// libsoxr's error text.
        public var description: String
    }

    /// Resamples a whole mono signal held in memory from `inputRate` to `outputRate`.
    public static func resample(_ input: [Float], from inputRate: Int, to outputRate: Int) throws(Failure) -> [Float] {
        guard inputRate != outputRate, !input.isEmpty else { return input }
        let outputCount = Int((Double(input.count) * Double(outputRate) / Double(inputRate)).rounded(.up)) + 16
        var output = [Float](repeating: 0, count: outputCount)
        var done = 0
        var quality = soxr_quality_spec(UInt(SOXR_HQ), 0)
        let error: soxr_error_t? = input.withUnsafeBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                soxr_oneshot(Double(inputRate), Double(outputRate), 1,
                             inBuffer.baseAddress, inBuffer.count, nil,
                             outBuffer.baseAddress, outBuffer.count, &done,
                             nil, &quality, nil)
            }
        }
        if let error { throw Failure(description: String(cString: error)) }
        return Array(output.prefix(done))
    }
}

/// A streaming resampler for 16-bit audio (relaying between an 8 kHz and a 16 kHz leg):
/// keeps its filter state between calls, so 20 ms pieces join without clicks.
public final class StreamingResampler {
    private let soxr: soxr_t?
    private let ratio: Double

    /// Creates a resampler from `inputRate` to `outputRate` (medium quality: low latency).
    public init(from inputRate: Int, to outputRate: Int) {
        ratio = Double(outputRate) / Double(inputRate)
        var io = soxr_io_spec(SOXR_INT16_I, SOXR_INT16_I)
        var quality = soxr_quality_spec(UInt(SOXR_MQ), 0)
        var error: soxr_error_t?
        soxr = soxr_create(Double(inputRate), Double(outputRate), 1, &error, &io, &quality, nil)
    }

    deinit {
        if let soxr { soxr_delete(soxr) }
    }

    /// Resamples a piece; output may lag by the filter delay at first.
    public func process(_ input: [Int16]) -> [Int16] {
        guard let soxr else { return [] }
        var output = [Int16](repeating: 0, count: Int(Double(input.count) * ratio) + 64)
        var done = 0
        _ = input.withUnsafeBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                soxr_process(soxr, inBuffer.baseAddress, inBuffer.count, nil, outBuffer.baseAddress, outBuffer.count, &done)
            }
        }
        return Array(output.prefix(done))
    }
}

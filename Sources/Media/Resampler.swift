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


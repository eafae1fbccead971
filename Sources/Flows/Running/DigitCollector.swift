/// The rules of one `collectDigits` request, without a clock: which timeout applies now and
/// when input has ended. The live call and the simulator both feed it keys and timeouts, so
/// a flow collects digits the same way on a phone and in a test.
///
/// - Before the first key the first-digit timeout applies; after each key the inter-digit
///   timeout starts again (docs/flows.md, "Menu timing").
/// - The terminator ends input and is not part of the digits.
/// - Input ends as soon as the keys equal one of `completeSequences`, or `maxDigits` are in.
public struct DigitCollector: Sendable {
    public let request: DigitRequest
    /// The keys so far, without the terminator.
    public private(set) var digits = ""

    public init(_ request: DigitRequest) {
        self.request = request
    }

    /// The timeout running now: first-digit before any key, inter-digit after.
    public var timeout: Duration {
        digits.isEmpty ? request.firstDigitTimeout : request.interDigitTimeout
    }

    /// A key arrived; returns the result when it ended input.
    public mutating func receive(_ key: Character) -> DigitResult? {
        if key == request.terminator { return DigitResult(digits: digits, ending: .terminator) }
        digits.append(key)
        if request.completeSequences.contains(digits) { return DigitResult(digits: digits, ending: .complete) }
        if digits.count >= request.maxDigits { return DigitResult(digits: digits, ending: .maxDigits) }
        return nil
    }

    /// The running timeout expired.
    public func timedOut() -> DigitResult {
        DigitResult(digits: digits, ending: digits.isEmpty ? .firstDigitTimeout : .interDigitTimeout)
    }
}

/// What a PIN may look like: digits only (it is keyed on a phone's keypad), between
/// `minLength` and `maxLength` long. Checked when a PIN is set, never when one is tried
/// (a wrong-looking attempt is simply wrong).
public struct PINRules: Hashable, Sendable {
    /// Fewest digits (default 4).
    public var minLength: Int
    /// Most digits (default 12).
    public var maxLength: Int

    public init(minLength: Int = 4, maxLength: Int = 12) {
        self.minLength = minLength
        self.maxLength = maxLength
    }

    /// The defaults: 4 to 12 digits.
    public static let standard = PINRules()

    /// Throws `VoicemailError.invalidPIN` with the reason when `pin` is not acceptable.
    public func validate(_ pin: String) throws(VoicemailError) {
        guard pin.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw .invalidPIN("a PIN has digits only (0–9)")
        }
        guard pin.utf8.count >= minLength, pin.utf8.count <= maxLength else {
            throw .invalidPIN("a PIN has \(minLength) to \(maxLength) digits")
        }
    }
}

extension Character {
    /// One of a phone keypad's twelve keys: `0`–`9`, `*`, `#` (the keys a caller presses;
    /// RFC 4733's events 0–11).
    public var isKeypadKey: Bool { "0123456789*#".contains(self) }
}

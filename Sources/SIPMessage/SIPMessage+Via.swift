/// Editing the Via stack.
extension SIPMessage {
    /// Replaces the topmost Via value, keeping any further values on the same line and the
    /// position of every header (what a server does when it adds `received`/`rport`,
    /// RFC 3261 §18.2.1, RFC 3581 §4).
    public mutating func replaceTopVia(_ via: Via) {
        var rebuilt = SIPHeaders()
        var replaced = false
        for header in headers {
            guard !replaced, HeaderName(header.name) == .via else {
                rebuilt.append(header.name, header.value)
                continue
            }
            let values = SIPHeaders([(header.name, header.value)]).values(.via)
            let rest = values.dropFirst()
            rebuilt.append(header.name, ([via.description] + rest).joined(separator: ", "))
            replaced = true
        }
        headers = rebuilt
    }
}

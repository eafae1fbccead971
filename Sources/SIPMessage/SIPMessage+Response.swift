/// Building a response from a request (RFC 3261 §8.2.6).
extension SIPMessage {
    /// A response to `request` with the headers RFC 3261 §8.2.6.2 says to copy:
    /// every Via in order, From, To (with `toTag` added when it has no tag and the status
    /// is not 100), Call-ID and CSeq; for `100 Trying` also Timestamp (§8.2.6.1).
    /// Record-Route is copied for 2xx and 18x to dialog-creating requests (§12.1.1).
    /// Content-Length 0 is set; use `setBody` to add a body.
    public static func response(to request: SIPMessage, status: Int, reason: String? = nil, toTag: String? = nil) -> SIPMessage {
        var headers = SIPHeaders()
        let source = request.headers
        source.withBytes { arena in
            source.withFields { fields in
                for field in fields {
                    let copy: Bool
                    switch field.known {
                    case .via, .from, .callID, .cseq: copy = true
                    case .timestamp: copy = status == 100
                    case .recordRoute: copy = (101...299).contains(status)
                    default: copy = false
                    }
                    guard copy || field.known == .to else { continue }
                    var value = arena.string(field.valueRange)
                    if field.known == .to, status != 100, let toTag, !(Self.hasTag(source.storage, arena, field.valueRange)) {
                        value += ";tag=" + toTag
                    }
                    headers.append(arena.string(field.nameRange), value)
                }
            }
        }
        headers.append(.contentLength, "0")
        return .response(status: status, reason: reason, headers: headers)
    }

    /// Whether an address header value already carries a `tag` parameter.
    private static func hasTag(_ storage: ByteStorage, _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var scanner = ByteScanner(storage: storage, bytes: bytes, range: range, context: "To")
        guard let address = try? NameAddress.parse(&scanner) else { return false }
        return address.tag != nil
    }
}

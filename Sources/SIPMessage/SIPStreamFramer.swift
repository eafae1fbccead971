/// Finds message boundaries in a byte stream (TCP/TLS), per RFC 3261 §18.3: the header
/// block ends at the first empty line and Content-Length (mandatory on streams) gives the
/// body size. CRLF keep-alives between messages are recognised (RFC 5626 §4.4.1).
///
/// Sans-IO: feed it bytes with `append`, then take whatever complete frames `next()` gives.
public struct SIPStreamFramer: Sendable {
    /// What the stream carried next.
    public enum Frame: Equatable, Sendable {
        /// The bytes of exactly one message, to be parsed with `framing: .stream`.
        case message([UInt8])
        /// A double-CRLF "ping": answer with a single CRLF "pong" (RFC 5626 §4.4.1).
        case keepAlivePing
        /// A single CRLF "pong" (or a stray CRLF between messages): nothing to do.
        case keepAlivePong
    }

    public let limits: SIPParser.Limits
    private var buffer: [UInt8] = []
    /// Start of unread bytes in `buffer`.
    private var start = 0
    /// How far the search for the end of headers has got, so no byte is scanned twice.
    private var scanned = 0

    public init(limits: SIPParser.Limits = .default) {
        self.limits = limits
    }

    /// Bytes received but not yet returned as a frame.
    public var bufferedCount: Int { buffer.count - start }

    /// The first `count` bytes not yet returned as a frame: the start of the message being
    /// framed, so a server can still answer a message the framer rejects (e.g. with `513`).
    public func unframedPrefix(_ count: Int) -> [UInt8] {
        Array(buffer[start..<min(buffer.count, start + count)])
    }

    /// Adds bytes read from the connection.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if start > 0, start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            scanned = 0
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame, nil when more bytes are needed. An error means the stream
    /// is unusable (no way to find the next message) and the connection should be closed.
    public mutating func next() throws(SIPParseError) -> Frame? {
        // Keep-alives and stray line ends before a message (RFC 5626 §4.4.1, RFC 3261 §7.5).
        if bufferedCount >= 1, buffer[start] == ASCII.cr || buffer[start] == ASCII.lf {
            if hasPrefix([ASCII.cr, ASCII.lf, ASCII.cr, ASCII.lf]) { return consume(4, .keepAlivePing) }
            // Could still become a ping: a lone CRLF is a pong only once something follows.
            if bufferedCount < 4, isPrefixOf([ASCII.cr, ASCII.lf, ASCII.cr, ASCII.lf]) { return nil }
            if hasPrefix([ASCII.cr, ASCII.lf]) { return consume(2, .keepAlivePong) }
            return consume(1, .keepAlivePong)
        }

        guard let headerEnd = findHeaderEnd() else {
            if bufferedCount > limits.maxMessageSize { throw .messageTooLarge(limit: limits.maxMessageSize) }
            return nil
        }
        let length = try contentLength(in: start..<headerEnd)
        let total = headerEnd - start + length
        guard total <= limits.maxMessageSize else { throw .messageTooLarge(limit: limits.maxMessageSize) }
        guard bufferedCount >= total else { return nil }
        let message = Array(buffer[start..<(start + total)])
        return consume(total, .message(message))
    }

    /// A pending lone CRLF (a pong) when the peer has gone quiet; call when no more bytes
    /// are expected soon, so a pong is not held back waiting to see if it is a ping.
    public mutating func flushPendingKeepAlive() -> Frame? {
        guard bufferedCount == 2, hasPrefix([ASCII.cr, ASCII.lf]) else { return nil }
        return consume(2, .keepAlivePong)
    }

    private func hasPrefix(_ bytes: [UInt8]) -> Bool {
        bufferedCount >= bytes.count && buffer[start..<(start + bytes.count)].elementsEqual(bytes)
    }

    private func isPrefixOf(_ bytes: [UInt8]) -> Bool {
        buffer[start...].elementsEqual(bytes.prefix(bufferedCount))
    }

    private mutating func consume(_ count: Int, _ frame: Frame) -> Frame {
        start += count
        scanned = start
        if start > 65_536, start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
            scanned = 0
        }
        return frame
    }

    /// Index just past the CRLFCRLF (or LFLF) that ends the header block.
    private mutating func findHeaderEnd() -> Int? {
        var index = max(scanned, start)
        while index < buffer.count {
            if buffer[index] == ASCII.lf {
                if index + 1 < buffer.count, buffer[index + 1] == ASCII.lf { return index + 2 }
                if index + 2 < buffer.count, buffer[index + 1] == ASCII.cr, buffer[index + 2] == ASCII.lf { return index + 3 }
                if index + 2 >= buffer.count { break }  // Need more bytes to decide.
            }
            index += 1
        }
        scanned = max(start, index - 3)
        return nil
    }

    /// The Content-Length value in the header block (long or compact form, folded or not;
    /// RFC 3261 §18.3). A value past the size limit means the message is too large.
    private func contentLength(in range: Range<Int>) throws(SIPParseError) -> Int {
        let limit = limits.maxMessageSize
        let found: Result<Int?, SIPParseError> = buffer.withUnsafeBufferPointer { bytes in
            var lineStart = range.lowerBound
            var result: Int? = nil
            while lineStart < range.upperBound {
                var lineEnd = lineStart
                while lineEnd < range.upperBound, bytes[lineEnd] != ASCII.lf { lineEnd += 1 }
                var nameEnd = lineStart
                while nameEnd < lineEnd, ASCII.isToken(bytes[nameEnd]) { nameEnd += 1 }
                if nameEnd > lineStart, HeaderName.lookupKnown(bytes, lineStart..<nameEnd) == .contentLength {
                    // The value runs on over continuation lines (those starting with SP/HT).
                    while lineEnd + 1 < range.upperBound, ASCII.isWhitespace(bytes[lineEnd + 1]) {
                        lineEnd += 1
                        while lineEnd < range.upperBound, bytes[lineEnd] != ASCII.lf { lineEnd += 1 }
                    }
                    switch Self.lengthValue(bytes, nameEnd..<lineEnd, limit: limit) {
                    case .success(let value):
                        if let previous = result, previous != value { return .failure(.duplicateHeader("Content-Length")) }
                        result = value
                    case .failure(let error):
                        return .failure(error)
                    }
                }
                lineStart = lineEnd + 1
            }
            return .success(result)
        }
        guard let length = try found.get() else { throw .missingContentLength }
        return length
    }

    /// `*WS ":"` then the value (see `ContentLengthValue`); past `limit` the message is too large.
    private static func lengthValue(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, limit: Int) -> Result<Int, SIPParseError> {
        var index = range.lowerBound
        while index < range.upperBound, ASCII.isWhitespace(bytes[index]) { index += 1 }
        guard index < range.upperBound, bytes[index] == ASCII.colon else { return .failure(.badHeaderLine("missing colon")) }
        guard let value = ContentLengthValue.parse(bytes, (index + 1)..<range.upperBound, limit: limit) else {
            return .failure(.badHeaderValue(header: "Content-Length", reason: "bad length"))
        }
        return value > limit ? .failure(.messageTooLarge(limit: limit)) : .success(value)
    }
}

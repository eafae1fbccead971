#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns bytes into a `SIPMessage` (RFC 3261 §7, §18.3), without splitting strings:
/// one pass over the bytes records where each header's name and value lie.
public struct SIPParser: Sendable {
    /// Bounds that keep any input from making memory or time grow without limit.
    public struct Limits: Sendable {
        /// Largest message accepted, start line to end of body.
        public let maxMessageSize: Int
        /// Most header lines accepted.
        public let maxHeaderCount: Int
        /// Longest line (and longest unfolded header value) accepted.
        public let maxLineLength: Int

        /// Values are clamped to what the parser can address (offsets are 32-bit).
        public init(maxMessageSize: Int = 65_535, maxHeaderCount: Int = 256, maxLineLength: Int = 16_384) {
            self.maxMessageSize = Swift.min(Swift.max(maxMessageSize, 0), Int(Int32.max) - 1)
            self.maxHeaderCount = maxHeaderCount
            self.maxLineLength = maxLineLength
        }

        public static let `default` = Limits()
    }

    /// How the message arrived, which decides how its body is framed (RFC 3261 §18.3).
    public enum Framing: Sendable {
        /// One message per datagram: the body runs to the end of the datagram, bytes past
        /// Content-Length are discarded, and a Content-Length past the end is an error.
        case datagram
        /// Bytes cut out of a stream by `SIPStreamFramer`: Content-Length is mandatory and exact.
        case stream
    }

    public var limits: Limits

    public init(limits: Limits = .default) {
        self.limits = limits
    }

    /// Parses one message from `bytes` (copied; the caller's buffer can be reused at once).
    public func parse(_ bytes: UnsafeRawBufferPointer, framing: Framing = .datagram) throws(SIPParseError) -> SIPMessage {
        guard bytes.count <= limits.maxMessageSize else { throw .messageTooLarge(limit: limits.maxMessageSize) }
        return try parse(bytes: UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count),
                         framing: framing)
    }

    /// Parses one message from `bytes`.
    public func parse(_ bytes: [UInt8], framing: Framing = .datagram) throws(SIPParseError) -> SIPMessage {
        guard bytes.count <= limits.maxMessageSize else { throw .messageTooLarge(limit: limits.maxMessageSize) }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(SIPParseError) -> SIPMessage in
            try parse(bytes: buffer, framing: framing)
        }
    }

    /// Parses one message from text.
    public func parse(_ text: String, framing: Framing = .datagram) throws(SIPParseError) -> SIPMessage {
        try parse(Array(text.utf8), framing: framing)
    }

    /// Header records the reader keeps on the stack (48 × 20 bytes fits the stack-allocation
    /// threshold of `withUnsafeTemporaryAllocation`); a message with more lines spills them
    /// into an array.
    private static let scratchRecords = 48

    /// Reads the caller's bytes, then copies them and the header records into one allocation
    /// of exactly the size needed (`ByteStorage.forParsing`), which the message keeps and
    /// shares with the typed values decoded from it.
    private func parse(bytes: UnsafeBufferPointer<UInt8>, framing: Framing) throws(SIPParseError) -> SIPMessage {
        try withUnsafeTemporaryAllocation(of: SIPHeaders.Field.self, capacity: Self.scratchRecords) {
            (scratch) throws(SIPParseError) -> SIPMessage in
            var reader = MessageReader(bytes: bytes, limits: limits, records: RecordWriter(scratch))
            let parts = try reader.read(framing: framing)
            let storage = ByteStorage.forParsing(bytes, records: reader.fields.count)
            return try withExtendedLifetime(storage) { () throws(SIPParseError) -> SIPMessage in
                reader.fields.copy(to: storage.tableBase)
                storage.setTable(count: reader.fields.count, presence: reader.fields.presence,
                                 contentLength: parts.singleContentLength ?? -1)
                // RFC 3261 §7.3.1: a folded line is equivalent to one line with the CRLF replaced
                // by whitespace, so the line ends inside folded values are overwritten with spaces.
                let writable = storage.mutableBytes
                for fold in parts.folds {
                    for index in fold { writable[index] = ASCII.space }
                }
                // The start line is decoded from the storage, so its URI can share the bytes.
                let scanner = ByteScanner(storage: storage, bytes: storage.bytes, range: parts.startLine, context: "start line")
                let startLine = try StartLineParser.parse(scanner)
                return SIPMessage(startLine: startLine, headers: SIPHeaders(storage: storage), body: parts.body)
            }
        }
    }
}

extension SIPMessage {
    /// Parses a message with the default limits (see `SIPParser`).
    public init(parsing bytes: [UInt8], framing: SIPParser.Framing = .datagram) throws(SIPParseError) {
        self = try SIPParser().parse(bytes, framing: framing)
    }

    /// Parses a message from text with the default limits.
    public init(parsing text: String, framing: SIPParser.Framing = .datagram) throws(SIPParseError) {
        self = try SIPParser().parse(text, framing: framing)
    }
}

/// One pass over the bytes of one message, recording where the start line, each header's
/// name and value, folded line ends, and the body lie.
private struct MessageReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let limits: SIPParser.Limits
    var index = 0
    var fields: RecordWriter

    init(bytes: UnsafeBufferPointer<UInt8>, limits: SIPParser.Limits, records: RecordWriter) {
        self.bytes = bytes
        self.limits = limits
        self.fields = records
    }

    /// The next line's content range (without CR LF) and moves past its terminator.
    /// Lines end in CRLF; a bare LF is accepted too, as robust implementations do.
    @inline(__always)
    mutating func nextLine() throws(SIPParseError) -> Range<Int> {
        let start = index
        let bytes = self.bytes
        // The line ends at the first CR or LF. Other control characters may appear inside it
        // (HTAB as whitespace, any of them escaped in a quoted-pair, RFC 3261 §25.1), so the
        // scan for control characters continues past them.
        var end = LineScanner.firstControl(bytes, from: start)
        while end < bytes.count, bytes[end] != ASCII.cr, bytes[end] != ASCII.lf {
            end = LineScanner.firstControl(bytes, from: end + 1)
        }
        guard end < bytes.count else { throw .incompleteHeaders }
        guard end - start <= limits.maxLineLength else { throw .lineTooLong(limit: limits.maxLineLength) }
        switch bytes[end] {
        case ASCII.lf:
            index = end + 1  // A bare LF: accepted as a line end, as robust parsers do.
        default:
            // RFC 3261 §7: a CR appears only as part of the CRLF ending a line; a bare CR
            // would let a next hop that splits lines at CR see a header we did not.
            guard end + 1 < bytes.count, bytes[end + 1] == ASCII.lf else { throw .badHeaderLine("bare CR inside a line") }
            index = end + 2
        }
        return start..<end
    }

    /// What one pass over the bytes finds: where the start line is, the header table, the body.
    struct Parts {
        var startLine: Range<Int>
        var body: [UInt8]
        /// The Content-Length value when there is exactly one such line and it reads the same
        /// as `contentLength()` would (at most ten characters), for that accessor to reuse.
        var singleContentLength: Int?
        /// Line ends inside folded header values, to be replaced by spaces.
        var folds: [Range<Int>]
    }

    mutating func read(framing: SIPParser.Framing) throws(SIPParseError) -> Parts {
        // RFC 3261 §7.5: empty lines before the start line are ignored.
        while index < bytes.count, bytes[index] == ASCII.cr || bytes[index] == ASCII.lf { index += 1 }
        let startLine = try nextLine()

        var contentLength: Int? = nil
        var contentLengthLines = 0, contentLengthText = 0
        var folds: [Range<Int>] = []
        while true {
            index = Self.readUsualHeaderLines(bytes, from: index, limits: limits, into: &fields)
            let line = try nextLine()
            if line.isEmpty { break }
            let first = bytes[line.lowerBound]
            if ASCII.isWhitespace(first) {
                // A continuation line (RFC 3261 §7.3.1): join it to the previous header value.
                guard fields.count > 0 else { throw .badHeaderLine("continuation line before any header") }
                let last = fields.count - 1
                var valueStart = line.lowerBound
                while valueStart < line.upperBound, ASCII.isWhitespace(bytes[valueStart]) { valueStart += 1 }
                var valueEnd = line.upperBound
                while valueEnd > valueStart, ASCII.isWhitespace(bytes[valueEnd - 1]) { valueEnd -= 1 }
                if valueEnd > valueStart {
                    if fields[last].valueStart == fields[last].valueEnd {
                        // The value starts on this line: the fold before it is HCOLON's SWS.
                        fields[last].valueStart = Int32(valueStart)
                    } else {
                        folds.append(Int(fields[last].valueEnd)..<valueStart)
                    }
                    fields[last].valueEnd = Int32(valueEnd)
                }
                if fields[last].valueRange.count > limits.maxLineLength { throw .lineTooLong(limit: limits.maxLineLength) }
                continue
            }
            guard fields.count < limits.maxHeaderCount else { throw .tooManyHeaders(limit: limits.maxHeaderCount) }
            fields.append(try Self.parseHeaderLine(bytes, line))
        }
        // Read after the loop so that a folded Content-Length is seen whole.
        if fields.presence.mayContain(.contentLength), !fields.presence.mayRepeat(.contentLength) {
            let field = fields[fields.firstContentLength]
            contentLength = try parseContentLength(field.valueRange)
            contentLengthLines = 1
            contentLengthText = field.valueRange.count
        } else if fields.presence.mayContain(.contentLength) {
            for position in 0..<fields.count where fields[position].known == .contentLength {
                let field = fields[position]
                let value = try parseContentLength(field.valueRange)
                contentLengthLines += 1
                contentLengthText = field.valueRange.count
                if let previous = contentLength, previous != value { throw .duplicateHeader("Content-Length") }
                contentLength = value
            }
        }
        let bodyStart = index
        let available = bytes.count - bodyStart
        let bodyRange: Range<Int>
        switch (framing, contentLength) {
        case (_, let declared?) where declared > available:
            throw .contentLengthMismatch(declared: declared, available: available)
        case (_, let declared?):
            // RFC 3261 §18.3: octets past Content-Length in a datagram are discarded.
            if framing == .stream, declared != available {
                throw .contentLengthMismatch(declared: declared, available: available)
            }
            bodyRange = bodyStart..<(bodyStart + declared)
        case (.datagram, nil):
            bodyRange = bodyStart..<bytes.count
        case (.stream, nil):
            throw .missingContentLength
        }
        let body = bodyRange.isEmpty ? [] : Array(UnsafeBufferPointer(rebasing: bytes[bodyRange]))
        let single = contentLengthLines == 1 && contentLengthText <= 10 ? contentLength : nil
        return Parts(startLine: startLine, body: body, singleContentLength: single, folds: folds)
    }

    /// `name HCOLON value`, HCOLON = *( SP / HTAB ) ":" SWS (RFC 3261 §25.1). Static, with
    /// the bytes passed in, so that calling it does not copy the reader.
    @inline(__always)
    static func parseHeaderLine(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) throws(SIPParseError) -> SIPHeaders.Field {
        let (nameEnd, known) = headerName(bytes, from: line.lowerBound, to: line.upperBound)
        var cursor = nameEnd
        guard nameEnd > line.lowerBound else { throw .badHeaderLine("invalid header name") }
        // A known name is matched exactly (see lookupKnown), so only others need checking.
        if known == .other {
            for index in line.lowerBound..<nameEnd where !ASCII.isToken(bytes[index]) {
                throw .badHeaderLine("invalid character in header name")
            }
        }
        while cursor < line.upperBound, ASCII.isWhitespace(bytes[cursor]) { cursor += 1 }
        guard cursor < line.upperBound, bytes[cursor] == ASCII.colon else {
            throw .badHeaderLine("missing colon after '\(bytes.string(line.lowerBound..<nameEnd).prefix(40))'")
        }
        cursor += 1
        while cursor < line.upperBound, ASCII.isWhitespace(bytes[cursor]) { cursor += 1 }
        var valueEnd = line.upperBound
        while valueEnd > cursor, ASCII.isWhitespace(bytes[valueEnd - 1]) { valueEnd -= 1 }
        // Offsets fit: the message size limit is clamped below Int32.max (see Limits).
        return SIPHeaders.Field(known: known, nameStart: Int32(truncatingIfNeeded: line.lowerBound),
                                nameEnd: Int32(truncatingIfNeeded: nameEnd), valueStart: Int32(truncatingIfNeeded: cursor),
                                valueEnd: Int32(truncatingIfNeeded: valueEnd))
    }

    /// Reads header lines of the usual shape (`usualHeaderLine`) from `start` while there are
    /// any and the header count limit allows, appending their records; returns where the
    /// first other line (or the empty line) starts, for the general path to take over.
    static func readUsualHeaderLines(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, limits: SIPParser.Limits,
                                     into fields: inout RecordWriter) -> Int {
        var index = start
        while fields.count < limits.maxHeaderCount, let (record, next) = usualHeaderLine(bytes, from: index, limits: limits) {
            fields.append(record)
            index = next
        }
        return index
    }

    /// A header line of the usual shape, read in one go: a name of at most 15 bytes right
    /// before the colon, spaces, a value without control characters, CR LF, within the line
    /// length limit. Returns its record and where the next line starts, or nil for anything
    /// else (an empty or continuation line, tabs, bare CR or LF, errors), which the general
    /// path reads with the same result it would have had.
    @inline(__always)
    static func usualHeaderLine(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int,
                                limits: SIPParser.Limits) -> (SIPHeaders.Field, Int)? {
        let count = bytes.count
        guard start + 16 <= count, let base = bytes.baseAddress else { return nil }
        let (nameEnd, known) = headerName(bytes, from: start, to: count)
        guard nameEnd > start, nameEnd - start < 16, base[nameEnd] == ASCII.colon else { return nil }
        if known == .other {
            for index in start..<nameEnd where !ASCII.isToken(base[index]) { return nil }
        }
        var valueStart = nameEnd + 1
        while valueStart < count, base[valueStart] == ASCII.space { valueStart += 1 }
        // The line ends at the first byte below 0x20, found eight bytes at a time; it must be
        // the CR of a CR LF (a tab or bare CR or LF goes the general way).
        var end = valueStart
        while end + 8 <= count {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + end).loadUnaligned(as: UInt64.self))
            let controls = (word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080
            if controls != 0 {
                end += controls.trailingZeroBitCount / 8
                break
            }
            end += 8
        }
        while end < count, base[end] >= ASCII.space { end += 1 }
        guard end + 1 < count, base[end] == ASCII.cr, base[end + 1] == ASCII.lf,
              end - start <= limits.maxLineLength else { return nil }
        var valueEnd = end
        while valueEnd > valueStart, base[valueEnd - 1] == ASCII.space { valueEnd -= 1 }
        // Offsets fit: the message size limit is clamped below Int32.max (see Limits).
        let record = SIPHeaders.Field(known: known, nameStart: Int32(truncatingIfNeeded: start),
                                      nameEnd: Int32(truncatingIfNeeded: nameEnd), valueStart: Int32(truncatingIfNeeded: valueStart),
                                      valueEnd: Int32(truncatingIfNeeded: valueEnd))
        return (record, end + 2)
    }

    /// Where the header name starting at `start` ends (the line ends before `end`), and which
    /// known header it is. A name of up to 15 bytes (nearly all) is both found and recognised
    /// from the same one or two 8-byte loads; longer ones go through `NameScanner` and
    /// `lookupKnown`. The name ends at a colon, whitespace or control byte, so it never runs
    /// past the line's CR or LF.
    @inline(__always)
    static func headerName(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> (end: Int, known: HeaderName.Known) {
        if start + 16 <= bytes.count, let base = bytes.baseAddress {
            let lower: UInt64 = 0x2020_2020_2020_2020
            let w0 = UInt64(littleEndian: UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self))
            let stop0 = NameScanner.stops(w0)
            if stop0 != 0 {
                let count = stop0.trailingZeroBitCount / 8
                if count < 2 { return (start + count, count == 1 ? HeaderName.lookupKnown(bytes, start..<(start + 1)) : .other) }
                let keep: UInt64 = (1 << UInt64(count * 8)) &- 1
                return (start + count, HeaderName.known(count: count, (w0 | lower) & keep, 0, 0))
            }
            let w1 = UInt64(littleEndian: UnsafeRawPointer(base + start + 8).loadUnaligned(as: UInt64.self))
            let stop1 = NameScanner.stops(w1)
            if stop1 != 0 {
                let rest = stop1.trailingZeroBitCount / 8
                let keep: UInt64 = (1 << UInt64(rest * 8)) &- 1
                return (start + 8 + rest, HeaderName.known(count: 8 + rest, w0 | lower, (w1 | lower) & keep, 0))
            }
        }
        let nameEnd = NameScanner.end(bytes, from: start, to: end)
        return (nameEnd, HeaderName.lookupKnown(bytes, start..<nameEnd))
    }

    /// Content-Length (RFC 3261 §20.14), bounded by the message size limit.
    func parseContentLength(_ range: Range<Int>) throws(SIPParseError) -> Int {
        guard let value = ContentLengthValue.parse(bytes, range, limit: limits.maxMessageSize) else {
            throw .badHeaderValue(header: "Content-Length", reason: "bad length")
        }
        guard value <= limits.maxMessageSize else { throw .badHeaderValue(header: "Content-Length", reason: "length out of range") }
        return value
    }
}

/// Where the reader puts header records: a scratch buffer on the stack while it has room,
/// then an array (a message with more header lines than the scratch buffer holds).
struct RecordWriter {
    let scratch: UnsafeMutableBufferPointer<SIPHeaders.Field>
    private(set) var count = 0
    /// Which known headers were appended.
    private(set) var presence = HeaderPresence.none
    /// The position of the first Content-Length record, or -1.
    private(set) var firstContentLength = -1
    /// All records once they outgrew the scratch buffer; nil while they fit.
    private(set) var spilled: [SIPHeaders.Field]? = nil

    init(_ scratch: UnsafeMutableBufferPointer<SIPHeaders.Field>) {
        self.scratch = scratch
    }

    @inline(__always)
    mutating func append(_ field: SIPHeaders.Field) {
        presence.add(field.known)
        if field.known == .contentLength, firstContentLength < 0 { firstContentLength = count }
        if count < scratch.count {
            scratch[count] = field
        } else {
            if spilled == nil { spilled = Array(scratch) }
            spilled?.append(field)
        }
        count += 1
    }

    subscript(index: Int) -> SIPHeaders.Field {
        @inline(__always) get {
            if let spilled { return spilled[index] }
            precondition(index >= 0 && index < count, "header record index out of range")
            return scratch[index]
        }
        set {
            if spilled != nil {
                spilled?[index] = newValue
            } else {
                precondition(index >= 0 && index < count, "header record index out of range")
                scratch[index] = newValue
            }
        }
    }

    /// Copies the records to `destination`, which has room for `count` of them.
    func copy(to destination: UnsafeMutableRawPointer) {
        let size = count * MemoryLayout<SIPHeaders.Field>.stride
        if let spilled {
            spilled.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress.unsafelyUnwrapped, byteCount: size) }
        } else if size > 0, let base = scratch.baseAddress {
            destination.copyMemory(from: base, byteCount: size)
        }
    }
}

/// The value of a Content-Length header as the parser and the stream framer both read it:
/// `*LWS 1*DIGIT *LWS` (RFC 3261 §20.14), where the line ends of a folded value still in the
/// bytes count as whitespace (§7.3.1).
enum ContentLengthValue {
    /// The number, or a value just past `limit` when it is larger (the exact figure no
    /// longer matters then); nil when the text is not a number.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, limit: Int) -> Int? {
        func isSpace(_ byte: UInt8) -> Bool { ASCII.isWhitespace(byte) || byte == ASCII.cr || byte == ASCII.lf }
        var index = range.lowerBound
        while index < range.upperBound, isSpace(bytes[index]) { index += 1 }
        var value = 0
        let digitsStart = index
        while index < range.upperBound, ASCII.isDigit(bytes[index]) {
            if value <= limit { value = value * 10 + Int(bytes[index] - 0x30) }
            index += 1
        }
        let hasDigits = index > digitsStart
        while index < range.upperBound, isSpace(bytes[index]) { index += 1 }
        return hasDigits && index == range.upperBound ? value : nil
    }
}

/// The Request-Line and Status-Line (RFC 3261 §7.1, §7.2).
enum StartLineParser {
    static func parse(_ scanner: ByteScanner) throws(SIPParseError) -> SIPMessage.StartLine {
        let bytes = scanner.bytes
        let line = scanner.index..<scanner.end
        // Exactly one SP separates the elements (RFC 3261 §7.1, §7.2).
        var firstSpace = line.lowerBound
        while firstSpace < line.upperBound, bytes[firstSpace] != ASCII.space { firstSpace += 1 }
        guard firstSpace < line.upperBound, firstSpace > line.lowerBound else {
            throw .badStartLine("expected elements separated by single spaces")
        }
        let first = line.lowerBound..<firstSpace
        if isVersion(bytes, first) {
            return try parseStatusLine(bytes, version: first, rest: (firstSpace + 1)..<line.upperBound)
        }
        for index in first where !ASCII.isToken(bytes[index]) {
            throw .badStartLine("invalid method name")
        }
        // The SIP-Version follows the last space; what lies between is the Request-URI,
        // which may not contain whitespace (RFC 4475 §3.1.2.7, §3.1.2.8).
        var secondSpace = line.upperBound - 1
        while secondSpace > firstSpace, bytes[secondSpace] != ASCII.space { secondSpace -= 1 }
        let versionRange = (secondSpace + 1)..<line.upperBound
        guard secondSpace > firstSpace + 1, isVersion(bytes, versionRange) else {
            throw .badStartLine("expected Method SP Request-URI SP SIP-Version")
        }
        let uriRange = (firstSpace + 1)..<secondSpace
        if LineScanner.firstAtMostSpace(bytes, from: uriRange.lowerBound, to: uriRange.upperBound) < uriRange.upperBound {
            throw .badStartLine("Request-URI contains whitespace")
        }
        let uri = try URI.parse(scanner.subScanner(uriRange, context: "Request-URI"))
        return .request(method: SIPMethod.parse(bytes, first), uri: uri, version: versionString(bytes, versionRange))
    }

    static func parseStatusLine(_ bytes: UnsafeBufferPointer<UInt8>, version: Range<Int>, rest: Range<Int>) throws(SIPParseError) -> SIPMessage.StartLine {
        // Status-Code = 3DIGIT (RFC 3261 §7.2, §25.1); only 100–699 are defined classes.
        guard rest.count >= 3, ASCII.isDigit(bytes[rest.lowerBound]), ASCII.isDigit(bytes[rest.lowerBound + 1]),
              ASCII.isDigit(bytes[rest.lowerBound + 2]),
              rest.count == 3 || bytes[rest.lowerBound + 3] == ASCII.space
        else { throw .badStartLine("Status-Code must be three digits") }
        let code = Int(bytes[rest.lowerBound] - 0x30) * 100 + Int(bytes[rest.lowerBound + 1] - 0x30) * 10
            + Int(bytes[rest.lowerBound + 2] - 0x30)
        guard (100...699).contains(code) else { throw .badStartLine("Status-Code \(code) out of range") }
        let reasonStart = min(rest.lowerBound + 4, rest.upperBound)
        return .response(version: versionString(bytes, version), statusCode: code,
                         reasonPhrase: reasonString(bytes, reasonStart..<rest.upperBound, code: code))
    }

    /// The version as a String: the constant when it is exactly `SIP/2.0` (nearly always),
    /// which costs no UTF-8 validation or copy.
    @inline(__always)
    static func versionString(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        bytes.equals(range, "SIP/2.0") ? SIPMessage.version : bytes.string(range)
    }

    /// The reason phrase as a String: the standard phrase's constant when the text is exactly
    /// that (as most are), else a copy of the text.
    static func reasonString(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, code: Int) -> String {
        var standard = ReasonPhrase.standard(for: code)
        let same = standard.withUTF8 { standardBytes in
            guard standardBytes.count == range.count else { return false }
            guard let theirs = bytes.baseAddress, let ours = standardBytes.baseAddress else { return range.isEmpty }
            return memcmp(ours, theirs + range.lowerBound, range.count) == 0
        }
        return same ? standard : bytes.string(range)
    }

    /// `"SIP" "/" 1*DIGIT "." 1*DIGIT`, "SIP" case-insensitive (RFC 3261 §7.1).
    static func isVersion(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        // Nearly always SIP/2.0: one masked compare of the word at the start ("SIP" in any
        // case); the eighth byte is ignored, and the load checked to stay inside the bytes.
        if range.count == 7, range.lowerBound + 8 <= bytes.count, let base = bytes.baseAddress {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + range.lowerBound).loadUnaligned(as: UInt64.self))
            if word & 0x00FF_FFFF_FFFF_FFFF | 0x0000_0000_0020_2020 == 0x0030_2E32_2F70_6973 { return true }  // "sip/2.0"
        }
        guard range.count >= 7, bytes.equalsIgnoringCase(range.lowerBound..<range.lowerBound + 4, "sip/") else { return false }
        var cursor = range.lowerBound + 4
        let majorStart = cursor
        while cursor < range.upperBound, ASCII.isDigit(bytes[cursor]) { cursor += 1 }
        guard cursor > majorStart, cursor < range.upperBound, bytes[cursor] == UInt8(ascii: ".") else { return false }
        cursor += 1
        let minorStart = cursor
        while cursor < range.upperBound, ASCII.isDigit(bytes[cursor]) { cursor += 1 }
        return cursor > minorStart && cursor == range.upperBound
    }
}

/// Finds where a header name ends: the first byte that is a colon, whitespace or a control
/// character. Eight bytes are tested at a time with the "has less than" bit trick
/// (a byte b < n sets the high bit of `(b - n) & ~b`); the lowest flagged byte is exact.
enum NameScanner {
    /// The bytes of `word` that end a name have their high bit set; only the lowest set
    /// bit is exact (borrows may flag bytes after it).
    @inline(__always)
    static func stops(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x21) & ~word & highs
        let colons = word ^ (ones &* UInt64(ASCII.colon))
        return control | ((colons &- ones) & ~colons & highs)
    }

    static func end(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var cursor = start
        if let base = bytes.baseAddress {
            while cursor + 8 <= end {
                let found = stops(UInt64(littleEndian: UnsafeRawPointer(base + cursor).loadUnaligned(as: UInt64.self)))
                if found != 0 { return cursor + found.trailingZeroBitCount / 8 }
                cursor += 8
            }
        }
        while cursor < end, bytes[cursor] > ASCII.space, bytes[cursor] != ASCII.colon { cursor += 1 }
        return cursor
    }
}

/// Finds line ends eight bytes at a time: a byte below 0x20 sets the high bit of
/// `(w - 0x2020…) & ~w & 0x8080…`, and the lowest flagged byte is exactly the first one.
enum LineScanner {
    /// Index of the first byte at most 0x20 (space or control) in `start..<end`, or `end`;
    /// eight bytes at a time.
    static func firstAtMostSpace(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var cursor = start
        if let base = bytes.baseAddress {
            while cursor + 8 <= end {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + cursor).loadUnaligned(as: UInt64.self))
                let found = (word &- 0x2121_2121_2121_2121) & ~word & 0x8080_8080_8080_8080
                if found != 0 { return cursor + found.trailingZeroBitCount / 8 }
                cursor += 8
            }
        }
        while cursor < end, bytes[cursor] > ASCII.space { cursor += 1 }
        return cursor
    }

    /// Index of the first byte below 0x20 at or after `start`, or `bytes.count`.
    static func firstControl(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var cursor = start
        let end = bytes.count
        @inline(__always) func controls(_ word: UInt64) -> UInt64 {
            (word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080
        }
        if let base = bytes.baseAddress {
            // Two words per step: header lines are mostly 30–80 bytes long.
            while cursor + 16 <= end {
                let first = controls(UInt64(littleEndian: UnsafeRawPointer(base + cursor).loadUnaligned(as: UInt64.self)))
                let second = controls(UInt64(littleEndian: UnsafeRawPointer(base + cursor + 8).loadUnaligned(as: UInt64.self)))
                if first != 0 { return cursor + first.trailingZeroBitCount / 8 }
                if second != 0 { return cursor + 8 + second.trailingZeroBitCount / 8 }
                cursor += 16
            }
            if cursor + 8 <= end {
                let found = controls(UInt64(littleEndian: UnsafeRawPointer(base + cursor).loadUnaligned(as: UInt64.self)))
                if found != 0 { return cursor + found.trailingZeroBitCount / 8 }
                cursor += 8
            }
        }
        while cursor < end, bytes[cursor] >= ASCII.space { cursor += 1 }
        return cursor
    }
}

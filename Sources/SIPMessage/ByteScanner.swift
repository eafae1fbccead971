#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A cursor over the bytes of one header value or URI, with the lexical rules of
/// RFC 3261 §25.1 (tokens, quoted strings, `SWS`-padded separators). Header values are
/// unfolded before scanning, so linear whitespace is only SP and HTAB here.
struct ByteScanner {
    /// The storage that typed values decoded here keep a reference to. Unowned and
    /// unretained, so copying a scanner costs nothing: whoever creates a scanner keeps the
    /// storage alive for as long as the scanner is used.
    unowned(unsafe) let storage: ByteStorage
    /// The storage's bytes; valid while the creator holds the storage's buffer pointer.
    let bytes: UnsafeBufferPointer<UInt8>
    var index: Int
    private(set) var end: Int
    /// The header being scanned, for error messages.
    private(set) var context: StaticString

    init(storage: ByteStorage, bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, context: StaticString) {
        self.storage = storage
        self.bytes = bytes
        self.index = range.lowerBound
        self.end = range.upperBound
        self.context = context
    }

    /// Runs `body` with a scanner over all of `text`.
    static func over<R>(_ text: String, context: StaticString, _ body: (inout ByteScanner) throws(SIPParseError) -> R) throws(SIPParseError) -> R {
        let storage = ByteStorage.copying(Array(text.utf8))
        return try over(storage, 0..<storage.count, context: context, body)
    }

    /// Runs `body` with a scanner over `range` of `storage`.
    static func over<R>(_ storage: ByteStorage, _ range: Range<Int>, context: StaticString, _ body: (inout ByteScanner) throws(SIPParseError) -> R) throws(SIPParseError) -> R {
        try withExtendedLifetime(storage) { () throws(SIPParseError) -> R in
            var scanner = ByteScanner(storage: storage, bytes: storage.bytes, range: range, context: context)
            return try body(&scanner)
        }
    }

    /// A scanner over `range` of the same buffer, for a part with its own grammar.
    func subScanner(_ range: Range<Int>, context: StaticString? = nil) -> ByteScanner {
        // A copy, not a new scanner from `storage`: reading the unowned reference into a
        // strong one would cost a retain and a release.
        var scanner = self
        scanner.index = range.lowerBound
        scanner.end = range.upperBound
        if let context { scanner.context = context }
        return scanner
    }

    /// The bytes of `range` as a slice sharing `base`.
    @inline(__always) func slice(_ range: Range<Int>) -> ByteSlice { ByteSlice(storage, range) }

    /// The bytes of `range` as a String.
    @inline(__always) func string(_ range: Range<Int>) -> String { bytes.string(range) }

    var isAtEnd: Bool { index >= end }

    @inline(__always) func peek() -> UInt8? { index < end ? bytes[index] : nil }

    @inline(__always) mutating func skipWhitespace() {
        var cursor = index
        let end = self.end, bytes = self.bytes
        while cursor < end, ASCII.isWhitespace(bytes[cursor]) { cursor += 1 }
        index = cursor
    }

    /// Consumes `byte` (after optional whitespace on both sides, as SWS "x" SWS); false if absent.
    @inline(__always) mutating func consumeSeparator(_ byte: UInt8) -> Bool {
        let saved = index
        skipWhitespace()
        if index < end, bytes[index] == byte {
            index += 1
            skipWhitespace()
            return true
        }
        index = saved
        return false
    }

    @inline(__always) mutating func consume(_ byte: UInt8) -> Bool {
        if index < end, bytes[index] == byte {
            index += 1
            return true
        }
        return false
    }

    /// Consumes bytes of class `cls`; returns their range (possibly empty).
    @inline(__always) mutating func scan(_ cls: CharacterClass) -> Range<Int> {
        let start = index
        index = cls.span(bytes, from: start, to: end)
        return start..<index
    }

    /// A non-empty token, or an error naming `what`.
    @inline(__always)
    mutating func token(_ what: StaticString) throws(SIPParseError) -> Range<Int> {
        let range = scan(.token)
        if range.isEmpty { throw expected(what) }
        return range
    }

    /// The error for a missing `what`, kept out of line so that callers stay small.
    @inline(never)
    func expected(_ what: StaticString) -> SIPParseError {
        error("expected \(what)")
    }

    /// Decimal digits as a number no larger than `limit`, or an error naming `what`.
    @inline(__always)
    mutating func number(_ what: StaticString, limit: UInt64) throws(SIPParseError) -> UInt64 {
        let start = index
        var cursor = start, value: UInt64 = 0
        let end = self.end, bytes = self.bytes
        // Up to 19 digits cannot overflow 64 bits; more are out of any range we accept.
        while cursor < end, ASCII.isDigit(bytes[cursor]) {
            value = value &* 10 &+ UInt64(bytes[cursor] &- 0x30)
            cursor += 1
        }
        index = cursor
        guard cursor > start, cursor - start <= 19, value <= limit else { throw numberError(what, digits: cursor - start) }
        return value
    }

    /// The error for a number that is missing (`digits` 0) or out of range.
    @inline(never)
    func numberError(_ what: StaticString, digits: Int) -> SIPParseError {
        digits == 0 ? error("bad \(what)") : error("\(what) out of range")
    }

    /// A quoted string (RFC 3261 §25.1), returned with its quotes; `\` escapes any byte but CR/LF.
    mutating func quotedString() throws(SIPParseError) -> Range<Int> {
        let start = index
        guard consume(ASCII.quote) else { throw error("expected quoted string") }
        // Most quoted strings hold no escapes: find the closing quote with memchr, and check
        // that no backslash comes before it; otherwise walk the escapes below.
        if index < end, let base = bytes.baseAddress,
           let found = memchr(base + index, Int32(ASCII.quote), end - index) {
            let close = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if memchr(base + index, Int32(ASCII.backslash), close - index) == nil {
                index = close + 1
                return start..<index
            }
        }
        while index < end {
            let byte = bytes[index]
            if byte == ASCII.quote {
                index += 1
                return start..<index
            }
            if byte == ASCII.backslash {
                index += 1
                guard index < end, bytes[index] != ASCII.cr, bytes[index] != ASCII.lf else { break }
            }
            index += 1
        }
        throw error("unterminated quoted string")
    }

    /// A `gen-value`: token, host (incl. IPv6 reference) or quoted string (RFC 3261 §25.1).
    mutating func genericValue() throws(SIPParseError) -> Range<Int> {
        if peek() == ASCII.quote { return try quotedString() }
        if peek() == ASCII.leftBracket {
            let start = index
            index += 1
            while let byte = peek(), ASCII.has(byte, .hex) || byte == ASCII.colon || byte == UInt8(ascii: ".") { index += 1 }
            guard consume(ASCII.rightBracket), IPLiteral.isIPv6Reference(bytes, start..<index) else {
                throw error("bad IPv6 reference")
            }
            return start..<index
        }
        return try token("parameter value")
    }

    /// `*( SEMI generic-param )`, stopping before a comma or the end; validated here, and
    /// kept as text (see `ParameterList`).
    mutating func parameters() throws(SIPParseError) -> ParameterList {
        ParameterList(text: slice(try parameterRange()))
    }

    /// Validates `*( SEMI generic-param )` (RFC 3261 §25.1: `generic-param = token
    /// [ EQUAL gen-value ]`, `gen-value = token / host / quoted-string`) and returns the
    /// range it occupies, stopping before a comma or anything else that is not a parameter.
    mutating func parameterRange() throws(SIPParseError) -> Range<Int> {
        try parameterRange(findingTag: false).all
    }

    /// Like `parameterRange()`; with `findingTag`, also gives the value range of the `tag`
    /// parameter, which dialog matching reads from every From and To (RFC 3261 §12).
    mutating func parameterRange(findingTag: Bool) throws(SIPParseError) -> (all: Range<Int>, tag: Range<Int>?) {
        let bytes = self.bytes, end = self.end
        /// Past any SP and HTAB at `position`; whitespace is rare here, so test once first.
        @inline(__always) func skipSpace(_ position: Int) -> Int {
            var position = position
            while position < end, ASCII.isWhitespace(bytes[position]) { position += 1 }
            return position
        }
        var tag: Range<Int>? = nil
        let start = index
        var cursor = index
        var count = 0
        while cursor < end {
            var next = cursor
            if bytes[next] != ASCII.semicolon {
                guard ASCII.isWhitespace(bytes[next]) else { break }
                next = skipSpace(next)
                guard next < end, bytes[next] == ASCII.semicolon else { break }
            }
            next += 1
            if next < end, ASCII.isWhitespace(bytes[next]) { next = skipSpace(next) }
            let nameStart = next
            next = CharacterClass.token.span(bytes, from: next, to: end)
            guard next > nameStart else { index = next; throw error("expected parameter name") }
            var afterName = next
            if afterName < end, ASCII.isWhitespace(bytes[afterName]) { afterName = skipSpace(afterName) }
            if afterName < end, bytes[afterName] == ASCII.equals {
                afterName += 1
                if afterName < end, ASCII.isWhitespace(bytes[afterName]) { afterName = skipSpace(afterName) }
                // The common case, a token value, is scanned here; others by genericValue().
                let valueStart = afterName
                afterName = CharacterClass.token.span(bytes, from: afterName, to: end)
                if afterName < end, bytes[afterName] == ASCII.colon {
                    // via-received and maddr may hold an IPv6 address without brackets
                    // (RFC 3261 §25.1, RFC 5118 §4.5): take the whole address as the value.
                    var addressEnd = afterName
                    while addressEnd < end, ASCII.has(bytes[addressEnd], .hex) || bytes[addressEnd] == ASCII.colon
                        || bytes[addressEnd] == UInt8(ascii: ".") { addressEnd += 1 }
                    guard IPLiteral.isIPv6(bytes, valueStart..<addressEnd) else {
                        index = afterName
                        throw error("unexpected ':' in parameter value")
                    }
                    afterName = addressEnd
                } else if afterName == valueStart {
                    index = valueStart
                    _ = try genericValue()
                    afterName = index
                }
                if findingTag, tag == nil, next - nameStart == 3, bytes[nameStart] | 0x20 == UInt8(ascii: "t"),
                   bytes[nameStart + 1] | 0x20 == UInt8(ascii: "a"), bytes[nameStart + 2] | 0x20 == UInt8(ascii: "g") {
                    tag = valueStart..<afterName
                }
                next = afterName
            }
            cursor = next
            count += 1
            if count > 256 { throw error("too many parameters") }
        }
        index = cursor
        return (start..<cursor, tag)
    }

    /// After one list element: the end, or a comma followed by another element.
    /// Returns true if another element follows.
    mutating func nextListElement() throws(SIPParseError) -> Bool {
        skipWhitespace()
        if isAtEnd { return false }
        guard consume(ASCII.comma) else { throw unexpectedCharacter() }
        skipWhitespace()
        // Empty elements (",,") are tolerated by RFC 7230-style lists; SIP has none, so reject.
        if isAtEnd || peek() == ASCII.comma { throw error("empty list element") }
        return true
    }

    /// Fails unless only whitespace remains.
    @inline(__always)
    mutating func expectEnd() throws(SIPParseError) {
        skipWhitespace()
        if !isAtEnd { throw unexpectedCharacter() }
    }

    /// The error for the byte at `index`, kept out of line so that callers stay small.
    @inline(never)
    func unexpectedCharacter() -> SIPParseError {
        error("unexpected character '\(printable(bytes[index]))'")
    }

    func error(_ reason: String) -> SIPParseError {
        .badHeaderValue(header: context.description, reason: reason)
    }

    private func printable(_ byte: UInt8) -> String {
        byte >= 0x21 && byte < 0x7F ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
    }
}

/// Splits a header value at commas that are outside quoted strings and angle brackets
/// (RFC 3261 §7.3.1), trimming whitespace around each element.
enum ListSplitter {
    static func split(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = range.lowerBound
        var index = range.lowerBound
        var inQuotes = false, inAngle = false
        func flush(_ upTo: Int) {
            var lower = start, upper = upTo
            while lower < upper, ASCII.isWhitespace(bytes[lower]) { lower += 1 }
            while upper > lower, ASCII.isWhitespace(bytes[upper - 1]) { upper -= 1 }
            if lower < upper { result.append(lower..<upper) }
        }
        while index < range.upperBound {
            let byte = bytes[index]
            if inQuotes {
                if byte == ASCII.backslash { index += 1 } else if byte == ASCII.quote { inQuotes = false }
            } else if byte == ASCII.quote {
                inQuotes = true
            } else if byte == ASCII.lessThan {
                inAngle = true
            } else if byte == ASCII.greaterThan {
                inAngle = false
            } else if byte == ASCII.comma, !inAngle {
                flush(index)
                start = index + 1
            }
            index += 1
        }
        flush(range.upperBound)
        return result
    }
}

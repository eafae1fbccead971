/// The header fields of a message, in order, with their names spelled as received.
///
/// Storage is one byte arena plus a table of ranges into it; for a parsed message the table
/// follows the bytes in the same allocation, so parsing allocates once however many headers
/// there are. Values become `String`s only when asked for.
/// Lookups are case-insensitive and treat compact forms as their long names (RFC 3261 §7.3.3).
public struct SIPHeaders: Sendable {
    /// One header line: where its name and (unfolded, trimmed) value lie in the arena.
    struct Field: Sendable {
        var known: HeaderName.Known
        var nameStart: Int32
        var nameEnd: Int32
        var valueStart: Int32
        var valueEnd: Int32

        var nameRange: Range<Int> { Int(nameStart)..<Int(nameEnd) }
        var valueRange: Range<Int> { Int(valueStart)..<Int(valueEnd) }
    }

    /// The bytes that fields point into, shared with typed values decoded from them.
    nonisolated(unsafe) var storage: ByteStorage
    /// The records when held in an array (headers built or edited in code); nil while the
    /// parser's table in `storage` is used.
    private var edited: [Field]?

    /// Runs `body` over the header records, wherever they are kept.
    @inline(__always)
    func withFields<R, E: Error>(_ body: (FieldTable) throws(E) -> R) throws(E) -> R {
        if let edited {
            return try edited.withUnsafeBufferPointer { (buffer) throws(E) -> R in
                try body(FieldTable(base: UnsafeRawPointer(buffer.baseAddress), count: buffer.count, presence: .unknown,
                                    contentLength: -1))
            }
        }
        return try withExtendedLifetime(storage) { () throws(E) -> R in try body(storage.table) }
    }

    /// The header records as an array (a copy when they are in the parser's table).
    var fields: [Field] { edited ?? withFields { Array($0) } }

    /// Moves the records into `edited`, so they can be changed.
    private mutating func materialize() {
        if edited == nil { edited = withFields { Array($0) } }
    }

    /// Runs `body` over the header bytes (for a parsed message, the whole message).
    @inline(__always)
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withExtendedLifetime(storage) { body(storage.bytes) }
    }

    /// An empty header list.
    public init() {
        storage = ByteStorage.empty
        edited = []
    }

    /// Headers of a parsed message, whose records are in `storage`'s table.
    init(storage: ByteStorage) {
        self.storage = storage
        self.edited = nil
    }

    /// Headers from (name, value) pairs, in order.
    public init(_ pairs: [(String, String)]) {
        self.init()
        for (name, value) in pairs { append(name, value) }
    }

    /// Number of header lines.
    public var count: Int { withFields { $0.count } }

    /// Whether the arena still holds bytes no field refers to (after removals or replacements).
    private var wastedBytes: Int {
        storage.count - withFields { $0.reduce(0) { $0 + $1.nameRange.count + $1.valueRange.count } }
    }

    // MARK: Reading

    /// The header lines in order, names as spelled in the message.
    public var all: [SIPHeader] {
        withBytes { bytes in withFields { $0.map { SIPHeader(name: bytes.string($0.nameRange), value: bytes.string($0.valueRange)) } } }
    }

    /// Whether at least one header line has this name.
    public func contains(_ name: HeaderName) -> Bool {
        withFields { $0.contains { matches($0, name) } }
    }

    /// The value of the first line with this name (not split at commas).
    public func first(_ name: HeaderName) -> String? {
        guard let field = withFields({ $0.first(where: { matches($0, name) }) }) else { return nil }
        return string(field.valueRange)
    }

    /// The value of the first line named `name` (any spelling, compact forms included).
    public subscript(_ name: String) -> String? { first(HeaderName(name)) }

    /// Every line's value for this name, in order (not split at commas).
    public func lines(_ name: HeaderName) -> [String] {
        withFields { $0.compactMap { matches($0, name) ? string($0.valueRange) : nil } }
    }

    /// Every value for this name: lines of list headers are split at commas outside quotes
    /// and angle brackets (RFC 3261 §7.3.1); other headers give one value per line.
    public func values(_ name: HeaderName) -> [String] {
        var result: [String] = []
        withBytes { bytes in
            withFields { fields in
                for field in fields where Self.matches(field, name, in: bytes) {
                    if name.isList {
                        for range in ListSplitter.split(bytes, field.valueRange) { result.append(bytes.string(range)) }
                    } else {
                        result.append(bytes.string(field.valueRange))
                    }
                }
            }
        }
        return result
    }

    /// Number of lines with this name.
    public func count(_ name: HeaderName) -> Int {
        withFields { $0.reduce(0) { $0 + (matches($1, name) ? 1 : 0) } }
    }

    /// Calls `body` with a scanner over the value of each line of the known header `known`,
    /// in order; typed values decoded by `body` keep a reference to the bytes instead of
    /// copying them. Fields are told apart by their header code alone.
    @inline(__always)
    func withKnownValueScanners(_ known: HeaderName.Known, context: StaticString, _ body: (inout ByteScanner) throws(SIPParseError) -> Void) throws(SIPParseError) {
        try withExtendedLifetime(storage) { () throws(SIPParseError) in
            let bytes = storage.bytes
            try withFields { (fields) throws(SIPParseError) in
                guard fields.presence.mayContain(known) else { return }
                for field in fields where field.known == known {
                    var scanner = ByteScanner(storage: storage, bytes: bytes, range: field.valueRange, context: context)
                    try body(&scanner)
                }
            }
        }
    }

    /// The value of the only Content-Length line when the parser read it already (a parsed
    /// message whose headers were not edited); nil otherwise.
    var parsedContentLength: Int? {
        withFields { $0.contentLength >= 0 ? $0.contentLength : nil }
    }

    /// Number of lines with this known name.
    @inline(__always)
    func count(of known: HeaderName.Known) -> Int {
        withFields { fields in
            guard fields.presence.mayContain(known) else { return 0 }
            guard fields.presence.mayRepeat(known) else { return 1 }
            var count = 0
            for field in fields where field.known == known { count += 1 }
            return count
        }
    }

    /// The position of the only line with this known name; nil when there is none, an
    /// error when there are several (for headers that may appear once).
    @inline(__always)
    func onlyIndex(of known: HeaderName.Known, context: StaticString) throws(SIPParseError) -> Int? {
        try withFields { (fields) throws(SIPParseError) -> Int? in
            guard fields.presence.mayContain(known) else { return nil }
            if !fields.presence.mayRepeat(known) { return fields.firstIndex { $0.known == known } }
            var found: Int? = nil
            for index in fields.indices where fields[index].known == known {
                if found != nil { throw .duplicateHeader(context.description) }
                found = index
            }
            return found
        }
    }

    /// Decodes the value of the line at `index` with `decode`, which may keep slices of it.
    @inline(__always)
    func decodeField<T>(at index: Int, context: StaticString, _ decode: (inout ByteScanner) throws(SIPParseError) -> T) throws(SIPParseError) -> T {
        try withExtendedLifetime(storage) { () throws(SIPParseError) -> T in
            let range = withFields { $0[index].valueRange }
            var scanner = ByteScanner(storage: storage, bytes: storage.bytes, range: range, context: context)
            return try decode(&scanner)
        }
    }

    @inline(__always)
    private func matches(_ field: Field, _ name: HeaderName) -> Bool {
        if field.known != name.known { return false }
        if name.known != .other { return true }
        return withBytes { Self.matches(field, name, in: $0) }
    }

    @inline(__always)
    private static func matches(_ field: Field, _ name: HeaderName, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if field.known != name.known { return false }
        if name.known != .other { return true }
        let range = field.nameRange
        let wanted = name.canonicalName.utf8
        guard range.count == wanted.count else { return false }
        return zip(range, wanted).allSatisfy { ASCII.lower(bytes[$0]) == ASCII.lower($1) }
    }

    private func string(_ range: Range<Int>) -> String {
        withBytes { $0.string(range) }
    }

    // MARK: Writing

    /// Appends a header line at the end. Characters a header name cannot hold are dropped
    /// from `name`, and CR or LF in `value` become spaces, so no header can be injected.
    public mutating func append(_ name: String, _ value: String) {
        let field = store(name, value)
        edited?.append(field)
    }

    /// Appends a header line at the end, using the canonical spelling of `name`.
    public mutating func append(_ name: HeaderName, _ value: String) {
        append(name.canonicalName, value)
    }

    /// Inserts a header line before the first line with the same name (or at the end),
    /// as a proxy adds its Via or a UA its Route (RFC 3261 §8.1.1.7, §16.6).
    public mutating func prepend(_ name: HeaderName, _ value: String) {
        let field = store(name.canonicalName, value)
        if let index = fields.firstIndex(where: { matches($0, name) }) {
            edited?.insert(field, at: index)
        } else {
            edited?.append(field)
        }
    }

    /// Replaces every line named `name` by one line with `value`, kept at the first one's place.
    public mutating func set(_ name: HeaderName, _ value: String) {
        let field = store(name.canonicalName, value)
        var list = edited ?? []
        edited = nil  // So that `list` is the only reference and changes in place.
        if let index = list.firstIndex(where: { matches($0, name) }) {
            list[index] = field
            var position = index + 1
            while position < list.count {
                if matches(list[position], name) { list.remove(at: position) } else { position += 1 }
            }
        } else {
            list.append(field)
        }
        edited = list
        compactIfWasteful()
    }

    /// Removes every line named `name`.
    public mutating func remove(_ name: HeaderName) {
        materialize()
        let storage = self.storage
        withExtendedLifetime(storage) {
            let bytes = storage.bytes
            edited?.removeAll { Self.matches($0, name, in: bytes) }
        }
        compactIfWasteful()
    }

    /// Removes the first line named `name` (e.g. the top Via when a response goes upstream).
    public mutating func removeFirst(_ name: HeaderName) {
        materialize()
        if let index = fields.firstIndex(where: { matches($0, name) }) { edited?.remove(at: index) }
        compactIfWasteful()
    }

    /// Writes a header's name and value into the arena and returns its record, which the
    /// caller puts in `edited` (the records are moved there first).
    private mutating func store(_ name: String, _ value: String) -> Field {
        materialize()
        // A name must be a token (RFC 3261 §7.3.1); anything else could end the line early.
        // A value must stay on one line: CR and LF would let a caller inject headers.
        // Both are filtered lazily while they are copied in, without intermediate arrays.
        let validName = name.utf8.lazy.filter { ASCII.isToken($0) }
        let validValue = value.utf8.lazy.map { $0 == ASCII.cr || $0 == ASCII.lf ? ASCII.space : $0 }
        let invalidNameReplacement = "X-Invalid-Header-Name".utf8
        let needed = Swift.max(name.utf8.count, invalidNameReplacement.count) + value.utf8.count
        // Copy on write: typed values decoded earlier may share the storage.
        if !isKnownUniquelyReferenced(&storage) || storage.capacity < storage.count + needed {
            storage = withBytes { ByteStorage.copying($0, extra: Swift.max(needed, $0.count)) }
        }
        let nameStart = storage.count
        var name = name, value = value
        // The usual case, a clean token and a one-line value, is copied as it is.
        name.withUTF8 { bytes in
            if bytes.allSatisfy(ASCII.isToken) { storage.append(bytes) } else { storage.append(validName) }
        }
        if storage.count == nameStart { storage.append(invalidNameReplacement) }
        let nameEnd = storage.count
        value.withUTF8 { bytes in
            if !bytes.contains(where: { $0 == ASCII.cr || $0 == ASCII.lf }) { storage.append(bytes) } else { storage.append(validValue) }
        }
        let known = withBytes { HeaderName.lookupKnown($0, nameStart..<nameEnd) }
        return Field(known: known, nameStart: Int32(nameStart), nameEnd: Int32(nameEnd),
                     valueStart: Int32(nameEnd), valueEnd: Int32(storage.count))
    }

    /// Rebuilds the arena when more than half of it is garbage, so edits cannot grow it forever.
    private mutating func compactIfWasteful() {
        guard storage.count > 1024, wastedBytes > storage.count / 2 else { return }
        let pairs = all
        self = SIPHeaders(pairs.map { ($0.name, $0.value) })
    }
}

/// One header line: its name as spelled and its value (unfolded, without surrounding whitespace).
public struct SIPHeader: Equatable, Sendable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

extension SIPHeaders: Equatable {
    /// Two header lists are equal when they have the same lines (names compared exactly) in order.
    public static func == (lhs: SIPHeaders, rhs: SIPHeaders) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.withBytes { left in
            rhs.withBytes { right in
                lhs.withFields { lhsFields in
                    rhs.withFields { rhsFields in
                        zip(lhsFields, rhsFields).allSatisfy { a, b in
                            left[a.nameRange].elementsEqual(right[b.nameRange])
                                && left[a.valueRange].elementsEqual(right[b.valueRange])
                        }
                    }
                }
            }
        }
    }
}

extension SIPHeaders: Sequence {
    public func makeIterator() -> IndexingIterator<[SIPHeader]> { all.makeIterator() }
}

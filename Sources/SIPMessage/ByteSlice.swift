/// A run of bytes inside a shared buffer. Typed header values and URIs keep their text this
/// way: decoding a header records where its parts lie in the message's own bytes instead of
/// copying each part into a `String`, and a part becomes a `String` only when asked for.
struct ByteSlice: Sendable {
    nonisolated(unsafe) let storage: ByteStorage
    let start: Int32
    let end: Int32

    /// A slice of `storage`; `range` lies inside it, so it fits `Int32` (see `ByteStorage`).
    init(_ storage: ByteStorage, _ range: Range<Int>) {
        self.storage = storage
        self.start = Int32(truncatingIfNeeded: range.lowerBound)
        self.end = Int32(truncatingIfNeeded: range.upperBound)
    }

    /// A slice holding all of `bytes`.
    init(_ bytes: [UInt8]) {
        self.init(ByteStorage.copying(bytes), 0..<bytes.count)
    }


    var range: Range<Int> { Int(start)..<Int(end) }
    var isEmpty: Bool { start == end }

    var string: String { withExtendedLifetime(storage) { storage.bytes.string(range) } }


    /// Runs `body` over the bytes of the slice (the whole base buffer and the slice's range).
    @inline(__always)
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>, Range<Int>) -> R) -> R {
        withExtendedLifetime(storage) { body(storage.bytes, range) }
    }

    func bytesEqual(_ other: ByteSlice) -> Bool {
        withExtendedLifetime((storage, other.storage)) {
            storage.bytes[range].elementsEqual(other.storage.bytes[other.range])
        }
    }
}

/// What a `ByteStorage` records besides its bytes: how many there are, and where the header
/// records of a parsed message lie after them (see `SIPHeaders`).
struct StorageHeader {
    /// Number of bytes stored.
    var count: Int
    /// Byte offset of the first header record (4-aligned, after the bytes); 0 when none.
    var tableStart: Int
    /// Number of header records in the table.
    var tableCount: Int
    /// The known headers among the records, and those with more than one line
    /// (`HeaderPresence`).
    var presence: HeaderPresence
    /// The value of the only Content-Length line as the parser read it, or -1.
    var contentLength: Int
}

/// Which known headers a message has (bit `Known.rawValue`), and which of them more than
/// once, so that looking up a header that is absent or single needs no walk over the records.
struct HeaderPresence {
    var present: UInt64
    var repeated: UInt64

    /// Nothing known: every lookup walks the records (headers built or edited in code).
    static let unknown = HeaderPresence(present: ~0, repeated: ~0)
    static let none = HeaderPresence(present: 0, repeated: 0)

    @inline(__always)
    mutating func add(_ known: HeaderName.Known) {
        let bit: UInt64 = 1 << UInt64(known.rawValue & 63)
        repeated |= present & bit
        present |= bit
    }

    @inline(__always)
    func mayContain(_ known: HeaderName.Known) -> Bool { present & (1 << UInt64(known.rawValue & 63)) != 0 }

    @inline(__always)
    func mayRepeat(_ known: HeaderName.Known) -> Bool { repeated & (1 << UInt64(known.rawValue & 63)) != 0 }
}

/// The bytes of a message's headers (or of one value built in code), shared by reference
/// between the message and every typed value decoded from it. The bytes live in the same
/// allocation as the object (a `ManagedBuffer`), so reading them needs no array retain.
/// A parsed message's header records (`SIPHeaders.Field`) follow the bytes in the same
/// allocation, so parsing allocates once for both.
/// Copy-on-write: a holder appends only while it holds the sole reference (see `SIPHeaders`).
///
/// Sendability: `ManagedBuffer` cannot be `Sendable`, so holders mark their reference
/// `nonisolated(unsafe)`. That is sound because bytes are written only while a single
/// holder owns the storage (parsing, or `SIPHeaders` after `isKnownUniquelyReferenced`);
/// once shared, a storage is never written again.
final class ByteStorage: ManagedBuffer<StorageHeader, UInt8> {
    /// Every storage is smaller than `Int32.max` bytes, so offsets into it fit the `Int32`
    /// pairs of `Span` and `ByteSlice` (messages are far smaller: see `SIPParser.Limits`).
    static let maxSize = Int(Int32.max) - 1

    /// A storage holding a copy of `bytes`, with room for `extra` more.
    static func copying(_ bytes: UnsafeBufferPointer<UInt8>, extra: Int = 0) -> ByteStorage {
        // Only text built in code can be this large; input is bounded by the parser's limits.
        // (Room for `extra` may go beyond: `SIPHeaders` checks what it appends.)
        precondition(bytes.count <= maxSize, "SIP text larger than 2 GiB")
        let storage = unsafeDowncast(ByteStorage.create(minimumCapacity: bytes.count + extra) { _ in
            StorageHeader(count: bytes.count, tableStart: 0, tableCount: 0, presence: .none, contentLength: -1)
        }, to: ByteStorage.self)
        if let source = bytes.baseAddress {
            storage.withUnsafeMutablePointerToElements { $0.initialize(from: source, count: bytes.count) }
        }
        return storage
    }

    static func copying(_ bytes: [UInt8], extra: Int = 0) -> ByteStorage {
        bytes.withUnsafeBufferPointer { copying($0, extra: extra) }
    }

    /// A storage holding a copy of `bytes` followed by room for `records` header records,
    /// which the parser writes with `tableBase` and publishes with `setTableCount`.
    static func forParsing(_ bytes: UnsafeBufferPointer<UInt8>, records: Int) -> ByteStorage {
        let tableStart = (bytes.count + 3) & ~3
        let size = tableStart + records * MemoryLayout<SIPHeaders.Field>.stride
        precondition(bytes.count <= maxSize, "SIP message larger than 2 GiB")  // The limits allow less.
        let storage = unsafeDowncast(ByteStorage.create(minimumCapacity: size) { _ in
            StorageHeader(count: bytes.count, tableStart: tableStart, tableCount: 0, presence: .none, contentLength: -1)
        }, to: ByteStorage.self)
        if let source = bytes.baseAddress {
            storage.withUnsafeMutablePointerToElements { $0.initialize(from: source, count: bytes.count) }
        }
        return storage
    }

    // The header is read and written through its pointer, not through `header`, whose
    // class-property accessors would add a dynamic exclusivity check to every read.

    /// Number of bytes stored.
    var count: Int { withUnsafeMutablePointerToHeader { $0.pointee.count } }

    /// The stored bytes; valid for as long as this storage is alive.
    var bytes: UnsafeBufferPointer<UInt8> {
        withUnsafeMutablePointers { header, elements in UnsafeBufferPointer(start: elements, count: header.pointee.count) }
    }

    /// The stored bytes, writable; only for a holder of the sole reference.
    var mutableBytes: UnsafeMutableBufferPointer<UInt8> {
        withUnsafeMutablePointers { header, elements in UnsafeMutableBufferPointer(start: elements, count: header.pointee.count) }
    }

    /// Where the parser writes header records; only while parsing (sole reference).
    var tableBase: UnsafeMutableRawPointer {
        withUnsafeMutablePointers { header, elements in UnsafeMutableRawPointer(elements + header.pointee.tableStart) }
    }

    /// Publishes the number of header records written at `tableBase`, which known headers
    /// they hold, and the Content-Length value the parser read (or -1).
    func setTable(count: Int, presence: HeaderPresence, contentLength: Int) {
        withUnsafeMutablePointerToHeader {
            $0.pointee.tableCount = count
            $0.pointee.presence = presence
            $0.pointee.contentLength = contentLength
        }
    }

    /// The header records of a parsed message; valid for as long as this storage is alive.
    var table: FieldTable {
        withUnsafeMutablePointers { header, elements in
            FieldTable(base: UnsafeRawPointer(elements + header.pointee.tableStart), count: header.pointee.tableCount,
                       presence: header.pointee.presence, contentLength: header.pointee.contentLength)
        }
    }

    /// Appends `bytes`; the caller has made sure there is room and no one else holds it.
    /// The bytes may overwrite the record table, which the caller no longer reads.
    func append(_ bytes: some Collection<UInt8>) {
        withUnsafeMutablePointers { header, elements in
            var index = header.pointee.count
            for byte in bytes {
                (elements + index).initialize(to: byte)
                index += 1
            }
            header.pointee.count = index
            header.pointee.tableCount = 0
            header.pointee.presence = .none
            header.pointee.contentLength = -1
        }
    }

    /// Storage for scanners that decode numbers only and never keep a slice.
    nonisolated(unsafe) static let empty = ByteStorage.copying([])
}

/// Header records laid out one after another in memory (a storage's table or an array's
/// buffer), read in place. A view: valid only while whatever holds the memory is alive.
struct FieldTable: RandomAccessCollection {
    let base: UnsafeRawPointer?
    let count: Int
    /// Which known headers the records hold, when that is known.
    let presence: HeaderPresence
    /// The only Content-Length line's value as the parser read it, or -1.
    let contentLength: Int

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    /// Walks the records with a pointer: no index checks, as the walk stops at `count`.
    struct Iterator: IteratorProtocol {
        var position: UnsafeRawPointer?
        let end: UnsafeRawPointer?

        @inline(__always)
        mutating func next() -> SIPHeaders.Field? {
            guard let current = position, current != end else { return nil }
            position = current + MemoryLayout<SIPHeaders.Field>.stride
            return current.load(as: SIPHeaders.Field.self)
        }
    }

    @inline(__always)
    func makeIterator() -> Iterator {
        Iterator(position: base, end: base.map { $0 + count * MemoryLayout<SIPHeaders.Field>.stride })
    }

    @inline(__always)
    subscript(index: Int) -> SIPHeaders.Field {
        precondition(index >= 0 && index < count, "header record index out of range")
        // Records are 4-aligned (tableStart is rounded up; arrays align their elements).
        return base.unsafelyUnwrapped.load(fromByteOffset: index &* MemoryLayout<SIPHeaders.Field>.stride,
                                           as: SIPHeaders.Field.self)
    }
}

/// Builds the text of a value part by part, recording where each part lands.
struct TextBuilder {
    var bytes: [UInt8] = []

    mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }
    mutating func append(_ byte: UInt8) { bytes.append(byte) }

    /// Appends `text` and returns its range.
    mutating func part(_ text: String) -> Range<Int> {
        let start = bytes.count
        bytes.append(contentsOf: text.utf8)
        return start..<bytes.count
    }
}

extension ByteSlice {
    /// Hashes the bytes of the slice (not where they lie).
    func hash(into hasher: inout Hasher) {
        withBytes { bytes, range in hasher.combine(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[range]))) }
    }
}

/// Where a part of a value lies in its storage, as two `Int32` offsets; `absent` (negative
/// start) when the value has no such part. Plain pairs rather than `Range<Int32>?` keep the
/// values that hold them compact and aligned, which makes copying them cheap.
struct Span: Sendable, Equatable {
    let start: Int32
    let end: Int32

    static let absent = Span(start: -1, end: -1)

    init(start: Int32, end: Int32) {
        self.start = start
        self.end = end
    }

    /// The span of `range`, which lies inside a storage, so it fits `Int32` (see `ByteStorage`).
    init(_ range: Range<Int>) {
        self.init(start: Int32(truncatingIfNeeded: range.lowerBound), end: Int32(truncatingIfNeeded: range.upperBound))
    }

    init(_ range: Range<Int>?) {
        self = range.map(Span.init) ?? .absent
    }

    var isAbsent: Bool { start < 0 }
    var range: Range<Int> { Int(start)..<Int(end) }
}

extension ByteSlice {
    /// The part at `span` (which lies inside this slice) as a String; nil when absent.
    func string(_ span: Span) -> String? {
        span.isAbsent ? nil : withExtendedLifetime(storage) { storage.bytes.string(span.range) }
    }

    /// Another slice of the same storage.
    func slice(_ span: Span) -> ByteSlice {
        ByteSlice(storage, span.range)
    }
}

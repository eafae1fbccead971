/// A run of bytes inside a shared buffer. Typed header values and URIs keep their text this
/// way: decoding a header records where its parts lie in the message's own bytes instead of
/// copying each part into a `String`, and a part becomes a `String` only when asked for.
struct ByteSlice: Sendable {
    nonisolated(unsafe) let storage: ByteStorage
    let start: Int32
    let end: Int32

    init(_ storage: ByteStorage, _ range: Range<Int>) {
        self.storage = storage
        self.start = Int32(range.lowerBound)
        self.end = Int32(range.upperBound)
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

/// The bytes of a message's headers (or of one value built in code), shared by reference
/// between the message and every typed value decoded from it. The bytes live in the same
/// allocation as the object (a `ManagedBuffer`), so reading them needs no array retain.
/// Copy-on-write: a holder appends only while it holds the sole reference (see `SIPHeaders`).
///
/// Sendability: `ManagedBuffer` cannot be `Sendable`, so holders mark their reference
/// `nonisolated(unsafe)`. That is sound because bytes are written only while a single
/// holder owns the storage (parsing, or `SIPHeaders` after `isKnownUniquelyReferenced`);
/// once shared, a storage is never written again.
final class ByteStorage: ManagedBuffer<Int, UInt8> {
    /// A storage holding a copy of `bytes`, with room for `extra` more.
    static func copying(_ bytes: UnsafeBufferPointer<UInt8>, extra: Int = 0) -> ByteStorage {
        let storage = unsafeDowncast(ByteStorage.create(minimumCapacity: bytes.count + extra) { _ in bytes.count },
                                     to: ByteStorage.self)
        if let source = bytes.baseAddress {
            storage.withUnsafeMutablePointerToElements { $0.initialize(from: source, count: bytes.count) }
        }
        return storage
    }

    static func copying(_ bytes: [UInt8], extra: Int = 0) -> ByteStorage {
        bytes.withUnsafeBufferPointer { copying($0, extra: extra) }
    }

    // The header (the byte count) is read and written through its pointer, not through
    // `header`, whose class-property accessors would add a dynamic exclusivity check to
    // every read.

    /// Number of bytes stored.
    var count: Int { withUnsafeMutablePointerToHeader { $0.pointee } }

    /// The stored bytes; valid for as long as this storage is alive.
    var bytes: UnsafeBufferPointer<UInt8> {
        withUnsafeMutablePointers { count, elements in UnsafeBufferPointer(start: elements, count: count.pointee) }
    }

    /// The stored bytes, writable; only for a holder of the sole reference.
    var mutableBytes: UnsafeMutableBufferPointer<UInt8> {
        withUnsafeMutablePointers { count, elements in UnsafeMutableBufferPointer(start: elements, count: count.pointee) }
    }

    /// Appends `bytes`; the caller has made sure there is room and no one else holds it.
    func append(_ bytes: some Collection<UInt8>) {
        withUnsafeMutablePointers { count, elements in
            var index = count.pointee
            for byte in bytes {
                (elements + index).initialize(to: byte)
                index += 1
            }
            count.pointee = index
        }
    }

    /// Storage for scanners that decode numbers only and never keep a slice.
    nonisolated(unsafe) static let empty = ByteStorage.copying([])
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

    init(_ range: Range<Int>) {
        self.init(start: Int32(range.lowerBound), end: Int32(range.upperBound))
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

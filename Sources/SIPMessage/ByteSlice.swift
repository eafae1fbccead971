/// A run of bytes inside a shared buffer. Typed header values and URIs keep their text this
/// way: decoding a header records where its parts lie in the message's own bytes instead of
/// copying each part into a `String`, and a part becomes a `String` only when asked for.
struct ByteSlice: Sendable {
    let storage: ByteStorage
    let start: Int32
    let end: Int32

    init(_ storage: ByteStorage, _ range: Range<Int>) {
        self.storage = storage
        self.start = Int32(range.lowerBound)
        self.end = Int32(range.upperBound)
    }

    /// A slice holding all of `bytes`.
    init(_ bytes: [UInt8]) {
        self.init(ByteStorage(bytes), 0..<bytes.count)
    }

    var base: [UInt8] { storage.bytes }

    /// Another slice of the same storage.
    func slice(_ range: Range<Int32>) -> ByteSlice {
        ByteSlice(storage, Int(range.lowerBound)..<Int(range.upperBound))
    }

    var range: Range<Int> { Int(start)..<Int(end) }
    var isEmpty: Bool { start == end }

    var string: String { storage.bytes.withUnsafeBufferPointer { $0.string(range) } }

    /// The part of the base buffer at `range` (which lies inside this slice) as a String.
    func string(_ range: Range<Int32>) -> String {
        storage.bytes.withUnsafeBufferPointer { $0.string(Int(range.lowerBound)..<Int(range.upperBound)) }
    }

    /// Runs `body` over the bytes of the slice (the whole base buffer and the slice's range).
    @inline(__always)
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>, Range<Int>) -> R) -> R {
        storage.bytes.withUnsafeBufferPointer { body($0, range) }
    }

    func bytesEqual(_ other: ByteSlice) -> Bool {
        storage.bytes[range].elementsEqual(other.storage.bytes[other.range])
    }
}

/// The bytes of a message's headers (or of one value built in code), shared by reference
/// between the message and every typed value decoded from it. Copy-on-write: a holder
/// mutates `bytes` only while it holds the sole reference (see `SIPHeaders`).
final class ByteStorage: @unchecked Sendable {
    @exclusivity(unchecked) var bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Storage for scanners that decode numbers only and never keep a slice.
    static let empty = ByteStorage([])
}

/// Builds the text of a value part by part, recording where each part lands.
struct TextBuilder {
    var bytes: [UInt8] = []

    var position: Int { bytes.count }

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

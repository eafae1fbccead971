/// What the two identifier types share: a slot reference packed into 64 bits.
protocol PackedTransactionID {
    var raw: UInt64 { get }
    init(raw: UInt64)
}

extension PackedTransactionID {
    init(slot: Int, generation: UInt32, invite: Bool) {
        self.init(raw: TransactionSlotRef.pack(slot: slot, generation: generation, invite: invite))
    }

    var ref: TransactionSlotRef { TransactionSlotRef(raw: raw) }
    var isInvite: Bool { ref.isInvite }
}

/// Identifies a server transaction of one `TransactionLayer` for as long as it lives.
/// Opaque: a slot number and a generation, so an identifier of a finished transaction never
/// names a later one.
public struct ServerTransactionID: Hashable, Sendable, CustomStringConvertible, PackedTransactionID {
    let raw: UInt64

    init(raw: UInt64) {
        self.raw = raw
    }

    public var description: String { "S" + ref.description }
}

/// Identifies a client transaction of one `TransactionLayer` for as long as it lives.
public struct ClientTransactionID: Hashable, Sendable, CustomStringConvertible, PackedTransactionID {
    let raw: UInt64

    init(raw: UInt64) {
        self.raw = raw
    }

    public var description: String { "C" + ref.description }
}

/// The parts of a transaction identifier: bits 0–30 slot, bit 31 INVITE, bits 32–63
/// generation. Generation 0 is never given to a live slot, so identifiers made for requests
/// that started no transaction (a stateless ACK, a request without Via) match nothing.
struct TransactionSlotRef: Hashable, Sendable, CustomStringConvertible {
    let raw: UInt64

    static func pack(slot: Int, generation: UInt32, invite: Bool) -> UInt64 {
        UInt64(generation) << 32 | (invite ? 1 << 31 : 0) | UInt64(UInt32(truncatingIfNeeded: slot) & 0x7FFF_FFFF)
    }

    var slot: Int { Int(raw & 0x7FFF_FFFF) }
    var generation: UInt32 { UInt32(truncatingIfNeeded: raw >> 32) }
    var isInvite: Bool { raw & (1 << 31) != 0 }

    var description: String { (isInvite ? "i" : "n") + String(slot) + "." + String(generation) }
}

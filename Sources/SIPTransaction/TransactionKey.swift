import SIPMessage

/// A string compared and hashed ignoring ASCII case: branch parameters and hosts are tokens,
/// compared case-insensitively (RFC 3261 §7.3.1). Hashing folds eight bytes at a time.
struct FoldedString: Hashable, Sendable {
    let value: String

    init(_ value: String) {
        self.value = value
    }

    static func == (lhs: FoldedString, rhs: FoldedString) -> Bool {
        let left = lhs.value.utf8, right = rhs.value.utf8
        guard left.count == right.count else { return false }
        let fast: Bool?? = left.withContiguousStorageIfAvailable { a in
            right.withContiguousStorageIfAvailable { b in
                for index in 0..<a.count where a[index] != b[index] && fold(a[index]) != fold(b[index]) { return false }
                return true
            }
        }
        if let fast, let fast { return fast }
        return left.elementsEqual(right) { fold($0) == fold($1) }
    }

    func hash(into hasher: inout Hasher) {
        let done: Void? = value.utf8.withContiguousStorageIfAvailable { bytes in
            Self.hashFolded(UnsafeRawBufferPointer(bytes), into: &hasher)
        }
        if done == nil {
            var copy = value
            copy.makeContiguousUTF8()
            copy.utf8.withContiguousStorageIfAvailable { bytes in
                Self.hashFolded(UnsafeRawBufferPointer(bytes), into: &hasher)
            }
        }
    }

    /// Hashes the bytes with bit 5 set in each, which maps upper- to lowercase letters (and
    /// conflates a few punctuation pairs, which only costs a rare extra comparison).
    private static func hashFolded(_ bytes: UnsafeRawBufferPointer, into hasher: inout Hasher) {
        let count = bytes.count
        var index = 0
        while index + 8 <= count {
            hasher.combine(bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) | 0x2020_2020_2020_2020)
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < count {
            tail |= UInt64(bytes[index] | 0x20) << shift
            shift += 8
            index += 1
        }
        hasher.combine(tail)
        hasher.combine(count)
    }

    @inline(__always)
    private static func fold(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
}

/// Matching a response to a client transaction (RFC 3261 §17.1.3): the branch of the top
/// Via and the CSeq method (a CANCEL shares its INVITE's branch but not its transaction).
/// The hash is computed once, when the key is made, and compared first, so a dictionary
/// probe rejects a colliding key without comparing strings.
struct ClientKey: Hashable, Sendable {
    let branch: FoldedString
    let method: SIPMethod
    private let hash: Int

    init(branch: FoldedString, method: SIPMethod) {
        self.branch = branch
        self.method = method
        var hasher = Hasher()
        branch.hash(into: &hasher)
        method.hash(into: &hasher)
        hash = hasher.finalize()
    }

    static func == (lhs: ClientKey, rhs: ClientKey) -> Bool {
        lhs.hash == rhs.hash && lhs.method == rhs.method && lhs.branch == rhs.branch
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(hash)
    }
}

/// Which transaction table a request method looks in (RFC 3261 §17.2.3): an ACK matches
/// the INVITE transaction; a CANCEL is a transaction of its own; other methods are compared
/// by name after the lookup (`ServerRecordInfo.method`), so a CANCEL can find the
/// transaction it cancels without knowing its method (§9.2).
enum MethodClass: UInt8, Hashable, Sendable {
    case invite, cancel, other

    init(_ method: SIPMethod) {
        switch method {
        case .invite, .ack: self = .invite
        case .cancel: self = .cancel
        default: self = .other
        }
    }
}

/// Matching a request to a server transaction (RFC 3261 §17.2.3). Like `ClientKey`, it
/// carries its hash, computed once.
struct ServerKey: Hashable, Sendable {
    let identity: ServerKeyIdentity
    private let hash: Int

    init(_ identity: ServerKeyIdentity) {
        self.identity = identity
        var hasher = Hasher()
        identity.hash(into: &hasher)
        hash = hasher.finalize()
    }

    static func == (lhs: ServerKey, rhs: ServerKey) -> Bool {
        lhs.hash == rhs.hash && lhs.identity == rhs.identity
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(hash)
    }

    static func rfc3261(branch: FoldedString, host: FoldedString, port: Int32, method: MethodClass) -> ServerKey {
        ServerKey(.rfc3261(branch: branch, host: host, port: port, method: method))
    }

    static func rfc2543(requestURI: String, fromTag: String, callID: String, sequence: UInt32, topVia: String,
                        method: MethodClass) -> ServerKey {
        ServerKey(.rfc2543(requestURI: requestURI, fromTag: fromTag, callID: callID, sequence: sequence, topVia: topVia, method: method))
    }

    /// The same key for another method class (a CANCEL looking for its INVITE).
    func with(_ method: MethodClass) -> ServerKey {
        switch identity {
        case .rfc3261(let branch, let host, let port, _):
            return .rfc3261(branch: branch, host: host, port: port, method: method)
        case .rfc2543(let uri, let fromTag, let callID, let sequence, let topVia, _):
            return .rfc2543(requestURI: uri, fromTag: fromTag, callID: callID, sequence: sequence, topVia: topVia, method: method)
        }
    }

    var isRFC2543: Bool {
        if case .rfc2543 = identity { return true }
        return false
    }
}

/// What a server key compares (RFC 3261 §17.2.3).
enum ServerKeyIdentity: Hashable, Sendable {
    /// The top Via has the magic cookie: its branch and sent-by, and the method class.
    case rfc3261(branch: FoldedString, host: FoldedString, port: Int32, method: MethodClass)
    /// RFC 2543 fallback (§17.2.3 last paragraphs): Request-URI, From tag, Call-ID, CSeq
    /// number and top Via, each compared as text, and the method class. The To tag is
    /// checked after the lookup: a request's own for retransmissions and CANCEL, the tag of
    /// the response sent for an ACK.
    /// Boxed (`indirect`): rare, and it would otherwise double the size of every key.
    indirect case rfc2543(requestURI: String, fromTag: String, callID: String, sequence: UInt32, topVia: String, method: MethodClass)
}

extension ServerKey {
    /// The key of a request, or nil when it has no usable top Via (or, without the magic
    /// cookie, no Call-ID or CSeq to fall back on).
    static func of(_ request: SIPMessage, method: SIPMethod) -> ServerKey? {
        guard let via = try? request.topVia() else { return nil }
        let methodClass = MethodClass(method)
        if let branch = via.branch, isRFC3261Branch(branch) {
            // RFC 3261 §17.2.3: branch, sent-by, method (ACK as INVITE).
            return .rfc3261(branch: FoldedString(branch), host: FoldedString(via.host),
                            port: via.port.map(Int32.init) ?? -1, method: methodClass)
        }
        // RFC 3261 §17.2.3, RFC 2543 fallback.
        guard let uri = request.requestURI, let callID = try? request.callID(), let cseq = try? request.cseq() else {
            return nil
        }
        return .rfc2543(requestURI: uri.description, fromTag: request.fromTag ?? "", callID: callID,
                        sequence: cseq.sequence, topVia: via.description, method: methodClass)
    }

    /// Whether a branch starts with the magic cookie `z9hG4bK` and has more after it
    /// (RFC 3261 §8.1.1.7; the cookie alone identifies nothing, RFC 4475 §3.2.1).
    static func isRFC3261Branch(_ branch: String) -> Bool {
        let utf8 = branch.utf8
        return utf8.count > 7 && utf8.starts(with: "z9hG4bK".utf8)
    }
}

/// Byte- and line-level mutations aimed at the SIP grammar's separators and numbers, seeded;
/// shared by the parser's and the server edge's robustness tests.
public struct SIPMutator {
    public var random: SplitMix64
    public let corpus: [[UInt8]]
    public private(set) var mutationsApplied = 0

    /// A mutator drawing from `random` and splicing with messages of `corpus` (not empty).
    public init(random: SplitMix64, corpus: [[UInt8]]) {
        self.random = random
        self.corpus = corpus
    }

    static let tokens: [[UInt8]] = [
        [13], [10], [13, 10], [13, 10, 32], [13, 10, 13, 10], [34], [92], [60], [62], [37], [37, 48], [37, 122, 122], [59], [44],
        [58], [61], [64], [91], [93], [63], [38], [32], [9], [0], [0x7F], [0x80], [0xFF], [0xC3], [0xE2, 0x80, 0xA8],
        Array("sip:".utf8), Array("sips:[::1]".utf8), Array(";tag=".utf8), Array(";branch=z9hG4bK".utf8), Array("\"\\".utf8),
        Array(",,".utf8), Array(";;".utf8), Array("<>".utf8), Array("*".utf8), Array("SIP/2.0".utf8), Array(" SIP/2.0/UDP ".utf8),
    ]

    static let lines: [[UInt8]] = [
        "Content-Length: 99999999999999999999", "l: -1", "Content-Length: 0", "Content-Length:", "l: 5",
        "Via: SIP/2.0/UDP [::1]:99999;branch=z9hG4bK", "Via: SIP/2.0/UDP [2001:db8::1;rport", "v: ,", "Contact: *",
        "Contact: <sip:a@b>;expires=99999999999999999999;q=7", "Max-Forwards: 256", "CSeq: 4294967296 INVITE", "CSeq: 1",
        "To: \"unterminated <sip:a@b>", "From: <sip:a@b>;tag=", "Call-ID:", "i: @", "Route: <sip:a@b;lr>,,<sip:c@d>",
        "Record-Route: <sip:a@b", "Authorization: Digest realm=\"x", "WWW-Authenticate: Digest a=b,,c=d", "Replaces: a;to-tag=1",
        "Refer-To: <sip:a@b?Replaces=%zz>", "Event: ;id=", "Subscription-State: ;expires=", "Call-Info: <http://x>;purpose",
        "Reason: SIP;cause=99999999999999999999999", "Accept: */*,", "Allow: ,", "Expires: 99999999999999999999999", " folded",
        "\t", "NoColonHere", ":", "X" + String(repeating: "-x", count: 50) + ": y",
    ].map { Array($0.utf8) }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

    /// One to four mutations of `input`, kept under 80,000 bytes.
    public mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0..<int(1...4) {
            bytes = mutateOnce(bytes)
            mutationsApplied += 1
        }
        if bytes.count > 80_000 { bytes.removeSubrange(80_000...) }
        return bytes
    }

    private mutating func mutateOnce(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        let position = int(0...bytes.count)
        switch int(0...10) {
        case 0 where position < bytes.count:  // flip one bit
            bytes[position] ^= UInt8(1) << UInt8(int(0...7))
        case 1:  // insert a random byte
            bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
        case 2:  // delete a short range
            bytes.removeSubrange(position..<min(bytes.count, position + int(1...16)))
        case 3:  // duplicate a range somewhere else
            let end = min(bytes.count, position + int(1...64))
            let copy = Array(bytes[position..<end])
            bytes.insert(contentsOf: copy, at: int(0...bytes.count))
        case 4:  // splice with another fixture
            let other = corpus[int(0...(corpus.count - 1))]
            bytes = Array(bytes[..<position]) + Array(other[int(0...other.count)...])
        case 5:  // a separator, quote, escape, line end …
            bytes.insert(contentsOf: Self.tokens[int(0...(Self.tokens.count - 1))], at: position)
        case 6:  // a huge run of digits in place of a number (or anywhere)
            let run = Array(repeating: UInt8(ascii: "9"), count: [10, 11, 20, 21, 40, 100, 1_000, 5_000][int(0...7)])
            if let start = bytes[position...].firstIndex(where: { $0 >= 0x30 && $0 <= 0x39 }) {
                let end = bytes[start...].firstIndex { $0 < 0x30 || $0 > 0x39 } ?? bytes.count
                bytes.replaceSubrange(start..<end, with: run)
            } else {
                bytes.insert(contentsOf: run, at: position)
            }
        case 7:  // duplicate or swap lines
            var lines = bytes.split(separator: 10, omittingEmptySubsequences: false).map(Array.init)
            if lines.count > 1 {
                let a = int(0...(lines.count - 1)), b = int(0...(lines.count - 1))
                if random.next() % 2 == 0 { lines.insert(lines[a], at: b) } else { lines.swapAt(a, b) }
            }
            bytes = Array(lines.joined(separator: [10]))
        case 8:  // truncate
            bytes.removeSubrange(position...)
        case 9:  // an interesting header line after the start line
            let line = Self.lines[int(0...(Self.lines.count - 1))] + [13, 10]
            let afterFirst = (bytes.firstIndex(of: 10).map { $0 + 1 }) ?? bytes.count
            bytes.insert(contentsOf: line, at: afterFirst)
        default:  // replace a byte with an interesting one
            if position < bytes.count { bytes[position] = Self.tokens[int(0...28)][0] }
        }
        return bytes
    }
}


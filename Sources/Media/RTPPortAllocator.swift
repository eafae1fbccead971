/// Hands out RTP ports from a configured range (default 10000–20000), sans-IO.
///
/// RTP gets even ports (RFC 3550 §11: RTP on an even port, RTCP on the next odd one), so a
/// range of 10,000 ports holds 5,000 sessions. Ports are reused least recently released
/// first, which keeps a late packet for an ended call from reaching the next call on the
/// same port for as long as possible. A port the system refused to bind is put back at
/// the end of the queue.
public struct RTPPortAllocator: Sendable {
    /// The range ports come from.
    public let range: ClosedRange<Int>
    private var free: [Int]
    private var head = 0
    private var inUse: Set<Int> = []

    /// Creates an allocator over the even ports of `range`.
    public init(range: ClosedRange<Int> = 10000...20000) {
        let lower = max(range.lowerBound, 1024), upper = min(range.upperBound, 65534)
        self.range = lower...max(lower, upper)
        free = lower > upper ? [] : Array(stride(from: lower + lower % 2, through: upper, by: 2))
    }

    /// Ports still free.
    public var available: Int { free.count - head }

    /// Ports handed out and not released.
    public var allocated: Int { inUse.count }

    /// The next free even port, or nil when the range is exhausted.
    public mutating func allocate() -> Int? {
        guard head < free.count else { return nil }
        let port = free[head]
        head += 1
        if head > 1024, head * 2 > free.count {
            free.removeFirst(head)
            head = 0
        }
        inUse.insert(port)
        return port
    }

    /// Returns a port (after the call ended, or when binding it failed).
    public mutating func release(_ port: Int) {
        guard inUse.remove(port) != nil else { return }
        free.append(port)
    }
}

/// A binary min-heap of timer deadlines. Cancelling is lazy: a transaction that leaves a
/// state or ends leaves its entries behind, and the layer drops an entry when it reaches the
/// top and no longer matches an armed timer (`ArmedTimers`). Equal deadlines pop in the
/// order they were pushed, so runs are deterministic.
struct TimerHeap {
    struct Entry: Sendable {
        var deadline: Int64
        var sequence: UInt64
        /// The raw identifier of the transaction.
        var owner: UInt64
        var pool: PoolTag
        var timer: TransactionTimer
    }

    private(set) var entries: [Entry] = []
    private var nextSequence: UInt64 = 0

    var top: Entry? { entries.first }
    var count: Int { entries.count }

    mutating func push(deadline: Int64, owner: UInt64, pool: PoolTag, timer: TransactionTimer) {
        entries.append(Entry(deadline: deadline, sequence: nextSequence, owner: owner, pool: pool, timer: timer))
        nextSequence &+= 1
        siftUp(entries.count - 1)
    }

    mutating func removeTop() {
        guard let last = entries.popLast() else { return }
        guard !entries.isEmpty else { return }
        entries[0] = last
        siftDown(0)
    }

    @inline(__always)
    private static func before(_ lhs: Entry, _ rhs: Entry) -> Bool {
        lhs.deadline < rhs.deadline || (lhs.deadline == rhs.deadline && lhs.sequence < rhs.sequence)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        let entry = entries[child]
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.before(entry, entries[parent]) else { break }
            entries[child] = entries[parent]
            child = parent
        }
        entries[child] = entry
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        let count = entries.count
        let entry = entries[parent]
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            let right = left + 1
            let child = right < count && Self.before(entries[right], entries[left]) ? right : left
            guard Self.before(entries[child], entry) else { break }
            entries[parent] = entries[child]
            parent = child
        }
        entries[parent] = entry
    }
}

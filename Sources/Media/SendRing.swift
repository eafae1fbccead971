import CMediaSocket

/// One io_uring per media loop, used only for sending: every ``DatagramBatch`` written to
/// in a tick queues its datagrams here (one `IORING_OP_SENDMSG` each, on its own socket),
/// and ``submit()`` hands them all to the kernel in one `io_uring_enter(2)` — one system
/// call per tick instead of one per socket. Sends are non-blocking and complete during the
/// submission, so every buffer is free again when it returns.
///
/// Confined to its loop like the driver that owns it.
final class SendRing {
    private let ring: OpaquePointer

    /// A ring for `entries` sends between submissions (more are submitted early), or nil
    /// when the kernel or the build has no io_uring.
    init?(entries: Int = 4096) {
        guard let ring = cmedia_ring_create(UInt32(clamping: entries)) else { return nil }
        self.ring = ring
    }

    deinit {
        cmedia_ring_destroy(ring)
    }

    /// Queues single-buffer datagrams for `descriptor` (or its fixed-file `slot`, -1 for
    /// none): one `IORING_OP_SEND` with the destination each where the kernel supports it.
    func queueDatagrams(descriptor: CInt, slot: CInt, messages: UnsafeMutablePointer<cmedia_mmsghdr>, count: Int) -> Int {
        Int(cmedia_ring_queue_datagrams(ring, descriptor, slot, messages, UInt32(clamping: count)))
    }

    /// Registers a socket as a fixed file: its sends skip the kernel's file lookup. Returns
    /// the slot, or -1 when the table is full or unavailable. The ring keeps the socket open
    /// until ``unregister(slot:)``.
    func register(descriptor: CInt) -> CInt {
        cmedia_ring_register(ring, descriptor)
    }

    /// Releases a slot from ``register(descriptor:)``.
    func unregister(slot: CInt) {
        cmedia_ring_unregister(ring, slot)
    }

    /// Submits everything queued and reaps the completions.
    func submit() {
        _ = cmedia_ring_submit(ring)
    }

    /// Datagrams the kernel took.
    var sent: Int { Int(cmedia_ring_sent(ring)) }
    /// Datagrams refused (full socket buffer, unreachable, …).
    var failed: Int { Int(cmedia_ring_failed(ring)) }
}

#ifndef CMEDIASOCKET_H
#define CMEDIASOCKET_H

#include <sys/socket.h>

/// Layout-compatible with Linux's `struct mmsghdr` (which <sys/socket.h> only declares
/// under _GNU_SOURCE, hidden from Swift's Glibc module).
struct cmedia_mmsghdr {
    struct msghdr msg_hdr;
    unsigned int msg_len;
};

/// sendmmsg(2) on Linux; elsewhere a loop of sendmsg(2). Returns datagrams sent or -1.
int cmedia_sendmmsg(int fd, struct cmedia_mmsghdr *messages, unsigned int count);

/// An io_uring (liburing) used only to send datagrams: a tick's sendmsg operations, on any
/// number of sockets, are queued and handed to the kernel with one io_uring_enter(2).
struct cmedia_ring;

/// A ring with room for `entries` queued sends, or NULL when io_uring is unavailable
/// (not Linux, no liburing at build time, or a kernel/sandbox that refuses it).
struct cmedia_ring *cmedia_ring_create(unsigned int entries);

/// Closes the ring (waits for nothing: call after `cmedia_ring_submit`).
void cmedia_ring_destroy(struct cmedia_ring *ring);

/// Registers `fd` in the ring's table of fixed files (sends on it then skip the kernel's
/// file lookup). Returns its slot, or -1 (no table, table full): use the descriptor then.
/// The table holds a reference to the socket: unregister before closing it, or the port
/// stays bound until the ring is destroyed.
int cmedia_ring_register(struct cmedia_ring *ring, int fd);

/// Frees a slot from `cmedia_ring_register`.
void cmedia_ring_unregister(struct cmedia_ring *ring, int slot);

/// Queues one non-blocking send per single-buffer datagram on `fd`, or on the fixed file
/// `slot` when it is not -1: IORING_OP_SEND with the destination where the kernel supports
/// it, else IORING_OP_SENDMSG. The messages, their buffers and addresses must stay
/// untouched until `cmedia_ring_submit` returns. When the ring is full what is queued is
/// submitted first. Returns how many were queued.
unsigned int cmedia_ring_queue_datagrams(struct cmedia_ring *ring, int fd, int slot, struct cmedia_mmsghdr *messages, unsigned int count);

/// Submits everything queued and reaps every completion (the sends are issued inline
/// with MSG_DONTWAIT, so this does not block). Returns 0, or -errno.
int cmedia_ring_submit(struct cmedia_ring *ring);

/// Datagrams the kernel took / refused (a full socket buffer, an error) so far.
unsigned long long cmedia_ring_sent(const struct cmedia_ring *ring);
unsigned long long cmedia_ring_failed(const struct cmedia_ring *ring);

#endif

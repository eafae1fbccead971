#define _GNU_SOURCE
#include "CMediaSocket.h"
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <unistd.h>

#if defined(__linux__) && __has_include(<liburing.h>)
#include <liburing.h>
#define CMEDIA_HAVE_URING 1
#endif

int cmedia_sendmmsg(int fd, struct cmedia_mmsghdr *messages, unsigned int count) {
#if defined(__linux__)
    _Static_assert(sizeof(struct cmedia_mmsghdr) == sizeof(struct mmsghdr), "mmsghdr layout");
    return sendmmsg(fd, (struct mmsghdr *)messages, count, 0);
#else
    unsigned int sent = 0;
    for (; sent < count; sent++) {
        if (sendmsg(fd, &messages[sent].msg_hdr, 0) < 0) return sent > 0 ? (int)sent : -1;
    }
    return (int)sent;
#endif
}

/* Slots in the ring's table of registered sockets (fixed files): a send on a registered
   socket skips the kernel's per-operation file lookup and reference count. */
#define CMEDIA_RING_SLOTS 16384

struct cmedia_ring {
#ifdef CMEDIA_HAVE_URING
    struct io_uring ring;
#endif
    unsigned int inflight;              /* queued or submitted, completion not reaped yet */
    unsigned long long sent, failed;
    int send_with_address;              /* IORING_OP_SEND takes a destination (Linux 6.0+) */
    int *free_slots;                    /* stack of unused fixed-file slots; NULL: none registered */
    unsigned int free_count;
};

#ifdef CMEDIA_HAVE_URING
/* Counts and consumes every completion already posted. */
static void cmedia_ring_reap(struct cmedia_ring *r) {
    struct io_uring_cqe *cqe;
    unsigned int head, seen = 0;
    io_uring_for_each_cqe(&r->ring, head, cqe) {
        if (cqe->res >= 0) r->sent++; else r->failed++;
        seen++;
    }
    io_uring_cq_advance(&r->ring, seen);
    r->inflight -= seen;
}
#endif

#ifdef CMEDIA_HAVE_URING
/* Whether this kernel's IORING_OP_SEND takes a destination address: one byte sent to a
   socket of our own on 127.0.0.1 must arrive. Otherwise sends go as IORING_OP_SENDMSG. */
static int cmedia_ring_probe_send_with_address(struct cmedia_ring *r) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return 0;
    struct sockaddr_in self = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof self;
    int works = 0;
    if (bind(fd, (struct sockaddr *)&self, sizeof self) == 0 && getsockname(fd, (struct sockaddr *)&self, &length) == 0) {
        char byte = 1;
        struct io_uring_sqe *sqe = io_uring_get_sqe(&r->ring);
        struct io_uring_cqe *cqe;
        if (sqe) {
            io_uring_prep_send(sqe, fd, &byte, 1, MSG_DONTWAIT);
            io_uring_prep_send_set_addr(sqe, (const struct sockaddr *)&self, sizeof self);
            if (io_uring_submit_and_wait(&r->ring, 1) >= 0 && io_uring_peek_cqe(&r->ring, &cqe) == 0) {
                char received;
                works = cqe->res == 1 && recv(fd, &received, 1, MSG_DONTWAIT) == 1;
                io_uring_cqe_seen(&r->ring, cqe);
            }
        }
    }
    close(fd);
    return works;
}
#endif

struct cmedia_ring *cmedia_ring_create(unsigned int entries) {
#ifdef CMEDIA_HAVE_URING
    struct cmedia_ring *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    /* No SQPOLL: the loop's own thread issues the sends inside io_uring_enter. SUBMIT_ALL
       keeps going past a failed entry; COOP_TASKRUN avoids interrupting the loop for
       completion work. Older kernels reject the flags: retry without. */
    if (io_uring_queue_init(entries, &r->ring, IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN) < 0 &&
        io_uring_queue_init(entries, &r->ring, 0) < 0) {
        free(r);
        return NULL;
    }
    if (io_uring_register_files_sparse(&r->ring, CMEDIA_RING_SLOTS) == 0) {
        r->free_slots = malloc(CMEDIA_RING_SLOTS * sizeof *r->free_slots);
        if (r->free_slots) {
            for (unsigned int i = 0; i < CMEDIA_RING_SLOTS; i++) r->free_slots[i] = CMEDIA_RING_SLOTS - 1 - (int)i;
            r->free_count = CMEDIA_RING_SLOTS;
        }
    }
    r->send_with_address = cmedia_ring_probe_send_with_address(r);
    return r;
#else
    (void)entries;
    return NULL;
#endif
}

void cmedia_ring_destroy(struct cmedia_ring *r) {
    if (!r) return;
#ifdef CMEDIA_HAVE_URING
    io_uring_queue_exit(&r->ring);
#endif
    free(r->free_slots);
    free(r);
}

#ifdef CMEDIA_HAVE_URING
/* The next free submission entry; when the ring is full, what is queued is handed over
   first (the sends complete inline) to make room. NULL if there is still none. */
static struct io_uring_sqe *cmedia_ring_next_sqe(struct cmedia_ring *r) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(&r->ring);
    if (sqe) return sqe;
    io_uring_submit(&r->ring);
    cmedia_ring_reap(r);
    return io_uring_get_sqe(&r->ring);
}

/* The fallback of cmedia_ring_queue_datagrams where IORING_OP_SEND takes no address: one
   IORING_OP_SENDMSG per message (MSG_DONTWAIT as there). */
static unsigned int cmedia_ring_queue_sendmsg(struct cmedia_ring *r, int fd, struct cmedia_mmsghdr *messages, unsigned int count) {
    for (unsigned int i = 0; i < count; i++) {
        struct io_uring_sqe *sqe = cmedia_ring_next_sqe(r);
        if (!sqe) return i;
        io_uring_prep_sendmsg(sqe, fd, &messages[i].msg_hdr, MSG_DONTWAIT);
        r->inflight++;
    }
    return count;
}
#endif

int cmedia_ring_register(struct cmedia_ring *r, int fd) {
#ifdef CMEDIA_HAVE_URING
    if (!r->free_slots || r->free_count == 0) return -1;
    int slot = r->free_slots[r->free_count - 1];
    if (io_uring_register_files_update(&r->ring, (unsigned int)slot, &fd, 1) != 1) return -1;
    r->free_count--;
    return slot;
#else
    (void)r; (void)fd;
    return -1;
#endif
}

void cmedia_ring_unregister(struct cmedia_ring *r, int slot) {
#ifdef CMEDIA_HAVE_URING
    if (!r->free_slots || slot < 0 || slot >= CMEDIA_RING_SLOTS) return;
    int none = -1;
    if (io_uring_register_files_update(&r->ring, (unsigned int)slot, &none, 1) == 1) r->free_slots[r->free_count++] = slot;
#else
    (void)r; (void)slot;
#endif
}

unsigned int cmedia_ring_queue_datagrams(struct cmedia_ring *r, int fd, int slot, struct cmedia_mmsghdr *messages, unsigned int count) {
#ifdef CMEDIA_HAVE_URING
    if (!r->send_with_address) return cmedia_ring_queue_sendmsg(r, fd, messages, count);
    for (unsigned int i = 0; i < count; i++) {
        struct io_uring_sqe *sqe = cmedia_ring_next_sqe(r);
        if (!sqe) return i;
        /* One datagram, one buffer: IORING_OP_SEND with the destination saves copying a
           msghdr and importing an iovec per packet. MSG_DONTWAIT: a full socket buffer
           completes with -EAGAIN at once instead of being retried later (late RTP is
           useless, and the buffers are reused next tick). */
        struct msghdr *message = &messages[i].msg_hdr;
        io_uring_prep_send(sqe, slot >= 0 ? slot : fd, message->msg_iov[0].iov_base, message->msg_iov[0].iov_len, MSG_DONTWAIT);
        io_uring_prep_send_set_addr(sqe, message->msg_name, (__u16)message->msg_namelen);
        if (slot >= 0) sqe->flags |= IOSQE_FIXED_FILE;
        r->inflight++;
    }
    return count;
#else
    (void)r; (void)fd; (void)slot; (void)messages; (void)count;
    return 0;
#endif
}

int cmedia_ring_submit(struct cmedia_ring *r) {
#ifdef CMEDIA_HAVE_URING
    if (r->inflight == 0) return 0;
    /* Wait for all of them: issued inline, they are already complete when the submission
       returns, so the wait costs nothing and every buffer is free again afterwards. */
    int result;
    do {  /* a signal may interrupt the wait: reap what is done and wait for the rest */
        result = io_uring_submit_and_wait(&r->ring, r->inflight);
        cmedia_ring_reap(r);
    } while (result == -EINTR && r->inflight > 0);
    return result < 0 && r->inflight > 0 ? result : 0;
#else
    (void)r;
    return -1;
#endif
}

unsigned long long cmedia_ring_sent(const struct cmedia_ring *r) { return r->sent; }
unsigned long long cmedia_ring_failed(const struct cmedia_ring *r) { return r->failed; }

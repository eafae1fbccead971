#define _GNU_SOURCE
#include "CMediaSocket.h"
#include <errno.h>
#include <stdlib.h>

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

struct cmedia_ring {
#ifdef CMEDIA_HAVE_URING
    struct io_uring ring;
#endif
    unsigned int inflight;              /* queued or submitted, completion not reaped yet */
    unsigned long long sent, failed;
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
    free(r);
}

unsigned int cmedia_ring_queue(struct cmedia_ring *r, int fd, struct cmedia_mmsghdr *messages, unsigned int count) {
#ifdef CMEDIA_HAVE_URING
    for (unsigned int i = 0; i < count; i++) {
        struct io_uring_sqe *sqe = io_uring_get_sqe(&r->ring);
        if (!sqe) {
            /* Full: hand the queued sends over now (they complete inline) and go on. */
            io_uring_submit(&r->ring);
            cmedia_ring_reap(r);
            sqe = io_uring_get_sqe(&r->ring);
            if (!sqe) return i;
        }
        /* MSG_DONTWAIT: a full socket buffer completes with -EAGAIN at once instead of
           being retried later (late RTP is useless, and the buffers are reused next tick). */
        io_uring_prep_sendmsg(sqe, fd, &messages[i].msg_hdr, MSG_DONTWAIT);
        r->inflight++;
    }
    return count;
#else
    (void)r; (void)fd; (void)messages; (void)count;
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

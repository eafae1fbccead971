#define _GNU_SOURCE
#include "CMediaSocket.h"

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

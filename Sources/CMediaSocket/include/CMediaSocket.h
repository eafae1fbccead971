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

#endif

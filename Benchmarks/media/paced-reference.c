// The kernel's floor for `switchboard bench media` paced the same way: what a plain C program
// gets on this machine, to compare our lateness and CPU with.
//
// T threads (one per core) each carry CHANNELS/T channels spread over 20 phases: every 1 ms
// (clock_nanosleep to an absolute deadline, never drifting) a thread sends one 172-octet
// datagram (a 20 ms PCMU RTP packet) for each channel of that phase to 8 loopback receivers
// that are never read (the smallest receive buffer: like `bench media --sink`). Shared port:
// one socket per thread and sendmmsg(2) per up to CHUNK packets; port per channel: a socket
// each and sendto(2). Like the media engine's, every sending socket is registered for reading
// in an epoll set (never waited on here; the kernel then wakes that set's queue for every
// packet sent: `--no-epoll` leaves it out) and sets DF (`--no-df`). Lateness of a packet = when its send call returned - its deadline.
// Prints p50/p99/max lateness over SECONDS after one second of warm-up, and CPU.
//
// gcc -O2 -pthread -o /tmp/paced-reference Benchmarks/media/paced-reference.c
// /tmp/paced-reference CHANNELS [--port-per-channel] [--no-df] [--no-epoll] [--chunk N] [--seconds N] [--threads N]
#define _GNU_SOURCE
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { RECEIVERS = 8, PHASES = 20, MAX_THREADS = 16, BUCKETS = 100001 };  // 10 µs buckets up to 1 s
static int channels, threads = 2, seconds = 5, portPerChannel = 0, dontFragment = 1, readable = 1, chunk = 1024;
static int pollSet = -1;
static struct sockaddr_in receivers[RECEIVERS];
static long histogram[MAX_THREADS][BUCKETS];
static double cpuSeconds[MAX_THREADS];
static long packetsMeasured[MAX_THREADS];

static long nowNanoseconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static int sendingSocket(void) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in local = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bind(fd, (struct sockaddr *)&local, sizeof local);
    if (dontFragment) {  // as the media engine does: DF, so IPv4 ID 0 (RFC 6864)
        int probe = IP_PMTUDISC_PROBE;
        setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &probe, sizeof probe);
    }
    if (readable) {  // a media engine must hear the far end: each socket is in an epoll set
        struct epoll_event interest = {.events = EPOLLIN, .data.fd = fd};
        epoll_ctl(pollSet, EPOLL_CTL_ADD, fd, &interest);
    }
    return fd;
}

static void *carry(void *argument) {
    int me = (int)(long)argument, count = channels / threads, perPhase = count / PHASES;
    int shared = sendingSocket();
    int *own = calloc(count, sizeof *own);
    char (*packets)[172] = calloc(count, 172);
    struct mmsghdr *messages = calloc(count, sizeof *messages);
    struct iovec *vectors = calloc(count, sizeof *vectors);
    for (int i = 0; i < count; i++) {
        if (portPerChannel) own[i] = sendingSocket();
        packets[i][0] = (char)0x80;
        vectors[i] = (struct iovec){.iov_base = packets[i], .iov_len = 172};
        messages[i].msg_hdr = (struct msghdr){.msg_name = &receivers[(i * threads + me) % RECEIVERS],
                                              .msg_namelen = sizeof receivers[0], .msg_iov = &vectors[i], .msg_iovlen = 1};
    }
    long tick = 20000000L / PHASES, start = nowNanoseconds() + 20000000L;
    long measureFrom = start + 1000000000L, end = measureFrom + (long)seconds * 1000000000L;
    struct timespec cpu0 = {0}, cpu1;
    for (long k = 0;; k++) {
        long deadline = start + k * tick;
        if (deadline >= end) break;
        struct timespec at = {deadline / 1000000000L, deadline % 1000000000L};
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL);
        int measuring = deadline >= measureFrom;
        if (measuring && cpu0.tv_sec == 0 && cpu0.tv_nsec == 0) clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu0);
        int first = (int)(k % PHASES) * perPhase;
        for (int done = 0; done < perPhase; done += chunk) {
            int n = perPhase - done < chunk ? perPhase - done : chunk, base = first + done;
            for (int i = base; i < base + n; i++) {  // next sequence number, like a real sender
                unsigned short sequence = (unsigned short)((unsigned char)packets[i][2] << 8 | (unsigned char)packets[i][3]) + 1;
                packets[i][2] = (char)(sequence >> 8);
                packets[i][3] = (char)sequence;
            }
            if (portPerChannel) {
                for (int i = base; i < base + n; i++)
                    sendto(own[i], packets[i], 172, 0, messages[i].msg_hdr.msg_name, sizeof receivers[0]);
            } else {
                for (int sent = 0; sent < n;) {
                    int result = sendmmsg(shared, messages + base + sent, n - sent, 0);
                    if (result <= 0) break;
                    sent += result;
                }
            }
            long late = (nowNanoseconds() - deadline) / 10000;
            if (measuring) {
                histogram[me][late < BUCKETS - 1 ? late : BUCKETS - 1] += n;
                packetsMeasured[me] += n;
            }
        }
    }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu1);
    cpuSeconds[me] = (cpu1.tv_sec - cpu0.tv_sec) + 1e-9 * (cpu1.tv_nsec - cpu0.tv_nsec);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s CHANNELS [--port-per-channel] [--no-df] [--no-epoll] [--chunk N] [--seconds N] [--threads N]\n", argv[0]);
        return 2;
    }
    channels = atoi(argv[1]);
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--port-per-channel") == 0) portPerChannel = 1;
        else if (strcmp(argv[i], "--no-df") == 0) dontFragment = 0;
        else if (strcmp(argv[i], "--no-epoll") == 0) readable = 0;
        else if (strcmp(argv[i], "--chunk") == 0 && i + 1 < argc) chunk = atoi(argv[++i]);
        else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) seconds = atoi(argv[++i]);
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) threads = atoi(argv[++i]);
        else { fprintf(stderr, "unknown argument %s\n", argv[i]); return 2; }
    }
    if (channels < PHASES * threads || threads < 1 || threads > MAX_THREADS || chunk < 1 || seconds < 1) {
        fprintf(stderr, "CHANNELS at least %d per thread, THREADS 1-%d, CHUNK and SECONDS at least 1\n", PHASES, MAX_THREADS);
        return 2;
    }
    pollSet = epoll_create1(0);
    for (int i = 0; i < RECEIVERS; i++) {
        int fd = socket(AF_INET, SOCK_DGRAM, 0), smallest = 1;
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &smallest, sizeof smallest);
        struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t length = sizeof address;
        bind(fd, (struct sockaddr *)&address, sizeof address);
        getsockname(fd, (struct sockaddr *)&address, &length);
        receivers[i] = address;
    }
    pthread_t carriers[MAX_THREADS];
    for (long t = 0; t < threads; t++) pthread_create(&carriers[t], NULL, carry, (void *)t);
    long total = 0;
    double cpu = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(carriers[t], NULL);
        total += packetsMeasured[t];
        cpu += cpuSeconds[t];
    }
    double p50 = -1, p99 = -1, maximum = 0;
    long seen = 0;
    for (int b = 0; b < BUCKETS; b++) {
        long inBucket = 0;
        for (int t = 0; t < threads; t++) inBucket += histogram[t][b];
        if (inBucket == 0) continue;
        seen += inBucket;
        maximum = b / 100.0;
        if (p50 < 0 && seen * 2 >= total) p50 = b / 100.0;
        if (p99 < 0 && seen * 100 >= total * 99) p99 = b / 100.0;
    }
    printf("C reference, %s, DF %s, epoll %s: %d channels on %d threads, lateness p50 %.2f ms, p99 %.2f ms, max %.2f ms; cpu %.0f %%, %.2f us/packet\n",
           portPerChannel ? "port per channel (sendto)" : "shared port (sendmmsg)", dontFragment ? "on" : "off", readable ? "on" : "off",
           channels, threads, p50, p99, maximum, cpu / seconds * 100, cpu / (total ? total : 1) * 1e6);
    return 0;
}

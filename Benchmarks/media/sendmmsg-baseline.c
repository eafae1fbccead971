// The kernel's floor for bench media: one thread sends 172-octet UDP datagrams (a PCMU RTP
// packet) with sendmmsg, 64 per call, to R loopback sockets, flat out, and prints the CPU
// time per packet. With a 4th argument it also reads them (the receivers' cost).
// gcc -O2 -o /tmp/sendmmsg-baseline Benchmarks/media/sendmmsg-baseline.c && /tmp/sendmmsg-baseline 8 2000000 [read]
#define _GNU_SOURCE
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <unistd.h>
int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s RECEIVERS PACKETS [read]\n", argv[0]); return 2; }
  int R = atoi(argv[1]); long N = atol(argv[2]); int batch = 64;
  if (R < 1 || R > 64 || N < 1) { fprintf(stderr, "RECEIVERS is 1-64, PACKETS at least 1\n"); return 2; }
  int rx[64]; struct sockaddr_in addr[64];
  for (int i = 0; i < R; i++) {
    rx[i] = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bind(rx[i], (void*)&a, sizeof a); socklen_t l = sizeof a; getsockname(rx[i], (void*)&a, &l); addr[i] = a;
  }
  int tx = socket(AF_INET, SOCK_DGRAM, 0);
  char payload[172]; memset(payload, 0x55, sizeof payload);
  struct mmsghdr msgs[64]; struct iovec iov[64];
  for (int i = 0; i < batch; i++) {
    iov[i].iov_base = payload; iov[i].iov_len = sizeof payload;
    memset(&msgs[i], 0, sizeof msgs[i]);
    msgs[i].msg_hdr.msg_iov = &iov[i]; msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_name = &addr[i % R]; msgs[i].msg_hdr.msg_namelen = sizeof addr[0];
  }
  struct rusage a, b; getrusage(RUSAGE_SELF, &a);
  struct timespec t0, t1; clock_gettime(CLOCK_MONOTONIC, &t0);
  long sent = 0; char buf[2048];
  while (sent < N) {
    int n = sendmmsg(tx, msgs, batch, 0); if (n > 0) sent += n;
    if (argc > 3) for (int i = 0; i < R; i++) while (recv(rx[i], buf, sizeof buf, MSG_DONTWAIT) > 0) {}
  }
  clock_gettime(CLOCK_MONOTONIC, &t1); getrusage(RUSAGE_SELF, &b);
  double cpu = (b.ru_utime.tv_sec - a.ru_utime.tv_sec) + (b.ru_stime.tv_sec - a.ru_stime.tv_sec)
             + 1e-6 * ((b.ru_utime.tv_usec - a.ru_utime.tv_usec) + (b.ru_stime.tv_usec - a.ru_stime.tv_usec));
  double wall = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
  printf("R=%d %s: %ld packets, %.2f us CPU/packet, %.0f packets/s\n", R, argc > 3 ? "read" : "unread", sent, cpu / sent * 1e6, sent / wall);
}

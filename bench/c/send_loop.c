/* Baselines for bench/send.ts: `send_loop send PORT BYTES SECONDS` sends one payload with a
 * plain connected send() loop and prints the packet count; `send_loop hold PORT` binds a UDP
 * socket that is never read (the kernel drops what overflows) until killed. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clock_seconds.h"

static double now(void) { return clock_seconds(CLOCK_MONOTONIC); }

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  struct sockaddr_in a;
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_port = htons(atoi(argv[2]));
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (strcmp(argv[1], "hold") == 0) {
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0) return 1;
    printf("ready\n");
    fflush(stdout);
    for (;;) pause();
  }
  if (argc < 5) return 2;
  size_t bytes = (size_t)atoi(argv[3]);
  double secs = atof(argv[4]);
  char *buf = calloc(1, bytes);
  memset(buf, 'x', bytes);
  int sndbuf = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
  if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) return 1;
  unsigned long long n = 0, errors = 0;
  double t0 = now(), end = t0 + secs;
  while (1) {
    for (int i = 0; i < 64; i++) {
      if (send(fd, buf, bytes, 0) < 0) errors++; else n++;
    }
    if (now() >= end) break;
  }
  printf("%llu %llu %.6f\n", n, errors, now() - t0);
  return 0;
}

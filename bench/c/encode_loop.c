/* Baseline for bench/encode.ts: `encode_loop KEY COUNT [same] < messages` compresses heartbeat
 * messages (one per line) as an amphora does, taking them in turn (zlib level 9, windowBits
 * 15, memLevel 8: zlib.compress's; the system zlib; one stream reset between messages) and
 * appends each one's HMAC-SHA256 hex digest (SHA-256 pad states computed once). With `same`
 * it compresses the first message over and over. Prints CPU microseconds per message, the
 * best and the median of 10 batches, and the last packet's size. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "clock_seconds.h"

#define BATCHES 10
#define MAX_MESSAGES 1024

static char input[1 << 20];
static unsigned char out[1 << 16];

static void pad_state(SHA256_CTX *ctx, const char *key, unsigned char x) {
  unsigned char block[64] = {0}, pad[64];
  size_t n = strlen(key);
  memcpy(block, key, n > 64 ? 64 : n); /* keys above 64 bytes are not used here */
  for (int i = 0; i < 64; i++) pad[i] = block[i] ^ x;
  SHA256_Init(ctx);
  SHA256_Update(ctx, pad, 64);
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  size_t len = fread(input, 1, sizeof(input) - 1, stdin);
  char *msg[MAX_MESSAGES];
  size_t msg_len[MAX_MESSAGES];
  int messages = 0;
  for (char *p = input; p < input + len && messages < MAX_MESSAGES;) {
    char *end = memchr(p, '\n', input + len - p);
    if (!end) end = input + len;
    msg[messages] = p;
    msg_len[messages++] = end - p;
    p = end + 1;
  }
  if (messages == 0) return 2;
  if (argc > 3 && strcmp(argv[3], "same") == 0) messages = 1;
  long per = atol(argv[2]) / BATCHES;
  if (per < 1) per = 1;
  SHA256_CTX inner, outer;
  pad_state(&inner, argv[1], 0x36);
  pad_state(&outer, argv[1], 0x5c);
  z_stream zs;
  memset(&zs, 0, sizeof(zs));
  if (deflateInit2(&zs, 9, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 1;
  static const char hex[] = "0123456789abcdef";
  double secs[BATCHES];
  size_t size = 0;
  for (int b = -1; b < BATCHES; b++) { /* batch -1 warms up */
    double t0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
    for (long k = 0; k < per; k++) {
      int m = (int)(k % messages);
      deflateReset(&zs);
      zs.next_in = (unsigned char *)msg[m];
      zs.avail_in = (unsigned)msg_len[m];
      zs.next_out = out;
      zs.avail_out = sizeof(out) - 64;
      if (deflate(&zs, Z_FINISH) != Z_STREAM_END) return 1;
      unsigned char mac[32];
      SHA256_CTX work = inner;
      SHA256_Update(&work, out, zs.total_out);
      SHA256_Final(mac, &work);
      work = outer;
      SHA256_Update(&work, mac, 32);
      SHA256_Final(mac, &work);
      for (int i = 0; i < 32; i++) {
        out[zs.total_out + 2 * i] = hex[mac[i] >> 4];
        out[zs.total_out + 2 * i + 1] = hex[mac[i] & 15];
      }
      size = zs.total_out + 64;
    }
    if (b >= 0) secs[b] = (clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - t0) / per;
  }
  qsort(secs, BATCHES, sizeof(double), cmp);
  printf("%.4f %.4f %zu\n", secs[0] * 1e6, secs[BATCHES / 2] * 1e6, size);
  return 0;
}

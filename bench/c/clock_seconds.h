/* Seconds on one of the system clocks, for the C baselines (included by each; no library). */
#pragma once
#include <time.h>

static inline double clock_seconds(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

// Clocks (see clocks.h).
#include "clocks.h"

#include <time.h>

namespace stresshm {
namespace {

timespec Now(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return ts;
}

double NowMs(clockid_t clock) {
  timespec ts = Now(clock);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

}  // namespace

double ThreadCpuSeconds() {
  timespec ts = Now(CLOCK_THREAD_CPUTIME_ID);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

double MonoMs() { return NowMs(CLOCK_MONOTONIC); }

double EpochMs() { return NowMs(CLOCK_REALTIME); }

}  // namespace stresshm

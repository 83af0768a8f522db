// Timing of the heartbeat encoder for bench/encode.ts: the whole encoder and each of its
// stages (the status message's JSON text, zlib, HMAC), and how many heap allocations the
// whole encoder made, counted by bench/c/malloc_count.c when it is preloaded.
#pragma once
#include <cstdint>

#include "fleet_spec.h"

namespace stresshm {

// CPU seconds per heartbeat of the calling thread: the best batch (the least disturbed by
// other load on the machine) and the median batch.
struct StageTime {
  double best = 0, median = 0;
};

struct EncodeTimes {
  StageTime total, json, deflate, hmac;
  int64_t allocs = -1;  // heap allocations during the `total` batches; -1 without the counting shim
  uint64_t heartbeats = 0;
};

// Encodes `count` consecutive heartbeats of one amphora per stage, in `batches` batches
// each, after a warm-up batch.
EncodeTimes TimeEncoding(const FleetSpec& spec, uint32_t amphora, uint64_t count, int batches);

}  // namespace stresshm

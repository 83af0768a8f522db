// Timing of the heartbeat encoder (see encode_bench.h).
#include "encode_bench.h"

#include <dlfcn.h>

#include <algorithm>
#include <string>
#include <vector>

#include "clocks.h"
#include "envelope.h"
#include "heartbeat_encoder.h"

namespace stresshm {
namespace {

using AllocCounter = uint64_t (*)();

constexpr size_t kDistinct = 64;

// The counting shim's per-thread allocation count, when it is preloaded (bench/c/malloc_count.c).
AllocCounter ShimCounter() {
  return reinterpret_cast<AllocCounter>(dlsym(RTLD_DEFAULT, "stresshm_thread_allocs"));
}

// Runs `body(seq)` for seq in [0, per) once as a warm-up, then `batches` times timed.
// `secs` holds one slot per batch (allocated beforehand: the batches allocate nothing of their
// own). With the counting shim, `allocs` is set to the allocations made by the timed batches.
template <typename Body>
StageTime TimeBatches(uint64_t per, std::vector<double>& secs, Body body, int64_t* allocs = nullptr) {
  for (uint64_t s = 0; s < per; s++) body(s);
  AllocCounter counter = allocs ? ShimCounter() : nullptr;
  uint64_t a0 = counter ? counter() : 0;
  for (size_t b = 0; b < secs.size(); b++) {
    double t0 = ThreadCpuSeconds();
    for (uint64_t s = 0; s < per; s++) body((b + 1) * per + s);
    secs[b] = (ThreadCpuSeconds() - t0) / static_cast<double>(per);
  }
  if (counter) *allocs = static_cast<int64_t>(counter() - a0);
  std::sort(secs.begin(), secs.end());
  return StageTime{secs.front(), secs[secs.size() / 2]};
}

}  // namespace

EncodeTimes TimeEncoding(const FleetSpec& spec, uint32_t amphora, uint64_t count, int batches) {
  EncodeTimes t;
  uint64_t per = std::max<uint64_t>(1, count / static_cast<uint64_t>(batches));
  t.heartbeats = per * static_cast<uint64_t>(batches);
  std::vector<double> secs(static_cast<size_t>(batches));
  AmphoraCounters counters;
  std::string packet;
  auto encode = [&](uint64_t s) { EncodeHeartbeat(spec, amphora, s, counters, packet); };
  t.total = TimeBatches(per, secs, encode, &t.allocs);

  // The stages on their own. zlib and HMAC take the messages of `kDistinct` consecutive seqs in
  // turn, as the whole encoder does: compressing one message over and over is about a fifth
  // faster than compressing changing ones (the branch predictors learn its exact path).
  AmphoraCounters json_counters;
  std::vector<ListenerStats> stats;
  std::string json;
  t.json = TimeBatches(per, secs, [&](uint64_t s) {
    NextStats(spec, amphora, s, json_counters, stats);
    BuildMessageJsonInto(json, spec, amphora, s, stats);
  });
  std::vector<std::string> jsons(kDistinct), bodies(kDistinct);
  json_counters = AmphoraCounters{};
  for (size_t k = 0; k < kDistinct; k++) {
    NextStats(spec, amphora, k, json_counters, stats);
    BuildMessageJsonInto(jsons[k], spec, amphora, k, stats);
    DeflateInto(jsons[k].data(), jsons[k].size(), spec.zlib_level, bodies[k]);
  }
  t.deflate = TimeBatches(per, secs, [&](uint64_t s) {
    const std::string& j = jsons[s % kDistinct];
    DeflateInto(j.data(), j.size(), spec.zlib_level, bodies[s % kDistinct]);
  });
  unsigned char mac[32];
  t.hmac = TimeBatches(per, secs, [&](uint64_t s) {
    const std::string& b = bodies[s % kDistinct];
    HmacSha256(spec.key, reinterpret_cast<const uint8_t*>(b.data()), b.size(), mac);
  });
  return t;
}

}  // namespace stresshm

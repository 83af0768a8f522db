// Blasts (see blast.h).
#include "blast.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <stdexcept>
#include <thread>

#include "clocks.h"
#include "heartbeat_encoder.h"
#include "synthetic_fleet.h"
#include "thread_failure.h"
#include "udp_batch.h"

namespace stresshm {
namespace {

// Encodes the first heartbeat of amphora `n` into `packet`; one per thread (not thread-safe).
using Encoder = std::function<void(uint64_t n, std::string& packet)>;
using EncoderFactory = std::function<Encoder()>;
// One blast thread's work until `end`: thread `t` of the blast, counting into `c`.
using ThreadLoop = std::function<void(int t, double end, ThreadCounters& c)>;

// Heartbeat seq 0 of `amphora` (totals start from zero: `counters` is only reused storage).
void FirstHeartbeat(const FleetSpec& f, uint32_t amphora, AmphoraCounters& counters, std::string& packet) {
  for (auto& t : counters.totals) t = ListenerStats{};
  EncodeHeartbeat(f, amphora, 0, counters, packet);
}

void Encode(const Encoder& enc, uint64_t n, std::string& packet) {
  enc(n, packet);
  if (packet.size() > kMaxDatagram) throw std::runtime_error("heartbeat above the UDP size limit");
}

// Runs `loop` on `threads` threads for `duration_ms` and gathers their counters.
BlastResult RunThreads(int threads, double duration_ms, const ThreadLoop& loop) {
  BlastResult r;
  std::vector<std::unique_ptr<ThreadCounters>> counters;
  for (int t = 0; t < threads; t++) counters.emplace_back(new ThreadCounters());
  ThreadFailure failure;
  std::vector<std::thread> pool;
  double t0 = MonoMs();
  double end = t0 + duration_ms;
  for (int t = 0; t < threads; t++) {
    pool.emplace_back([&, t] { failure.Catch("unknown error in a blast thread", [&] { loop(t, end, *counters[t]); }); });
  }
  for (auto& th : pool) th.join();
  r.seconds = (MonoMs() - t0) / 1000;
  r.failure = failure.Get();
  for (const auto& c : counters) {
    r.packets.push_back(c->sent.load());
    r.bytes += c->bytes.load();
    c->MergeErrorsInto(r.errors);
  }
  return r;
}

// Cycles through a thread's share of pre-encoded packets, a batch at a time, until `end`.
void ReplayLoop(const EndpointSockets& socks, const std::vector<Outgoing>& w, double end, ThreadCounters& c) {
  size_t pos = 0;
  Outgoing out[kBatch];
  bool ok[kBatch];
  while (MonoMs() < end) {
    for (int k = 0; k < kBatch; k++) {
      out[k] = w[pos];
      if (++pos == w.size()) pos = 0;
    }
    SendBatch(socks, out, kBatch, c, ok);
  }
}

// Encodes a batch of the amphorae [lo, hi) in turn, sends it, and so on until `end` (checked
// per packet: a large heartbeat takes milliseconds to encode, and a batch must not overrun).
void LiveLoop(const EndpointSockets& socks, size_t endpoints, const Encoder& enc, uint64_t lo, uint64_t hi, double end,
              ThreadCounters& c) {
  std::vector<std::string> packets(kBatch);
  Outgoing out[kBatch];
  bool ok[kBatch];
  uint64_t pos = lo;
  for (bool more = true; more;) {
    int n = 0;
    while (n < kBatch && (more = MonoMs() < end)) {
      Encode(enc, pos, packets[n]);
      out[n] = Outgoing{&packets[n], pos % endpoints};
      n++;
      if (++pos == hi) pos = lo;
    }
    if (n > 0) SendBatch(socks, out, n, c, ok);
  }
}

// The blast of `n` amphorae whose packets `make` encodes: replayed when they fit the cache,
// encoded while sending otherwise.
BlastResult BlastFleet(const std::vector<Endpoint>& endpoints, int threads_wanted, uint64_t n,
                       const EncoderFactory& make, double duration_ms) {
  if (n == 0) throw std::runtime_error("blast needs at least one amphora");
  const int threads = static_cast<int>(std::max<uint64_t>(1, std::min<uint64_t>(threads_wanted, n)));
  EndpointSockets socks(endpoints);
  const size_t eps = endpoints.size();
  if (n > kReplayPackets) {
    BlastResult r = RunThreads(threads, duration_ms, [&](int t, double end, ThreadCounters& c) {
      LiveLoop(socks, eps, make(), n * t / threads, n * (t + 1) / threads, end, c);
    });
    uint64_t sent = 0;
    for (uint64_t p : r.packets) sent += p;
    r.packet_bytes = sent ? r.bytes / sent : 0;
    r.live = true;
    return r;
  }
  std::vector<std::string> packets(n);
  size_t bytes = 0;
  Encoder enc = make();
  for (uint64_t i = 0; i < n; i++) {
    Encode(enc, i, packets[i]);
    packets[i].shrink_to_fit();
    bytes += packets[i].size();
  }
  std::vector<std::vector<Outgoing>> work(threads);
  for (uint64_t i = 0; i < n; i++) work[i % threads].push_back(Outgoing{&packets[i], i % eps});
  BlastResult r = RunThreads(threads, duration_ms,
                             [&](int t, double end, ThreadCounters& c) { ReplayLoop(socks, work[t], end, c); });
  r.packet_bytes = bytes / n;
  return r;
}

}  // namespace

BlastResult RunBlast(const FleetSpec& spec, double duration_ms) {
  EncoderFactory make = [&spec] {
    auto counters = std::make_shared<AmphoraCounters>();
    return [&spec, counters](uint64_t n, std::string& packet) {
      FirstHeartbeat(spec, static_cast<uint32_t>(n), *counters, packet);
    };
  };
  return BlastFleet(spec.endpoints, spec.threads, spec.amphorae.size(), make, duration_ms);
}

BlastResult RunSyntheticBlast(const FleetSpec& settings, uint64_t amphorae, uint32_t members, double duration_ms) {
  if (amphorae == 0) throw std::runtime_error("blast needs at least one amphora");
  EncoderFactory make = [&] {
    auto window = std::make_shared<SyntheticWindow>(settings, amphorae, members);
    auto counters = std::make_shared<AmphoraCounters>();
    return [window, counters](uint64_t n, std::string& packet) {
      window->MoveTo(n);
      FirstHeartbeat(window->spec(), 0, *counters, packet);
    };
  };
  return BlastFleet(settings.endpoints, settings.threads, amphorae, make, duration_ms);
}

BlastResult RunPayloadBlast(const Endpoint& ep, size_t payload_bytes, int threads, double duration_ms) {
  std::string payload(payload_bytes, 'x');
  EndpointSockets socks(std::vector<Endpoint>{ep});
  const int n = std::max(1, threads);
  const std::vector<Outgoing> work{Outgoing{&payload, 0}};
  BlastResult r = RunThreads(n, duration_ms, [&](int, double end, ThreadCounters& c) { ReplayLoop(socks, work, end, c); });
  r.packet_bytes = payload_bytes;
  return r;
}

}  // namespace stresshm

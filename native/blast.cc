// Blasts (see blast.h).
#include "blast.h"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <thread>

#include "clocks.h"
#include "heartbeat_encoder.h"
#include "thread_failure.h"
#include "udp_batch.h"

namespace stresshm {
namespace {

// One blast thread: cycles through its share of the packets, a batch at a time, until `end`.
void BlastLoop(const EndpointSockets& socks, const std::vector<Outgoing>& w, double end, ThreadCounters& c) {
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

BlastResult Blast(const EndpointSockets& socks, const std::vector<std::vector<Outgoing>>& work, double duration_ms,
                  size_t packet_bytes) {
  BlastResult r;
  r.packet_bytes = packet_bytes;
  std::vector<std::unique_ptr<ThreadCounters>> counters;
  for (size_t t = 0; t < work.size(); t++) counters.emplace_back(new ThreadCounters());
  ThreadFailure failure;
  std::vector<std::thread> threads;
  double t0 = MonoMs();
  double end = t0 + duration_ms;
  for (size_t t = 0; t < work.size(); t++) {
    threads.emplace_back([&, t] {
      failure.Catch("unknown error in a blast thread", [&] { BlastLoop(socks, work[t], end, *counters[t]); });
    });
  }
  for (auto& th : threads) th.join();
  r.seconds = (MonoMs() - t0) / 1000;
  r.failure = failure.Get();
  for (const auto& c : counters) {
    r.packets.push_back(c->sent.load());
    r.bytes += c->bytes.load();
    c->MergeErrorsInto(r.errors);
  }
  return r;
}

}  // namespace

BlastResult RunBlast(const FleetSpec& spec, double duration_ms) {
  const size_t n = spec.amphorae.size();
  if (n == 0) throw std::runtime_error("blast needs at least one amphora");
  const int threads = std::max(1, std::min<int>(spec.threads, static_cast<int>(n)));
  std::vector<std::string> packets(n);
  size_t bytes = 0;
  for (size_t i = 0; i < n; i++) {
    AmphoraCounters counters;
    EncodeHeartbeat(spec, static_cast<uint32_t>(i), 0, counters, packets[i]);
    packets[i].shrink_to_fit();
    if (packets[i].size() > kMaxDatagram) throw std::runtime_error("heartbeat above the UDP size limit");
    bytes += packets[i].size();
  }
  EndpointSockets socks(spec.endpoints);
  std::vector<std::vector<Outgoing>> work(threads);
  for (size_t i = 0; i < n; i++) work[i % threads].push_back(Outgoing{&packets[i], i % spec.endpoints.size()});
  return Blast(socks, work, duration_ms, bytes / n);
}

BlastResult RunPayloadBlast(const Endpoint& ep, size_t payload_bytes, int threads, double duration_ms) {
  std::string payload(payload_bytes, 'x');
  EndpointSockets socks(std::vector<Endpoint>{ep});
  std::vector<std::vector<Outgoing>> work(std::max(1, threads), std::vector<Outgoing>{Outgoing{&payload, 0}});
  return Blast(socks, work, duration_ms, payload_bytes);
}

}  // namespace stresshm

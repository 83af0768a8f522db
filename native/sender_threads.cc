// The send path (see sender_threads.h).
#include "sender_threads.h"

#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "clocks.h"
#include "packet_bound.h"

namespace stresshm {
namespace {

// A sender sleeps until this long after the next due heartbeat, so each wake-up sends a batch
// instead of one packet (fewer syscalls and timer wake-ups; adds at most this much lag).
constexpr double kCoalesceMs = 1.0;

}  // namespace

FleetRunner::FleetRunner(FleetSpec spec) : spec_(std::move(spec)), sockets_(spec_.endpoints) {
  const size_t n = spec_.amphorae.size();
  const int threads = std::max(1, std::min<int>(spec_.threads, static_cast<int>(std::max<size_t>(1, n))));
  slices_.resize(threads);
  for (int t = 0; t < threads; t++) counters_.emplace_back(new ThreadCounters());
  history_times_.reset(new std::atomic<double>[n * kHistoryDepth]);
  history_seqs_.reset(new std::atomic<double>[n * kHistoryDepth]);
  for (size_t i = 0; i < n * kHistoryDepth; i++) {
    history_times_[i].store(0);
    history_seqs_[i].store(0);
  }
  for (size_t i = 0; i < n; i++) {
    Slot s;
    s.amphora = static_cast<uint32_t>(i);
    s.offset_ms = spec_.burst ? 0 : spec_.interval_ms * static_cast<double>(i) / static_cast<double>(n);
    slices_[i % threads].push_back(std::move(s));
  }
  // An oversized first heartbeat is refused before anything is sent, from a bound of every
  // amphora's packet (only one above the limit is encoded); the first kRing heartbeats of each
  // slice are encoded now, the others in time.
  max_packet_ = CheckFirstHeartbeats(spec_);
  rings_.resize(threads);
  for (int t = 0; t < threads; t++) {
    std::vector<Slot>& slots = slices_[t];
    rings_[t].resize(std::min(slots.size(), kRing));
    for (size_t p = 0; p < rings_[t].size(); p++) {
      Encode(slots[p], rings_[t][p]);
      max_packet_ = std::max(max_packet_, rings_[t][p].packet.size());  // exact for fleets within the rings
    }
  }
  malloc_trim(0);  // hand back what parsing the spec left free in the heap
}

FleetRunner::~FleetRunner() { Stop(); }

// The one place a heartbeat's seq is chosen: the slot's count of heartbeats taken so far
// (a real amphora's first heartbeat has seq 0).
void FleetRunner::Encode(Slot& s, Encoded& into) {
  into.seq = s.beats;
  EncodeHeartbeat(spec_, s.amphora, into.seq, s.counters, into.packet);
}

void FleetRunner::Start() {
  if (started_) return;
  started_ = true;
  start_epoch_ms_ = EpochMs();
  start_mono_ms_ = MonoMs();
  for (size_t t = 0; t < slices_.size(); t++) {
    threads_.emplace_back(&FleetRunner::ThreadMain, this, static_cast<int>(t));
  }
}

void FleetRunner::Stop() {
  if (!started_ || stopping_.exchange(true)) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
  }
  cv_.notify_all();
  for (auto& th : threads_) if (th.joinable()) th.join();
  // The sending time ends after the last send, so due >= sent; what comes due while the
  // threads finish their batch and exit counts as due.
  stop_mono_ms_.store(MonoMs());
}

// No exception leaves a thread: the first one is recorded and surfaces through Stats().
void FleetRunner::ThreadMain(int t) {
  double cpu0 = ThreadCpuSeconds();
  failure_.Catch("unknown error in a sender thread", [&] { SendLoop(t); });
  counters_[t]->cpu_seconds.store(ThreadCpuSeconds() - cpu0, std::memory_order_relaxed);
}

// Lag, lateness and send history of one heartbeat that was sent.
void FleetRunner::Record(const Slot& s, const Encoded& e, double sent_at, ThreadCounters& c) {
  double scheduled = start_mono_ms_ + s.offset_ms + static_cast<double>(e.seq) * spec_.interval_ms;
  double lag = sent_at - scheduled;
  c.lag.Add(lag);
  if (lag > kLateMs) c.late.fetch_add(1, std::memory_order_relaxed);
  uint64_t lag_us = static_cast<uint64_t>(std::max(0.0, lag) * 1000);
  uint64_t prev = c.max_lag_us.load(std::memory_order_relaxed);
  while (lag_us > prev && !c.max_lag_us.compare_exchange_weak(prev, lag_us)) {}
  size_t h = static_cast<size_t>(s.amphora) * kHistoryDepth + (e.seq % kHistoryDepth);
  history_times_[h].store(start_epoch_ms_ + (sent_at - start_mono_ms_), std::memory_order_relaxed);
  history_seqs_[h].store(static_cast<double>(e.seq), std::memory_order_relaxed);
}

void FleetRunner::SendLoop(int t) {
  std::vector<Slot>& slots = slices_[t];
  std::vector<Encoded>& ring = rings_[t];
  ThreadCounters& c = *counters_[t];
  const size_t n = slots.size();
  const size_t r = ring.size();
  const size_t endpoints = spec_.endpoints.size();
  size_t cursor = 0;  // slots are in offset order: sends happen cyclically through them
  uint64_t round = 0;
  uint64_t position = 0;  // round * n + cursor
  Outgoing out[kBatch];
  bool ok[kBatch];
  double cpu0 = ThreadCpuSeconds();
  while (!stopping_.load(std::memory_order_relaxed) && n > 0) {
    double now = MonoMs();
    int m = 0;
    double due = start_mono_ms_ + slots[cursor].offset_ms + round * spec_.interval_ms;
    while (m < kBatch && static_cast<size_t>(m) < r && due <= now) {
      const Slot& s = slots[cursor];
      const Encoded& e = ring[(position + m) % r];
      out[m++] = Outgoing{&e.packet, (e.seq + s.amphora) % endpoints};
      if (++cursor == n) { cursor = 0; round++; }
      due = start_mono_ms_ + slots[cursor].offset_ms + round * spec_.interval_ms;
    }
    if (m == 0) {
      std::unique_lock<std::mutex> lock(mu_);
      auto wait_ns = std::chrono::nanoseconds(static_cast<int64_t>((due + kCoalesceMs - now) * 1e6));
      cv_.wait_for(lock, wait_ns, [&] { return stopping_.load(); });
      continue;
    }
    SendBatch(sockets_, out, m, c, ok);
    double sent_at = MonoMs();
    for (int k = 0; k < m; k++) {
      Slot& s = slots[(position + k) % n];
      if (ok[k]) Record(s, ring[(position + k) % r], sent_at, c);  // a failed send is not history
      s.beats++;
    }
    // Refill the ring: position p + r reuses the buffer position p was just sent from. Since
    // r <= n, that slot's previous heartbeat has been taken, so its seq is its beats.
    for (int k = 0; k < m; k++) {
      uint64_t ahead = position + k + r;
      Encode(slots[ahead % n], ring[(position + k) % r]);
    }
    position += m;
    c.cpu_seconds.store(ThreadCpuSeconds() - cpu0, std::memory_order_relaxed);
  }
}

uint64_t DueWithin(size_t n, double interval_ms, bool burst, double elapsed_ms) {
  if (n == 0 || elapsed_ms < 0 || interval_ms <= 0) return 0;
  double x = elapsed_ms / interval_ms;
  double rounds = std::floor(x);
  // A burst makes the whole fleet due at once and takes time to send: only the rounds before
  // the one under way are counted.
  if (burst) return static_cast<uint64_t>(rounds) * n;
  // In round `rounds`, amphora i is due once i / n <= x - rounds: the first floor(r * n) + 1.
  uint64_t last = std::min<uint64_t>(n, static_cast<uint64_t>(std::floor((x - rounds) * n)) + 1);
  return static_cast<uint64_t>(rounds) * n + last;
}

FleetStats FleetRunner::Stats() const {
  FleetStats s;
  std::vector<uint64_t> lag;
  uint64_t max_us = 0;
  for (const auto& c : counters_) {
    s.sent += c->sent.load();
    s.bytes += c->bytes.load();
    s.late += c->late.load();
    s.cpu_seconds += c->cpu_seconds.load();
    c->MergeErrorsInto(s.errors);
    c->lag.MergeInto(lag);
    max_us = std::max<uint64_t>(max_us, c->max_lag_us.load());
  }
  s.lag_p50_ms = LagHistogram::Percentile(lag, 0.50);
  s.lag_p99_ms = LagHistogram::Percentile(lag, 0.99);
  s.lag_max_ms = max_us / 1000.0;
  s.threads = static_cast<int>(counters_.size());
  s.failure = failure_.Get();
  s.started_at_ms = start_epoch_ms_;
  double end = stop_mono_ms_.load() > 0 ? stop_mono_ms_.load() : MonoMs();
  s.elapsed_ms = started_ ? end - start_mono_ms_ : 0;
  s.due = started_ ? DueWithin(spec_.amphorae.size(), spec_.interval_ms, spec_.burst, s.elapsed_ms) : 0;
  return s;
}

void FleetRunner::History(double* times, double* seqs) const {
  const size_t n = spec_.amphorae.size() * kHistoryDepth;
  for (size_t i = 0; i < n; i++) {
    times[i] = history_times_[i].load(std::memory_order_relaxed);
    seqs[i] = history_seqs_[i].load(std::memory_order_relaxed);
  }
}

}  // namespace stresshm

// The send path (see sender_threads.h).
#include "sender_threads.h"

#include <malloc.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace stresshm {
namespace {

constexpr size_t kMaxDatagram = 65507;  // largest IPv4 UDP payload; the HM reads at most 64 KiB
constexpr int kBatch = 64;
// A sender sleeps until this long after the next due heartbeat, so each wake-up sends a batch
// instead of one packet (fewer syscalls and timer wake-ups; adds at most this much lag).
constexpr double kCoalesceMs = 1.0;


struct Outgoing {
  const std::string* packet;
  size_t endpoint;
};

// Sends a batch with sendmmsg, one call per run of messages to the same endpoint. A failing
// message is counted under its errno, marked not sent in `ok`, and skipped.
void SendBatch(const EndpointSockets& socks, const Outgoing* out, int n, ThreadCounters& c, bool* ok) {
  mmsghdr msgs[kBatch];
  iovec iov[kBatch];
  std::memset(msgs, 0, sizeof(mmsghdr) * n);
  for (int k = 0; k < n; k++) {
    iov[k].iov_base = const_cast<char*>(out[k].packet->data());
    iov[k].iov_len = out[k].packet->size();
    msgs[k].msg_hdr.msg_iov = &iov[k];
    msgs[k].msg_hdr.msg_iovlen = 1;
    ok[k] = false;
  }
  int start = 0;
  while (start < n) {
    int end = start + 1;
    while (end < n && out[end].endpoint == out[start].endpoint) end++;
    int fd = socks.Fd(out[start].endpoint);
    int done = start;
    while (done < end) {
      int r = sendmmsg(fd, msgs + done, end - done, 0);
      if (r < 0) {
        if (errno == EINTR) continue;
        c.errors[errno & 255].fetch_add(1, std::memory_order_relaxed);
        done++;
        continue;
      }
      uint64_t bytes = 0;
      for (int k = done; k < done + r; k++) {
        bytes += iov[k].iov_len;
        ok[k] = true;
      }
      c.bytes.fetch_add(bytes, std::memory_order_relaxed);
      c.sent.fetch_add(r, std::memory_order_relaxed);
      done += r;
    }
    start = end;
  }
}

}  // namespace

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

double MonoMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double EpochMs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

EndpointSockets::EndpointSockets(const std::vector<Endpoint>& endpoints) {
  for (const Endpoint& ep : endpoints) {
    int fd = socket(ep.family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw EndpointError("cannot open a UDP socket for heartbeat endpoint " + ep.name + ": " + std::strerror(errno));
    }
    fds_.push_back(fd);
    int buf = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
    // A connected socket skips the per-packet route lookup and reports ICMP errors
    // (ECONNREFUSED) for its endpoint; connect() refuses an address the kernel cannot use.
    if (connect(fd, reinterpret_cast<const sockaddr*>(&ep.addr), ep.len) != 0) {
      std::string why = std::strerror(errno);
      for (int f : fds_) close(f);
      fds_.clear();
      throw EndpointError("heartbeat endpoint " + ep.name + " cannot be used: " + why);
    }
  }
}

EndpointSockets::~EndpointSockets() {
  for (int fd : fds_) close(fd);
}

LagHistogram::LagHistogram() : buckets_(new std::atomic<uint64_t>[kBuckets]) {
  for (size_t i = 0; i < kBuckets; i++) buckets_[i].store(0);
}

void LagHistogram::Add(double lag_ms) {
  double us = lag_ms * 1000;
  size_t i = us < 100000 ? static_cast<size_t>(std::max(0.0, us) / 10)
                         : 10000 + std::min<size_t>(59999, static_cast<size_t>((us - 100000) / 1000));
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
}

void LagHistogram::MergeInto(std::vector<uint64_t>& sum) const {
  sum.resize(kBuckets, 0);
  for (size_t i = 0; i < kBuckets; i++) sum[i] += buckets_[i].load(std::memory_order_relaxed);
}

double LagHistogram::BucketMs(size_t i) {
  return i < 10000 ? (i + 1) * 0.01 : 100 + (i - 10000 + 1);
}

double LagHistogram::Percentile(const std::vector<uint64_t>& b, double q) {
  uint64_t total = 0;
  for (uint64_t v : b) total += v;
  if (total == 0) return 0;
  uint64_t rank = static_cast<uint64_t>(std::ceil(q * total));
  uint64_t seen = 0;
  for (size_t i = 0; i < b.size(); i++) {
    seen += b[i];
    if (seen >= rank && b[i] > 0) return BucketMs(i);
  }
  return BucketMs(b.size() - 1);
}

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
  // Every amphora's first heartbeat is encoded now, so an oversized one is refused before
  // anything is sent; the first kRing of each slice are kept, the others re-encoded in time.
  rings_.resize(threads);
  for (int t = 0; t < threads; t++) {
    std::vector<Slot>& slots = slices_[t];
    rings_[t].resize(std::min(slots.size(), kRing));
    Encoded scratch;
    for (size_t p = 0; p < slots.size(); p++) {
      Encoded& e = p < rings_[t].size() ? rings_[t][p] : scratch;
      Encode(slots[p], e);
      if (e.packet.size() > kMaxDatagram) {
        throw std::runtime_error("the heartbeat of amphora " + spec_.amphorae[slots[p].amphora].id + " is " +
                                 std::to_string(e.packet.size()) +
                                 " bytes, above the 65,507-byte UDP limit the health manager can receive; "
                                 "use fewer listeners, pools or members");
      }
      max_packet_ = std::max(max_packet_, e.packet.size());
      if (&e == &scratch) slots[p].counters = AmphoraCounters{};  // as before its first heartbeat
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
  stop_mono_ms_.store(MonoMs());
}

// No exception leaves a thread: the first one is recorded and surfaces through Stats().
void FleetRunner::ThreadMain(int t) {
  double cpu0 = ThreadCpuSeconds();
  try {
    SendLoop(t);
  } catch (const std::exception& e) {
    failure_.Record(e.what());
  } catch (...) {
    failure_.Record("unknown error in a sender thread");
  }
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

FleetStats FleetRunner::Stats() const {
  FleetStats s;
  std::vector<uint64_t> lag;
  uint64_t max_us = 0;
  for (const auto& c : counters_) {
    s.sent += c->sent.load();
    s.bytes += c->bytes.load();
    s.late += c->late.load();
    s.cpu_seconds += c->cpu_seconds.load();
    for (int e = 0; e < 256; e++) if (uint64_t v = c->errors[e].load()) s.errors[e] += v;
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
  return s;
}

void FleetRunner::History(double* times, double* seqs) const {
  const size_t n = spec_.amphorae.size() * kHistoryDepth;
  for (size_t i = 0; i < n; i++) {
    times[i] = history_times_[i].load(std::memory_order_relaxed);
    seqs[i] = history_seqs_[i].load(std::memory_order_relaxed);
  }
}

namespace {

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
      try {
        const auto& w = work[t];
        size_t pos = 0;
        Outgoing out[kBatch];
        bool ok[kBatch];
        while (MonoMs() < end) {
          for (int k = 0; k < kBatch; k++) {
            out[k] = w[pos];
            if (++pos == w.size()) pos = 0;
          }
          SendBatch(socks, out, kBatch, *counters[t], ok);
        }
      } catch (const std::exception& e) {
        failure.Record(e.what());
      } catch (...) {
        failure.Record("unknown error in a blast thread");
      }
    });
  }
  for (auto& th : threads) th.join();
  r.seconds = (MonoMs() - t0) / 1000;
  r.failure = failure.Get();
  for (const auto& c : counters) {
    r.packets.push_back(c->sent.load());
    r.bytes += c->bytes.load();
    for (int e = 0; e < 256; e++) if (uint64_t v = c->errors[e].load()) r.errors[e] += v;
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

// The send path: a few threads, each owning an interleaved slice of the fleet, send every
// amphora's heartbeat once per interval (evenly spread or aligned) and transmit due packets
// in batches with sendmmsg. Each thread keeps the next kRing heartbeats of its slice encoded
// ahead of their send time (the whole slice when it is smaller): memory stays flat however
// large the fleet, and the encoder never sits between a due time and its send.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "fleet_spec.h"
#include "heartbeat_encoder.h"
#include "thread_failure.h"

namespace stresshm {

constexpr int kHistoryDepth = 8;
constexpr size_t kRing = 4096;  // heartbeats encoded ahead, per thread
constexpr double kLateMs = 5.0;

// Lag histogram: 10 us buckets up to 100 ms, then 1 ms buckets up to 60 s.
class LagHistogram {
 public:
  LagHistogram();
  void Add(double lag_ms);
  void MergeInto(std::vector<uint64_t>& sum) const;
  static double Percentile(const std::vector<uint64_t>& b, double q);
  static double BucketMs(size_t i);
  static constexpr size_t kBuckets = 10000 + 60000;
 private:
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
};

struct ThreadCounters {
  std::atomic<uint64_t> sent{0}, bytes{0}, late{0};
  std::atomic<uint64_t> errors[256];
  std::atomic<uint64_t> max_lag_us{0};
  LagHistogram lag;
  std::atomic<double> cpu_seconds{0};
  ThreadCounters() { for (auto& e : errors) e.store(0); }
};

// One connected UDP socket per endpoint, opened and connected before any thread starts, so
// an endpoint the kernel cannot address is refused up front (EndpointError) instead of
// failing inside a sender thread. Threads share the sockets (sendmmsg is thread-safe).
class EndpointSockets {
 public:
  explicit EndpointSockets(const std::vector<Endpoint>& endpoints);
  ~EndpointSockets();
  EndpointSockets(const EndpointSockets&) = delete;
  EndpointSockets& operator=(const EndpointSockets&) = delete;
  int Fd(size_t endpoint) const { return fds_[endpoint]; }

 private:
  std::vector<int> fds_;
};

// An endpoint that cannot be used; what() names it.
struct EndpointError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct FleetStats {
  uint64_t sent = 0, bytes = 0, late = 0;
  std::string failure;  // empty unless a sender thread stopped on an error
  std::map<int, uint64_t> errors;
  double lag_p50_ms = 0, lag_p99_ms = 0, lag_max_ms = 0;
  double cpu_seconds = 0;
  int threads = 0;
  double started_at_ms = 0, elapsed_ms = 0;
};

class FleetRunner {
 public:
  explicit FleetRunner(FleetSpec spec);
  ~FleetRunner();
  void Start();
  void Stop();
  FleetStats Stats() const;
  void History(double* times, double* seqs) const;
  size_t Size() const { return spec_.amphorae.size(); }
  size_t MaxPacketBytes() const { return max_packet_; }

 private:
  struct Slot {
    uint32_t amphora;
    double offset_ms;
    uint64_t beats = 0;  // heartbeats taken so far (sent or failed): the next one's seq
    AmphoraCounters counters;
  };
  // An encoded heartbeat and the seq written into it: the send history and the schedule read
  // this seq, so what is recorded is what the packet says.
  struct Encoded {
    std::string packet;
    uint64_t seq = 0;
  };
  void Encode(Slot& s, Encoded& into);
  void ThreadMain(int t);
  void SendLoop(int t);
  void Record(const Slot& s, const Encoded& e, double sent_at, ThreadCounters& c);

  FleetSpec spec_;
  EndpointSockets sockets_;
  ThreadFailure failure_;
  std::vector<std::vector<Slot>> slices_;
  // rings_[t][p % ring size]: the heartbeat of thread t's send position p (position p sends
  // slot p % slice size in round p / slice size)
  std::vector<std::vector<Encoded>> rings_;
  std::vector<std::unique_ptr<ThreadCounters>> counters_;
  std::unique_ptr<std::atomic<double>[]> history_times_;
  std::unique_ptr<std::atomic<double>[]> history_seqs_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  double start_mono_ms_ = 0, start_epoch_ms_ = 0;
  std::atomic<double> stop_mono_ms_{0};
  size_t max_packet_ = 0;
  bool started_ = false;
};

struct BlastResult {
  std::vector<uint64_t> packets;  // per thread
  std::map<int, uint64_t> errors;
  uint64_t bytes = 0;
  double seconds = 0;
  size_t packet_bytes = 0;
  std::string failure;  // empty unless a thread stopped on an error
};

// Replays pre-encoded heartbeats (seq 0 of every amphora) as fast as the threads can.
BlastResult RunBlast(const FleetSpec& spec, double duration_ms);
// Sends one fixed payload to one endpoint as fast as the threads can (benchmarks).
BlastResult RunPayloadBlast(const Endpoint& ep, size_t payload_bytes, int threads, double duration_ms);

double MonoMs();
double ThreadCpuSeconds();  // CPU time of the calling thread
double EpochMs();

}  // namespace stresshm

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
#include <string>
#include <thread>
#include <vector>

#include "fleet_spec.h"
#include "heartbeat_encoder.h"
#include "thread_failure.h"
#include "udp_batch.h"

namespace stresshm {

constexpr int kHistoryDepth = 8;
constexpr size_t kRing = 4096;  // heartbeats encoded ahead, per thread
constexpr double kLateMs = 5.0;

struct FleetStats {
  uint64_t sent = 0, bytes = 0, late = 0;
  std::string failure;  // empty unless a sender thread stopped on an error
  std::map<int, uint64_t> errors;
  double lag_p50_ms = 0, lag_p99_ms = 0, lag_max_ms = 0;
  double cpu_seconds = 0;
  int threads = 0;
  double started_at_ms = 0, elapsed_ms = 0;
  // Heartbeats the schedule made due within elapsed_ms: what the fleet was asked to offer.
  uint64_t due = 0;
};

// How many heartbeats a schedule makes due within `elapsed_ms` of its start: amphora i of n is
// due at interval * i / n + k * interval (k = 0, 1, ...). In burst mode every amphora is due at
// k * interval, and only the rounds that ended are counted (a burst takes time to send).
uint64_t DueWithin(size_t n, double interval_ms, bool burst, double elapsed_ms);

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

}  // namespace stresshm

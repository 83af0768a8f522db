// Blasts: heartbeats sent as fast as a few threads can, for a fixed time, to measure what the
// machine and the receiver can take (no schedule, no history). A fleet of up to
// kReplayPackets amphorae is encoded once and replayed; a larger one is encoded while it is
// sent (every amphora in turn, each thread over its share), so memory stays flat at any size.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "address.h"
#include "fleet_spec.h"

namespace stresshm {

constexpr uint64_t kReplayPackets = 65536;  // at most this many packets are kept (tens of MB)

struct BlastResult {
  std::vector<uint64_t> packets;  // per thread
  std::map<int, uint64_t> errors;
  uint64_t bytes = 0;
  double seconds = 0;
  size_t packet_bytes = 0;
  bool live = false;    // encoded while sending (the fleet exceeds kReplayPackets)
  std::string failure;  // empty unless a thread stopped on an error
};

// Sends every amphora's first heartbeat (seq 0), round-robin, as fast as the threads can.
BlastResult RunBlast(const FleetSpec& spec, double duration_ms);
// The same for a synthetic fleet (see synthetic_fleet.h) of `amphorae` one-amphora LBs with
// `members` members each, generated natively: `settings` is a fleet header (no LBs).
BlastResult RunSyntheticBlast(const FleetSpec& settings, uint64_t amphorae, uint32_t members, double duration_ms);
// Sends one fixed payload to one endpoint as fast as the threads can (benchmarks).
BlastResult RunPayloadBlast(const Endpoint& ep, size_t payload_bytes, int threads, double duration_ms);

}  // namespace stresshm

// Blasts: pre-encoded packets sent as fast as a few threads can, for a fixed time, to
// measure what the machine and the receiver can take (no schedule, no history).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "address.h"
#include "fleet_spec.h"

namespace stresshm {

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

}  // namespace stresshm

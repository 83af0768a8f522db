// The fleet as the native engine sees it: endpoints, heartbeat settings, status churn and,
// per ghost load balancer, its listeners, pools and members; amphorae point at their LB.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "address.h"

namespace stresshm {

struct PoolSpec {
  std::string id;
  std::string listener_id;
  std::vector<std::string> members;
  std::vector<uint32_t> member_hashes;  // IdHash of each member id, computed once
  uint64_t first_ordinal = 0;  // ordinal of members[0] among all members of the fleet
};

struct LbSpec {
  std::vector<std::string> listeners;
  std::vector<uint32_t> listener_hashes;  // IdHash of each listener id, computed once
  std::vector<PoolSpec> pools;
};

struct AmphoraSpec {
  std::string id;
  uint32_t lb = 0;
};

struct Churn {
  double down = 0, drain = 0, maint = 0, nocheck = 0;  // shares of members
  double listener_full = 0;                            // share of listeners
  uint64_t per_interval = 0;                           // members changing each interval
  uint64_t total_members = 0;
};

struct FleetSpec {
  std::string key;
  int version = 3;
  double interval_ms = 10000;
  bool legacy_digest = false;  // raw 32-byte digest of very old amphorae (not the default)
  bool compact_json = false;   // "," and ":" separators instead of Python's (not the default)
  bool burst = false;
  int threads = 1;
  int zlib_level = 9;  // what an amphora uses
  Churn churn;
  std::vector<Endpoint> endpoints;
  std::vector<LbSpec> lbs;
  std::vector<AmphoraSpec> amphorae;
  uint64_t amphora_base = 0;  // fleet ordinal of amphorae[0] (a synthetic window's), seeds the stats
};

// The whole spec from one msgpack map (settings, lbs and amphorae).
FleetSpec ParseFleetSpec(const uint8_t* data, size_t len);

// Streamed handover, so neither side ever holds the whole fleet twice: the settings first
// (a map without lbs and amphorae; optional expectLbs / expectAmphorae reserve room), then
// chunks {lbs, amphorae} whose amphorae point at an LB of the same chunk, then a check.
FleetSpec ParseFleetHeader(const uint8_t* data, size_t len);
void AppendFleetChunk(FleetSpec& f, const uint8_t* data, size_t len);
void CheckFleetSpec(const FleetSpec& f);

}  // namespace stresshm

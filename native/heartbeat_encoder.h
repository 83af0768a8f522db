// Heartbeat encoding, exactly as an amphora's health sender does it: the status message
// (v1, v2 or v3) as compact JSON, zlib-compressed, followed by its HMAC-SHA256 digest.
// Status words and stats are deterministic functions shared with src/wire.ts.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "envelope.h"
#include "fleet_spec.h"

namespace stresshm {

struct ListenerStats {
  uint64_t tx = 0, rx = 0, conns = 0, totconns = 0, ereq = 0;
};

// FNV-1a over the id's bytes, then murmur3's finaliser so similar ids spread evenly.
uint32_t IdHash(const std::string& s);
const char* MemberStatus(const Churn& c, const std::string& id, uint64_t ordinal, uint64_t interval_no);
const char* ListenerStatus(const Churn& c, const std::string& id);
ListenerStats StatsDelta(uint64_t amphora, uint64_t listener, uint64_t seq);

// Running totals per listener of one amphora (v1/v2 report absolute counters).
struct AmphoraCounters {
  std::vector<ListenerStats> totals;
};

// Adds heartbeat `seq`'s traffic to `counters` (called for seq 0, 1, 2, ... in order) and
// returns the stats that heartbeat reports.
std::vector<ListenerStats> NextStats(const FleetSpec& f, uint32_t amphora, uint64_t seq, AmphoraCounters& counters);

// The status message of amphora's heartbeat `seq`, sent in interval `seq` (statuses follow it).
std::string BuildMessageJson(const FleetSpec& f, uint32_t amphora, uint64_t seq, const std::vector<ListenerStats>& stats);

}  // namespace stresshm

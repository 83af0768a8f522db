// Heartbeat messages, exactly as an amphora's health sender builds them: the status message
// (v1, v2 or v3) as Python's json.dumps text with the health daemon's key order (see
// envelope.h for the compression and digest). Status words and stats are deterministic
// functions shared with src/engine/wire.ts.
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
// Status words from the id's IdHash (precomputed in the spec).
const char* MemberStatus(const Churn& c, uint32_t id_hash, uint64_t ordinal, uint64_t interval_no);
const char* ListenerStatus(const Churn& c, uint32_t id_hash);
ListenerStats StatsDelta(uint64_t amphora, uint64_t listener, uint64_t seq);

// Running totals per listener of one amphora (v1/v2 report absolute counters).
struct AmphoraCounters {
  std::vector<ListenerStats> totals;
};

// Adds heartbeat `seq`'s traffic to `counters` (called for seq 0, 1, 2, ... in order) and
// sets `out` to the stats that heartbeat reports.
void NextStats(const FleetSpec& f, uint32_t amphora, uint64_t seq, AmphoraCounters& counters,
               std::vector<ListenerStats>& out);

// The status message of amphora's heartbeat `seq`, sent in interval `seq` (statuses follow
// it), into `out` (its capacity is reused).
void BuildMessageJsonInto(std::string& out, const FleetSpec& f, uint32_t amphora, uint64_t seq,
                          const std::vector<ListenerStats>& stats);
std::string BuildMessageJson(const FleetSpec& f, uint32_t amphora, uint64_t seq,
                             const std::vector<ListenerStats>& stats);

// The packet of amphora's heartbeat `seq` into `packet` (its capacity is reused); advances
// `counters` to it. Scratch buffers are per thread: a message allocates nothing of its own.
void EncodeHeartbeat(const FleetSpec& f, uint32_t amphora, uint64_t seq, AmphoraCounters& counters,
                     std::string& packet);

}  // namespace stresshm

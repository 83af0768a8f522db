// Heartbeat messages (see heartbeat_encoder.h).
#include "heartbeat_encoder.h"

#include "py_json.h"

#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

namespace stresshm {
namespace {

void AppendStats(PyJson& j, const ListenerStats& s) {
  const std::pair<std::string_view, uint64_t> fields[] = {
      {"tx", s.tx}, {"rx", s.rx}, {"conns", s.conns}, {"totconns", s.totconns}, {"ereq", s.ereq}};
  j.Open();
  for (const auto& [key, value] : fields) {
    j.Key(key.data(), key.size());
    j.Uint(value);
  }
  j.Close();
}

// "UP" unless the pool has members and every one of them reports DOWN.
const char* PoolStatus(const Churn& c, const PoolSpec& p, uint64_t interval_no) {
  if (p.members.empty()) return "UP";
  for (size_t k = 0; k < p.members.size(); k++) {
    if (std::strcmp(MemberStatus(c, p.member_hashes[k], p.first_ordinal + k, interval_no), "DOWN") != 0) return "UP";
  }
  return "DOWN";
}

// {"status": ..., "members": {id: word, ...}}; statuses are recomputed rather than stored,
// so a message allocates nothing.
void AppendPool(PyJson& j, const FleetSpec& f, const PoolSpec& p, uint64_t interval_no) {
  j.Open();
  j.Key("status");
  j.String(PoolStatus(f.churn, p, interval_no));
  j.Key("members");
  j.Open();
  for (size_t k = 0; k < p.members.size(); k++) {
    j.Key(p.members[k]);
    j.String(MemberStatus(f.churn, p.member_hashes[k], p.first_ordinal + k, interval_no));
  }
  j.Close();
  j.Close();
}

void AppendListener(PyJson& j, const FleetSpec& f, const LbSpec& lb, size_t l, const ListenerStats& stats,
                    uint64_t interval_no) {
  j.Key(lb.listeners[l]);
  j.Open();
  j.Key("status");
  j.String(ListenerStatus(f.churn, lb.listener_hashes[l]));
  j.Key("stats");
  AppendStats(j, stats);
  if (f.version < 2) {  // v1: the listener's pools inside it
    j.Key("pools");
    j.Open();
    for (const auto& p : lb.pools) {
      if (p.listener_id != lb.listeners[l]) continue;
      j.Key(p.id);
      AppendPool(j, f, p, interval_no);
    }
    j.Close();
  }
  j.Close();
}

}  // namespace

uint32_t IdHash(const std::string& s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

const char* MemberStatus(const Churn& c, uint32_t id_hash, uint64_t ordinal, uint64_t interval_no) {
  double u = id_hash / 4294967296.0;
  const char* base = "UP";
  if (u < c.down) base = "DOWN";
  else if (u < c.down + c.drain) base = "DRAIN";
  else if (u < c.down + c.drain + c.maint) base = "MAINT";
  else if (u < c.down + c.drain + c.maint + c.nocheck) base = "no check";
  uint64_t covered = c.per_interval * interval_no;  // ordinal positions toggled so far, cyclically
  if (c.per_interval == 0 || c.total_members == 0 || covered <= ordinal) return base;
  uint64_t toggles = (covered - 1 - ordinal) / c.total_members + 1;
  if (toggles % 2 == 0) return base;
  return std::strcmp(base, "UP") == 0 ? "DOWN" : "UP";
}

const char* ListenerStatus(const Churn& c, uint32_t id_hash) {
  return id_hash / 4294967296.0 < c.listener_full ? "FULL" : "OPEN";
}

ListenerStats StatsDelta(uint64_t a, uint64_t l, uint64_t s) {
  ListenerStats d;
  d.conns = (a * 7 + l * 3 + s) % 50;
  d.totconns = 10 + (a * 13 + l * 5 + s) % 90;
  d.rx = d.totconns * 1200 + (s % 7) * 100;
  d.tx = d.totconns * 5400;
  d.ereq = (s % 97 == 0) ? 1 : 0;
  return d;
}

void NextStats(const FleetSpec& f, uint32_t amphora, uint64_t seq, AmphoraCounters& c,
               std::vector<ListenerStats>& out) {
  const LbSpec& lb = f.lbs[f.amphorae[amphora].lb];
  if (c.totals.size() != lb.listeners.size()) c.totals.assign(lb.listeners.size(), ListenerStats{});
  out.resize(lb.listeners.size());
  for (size_t l = 0; l < lb.listeners.size(); l++) {
    ListenerStats d = StatsDelta(f.amphora_base + amphora, l, seq);
    ListenerStats& t = c.totals[l];
    t.tx += d.tx;
    t.rx += d.rx;
    t.totconns += d.totconns;
    t.ereq += d.ereq;
    t.conns = d.conns;
    out[l] = f.version >= 3 ? d : t;
  }
}

// Key order as the amphora's health daemon builds its dict: id, seq, listeners, pools, ver
// (v2 and v3); v1 (pre-Rocky) is id, seq, listeners with the pools inside each listener.
void BuildMessageJsonInto(std::string& out, const FleetSpec& f, uint32_t amphora, uint64_t seq,
                          const std::vector<ListenerStats>& stats) {
  const AmphoraSpec& amp = f.amphorae[amphora];
  const LbSpec& lb = f.lbs[amp.lb];
  out.clear();
  PyJson j(out, f.compact_json);
  j.Open();
  j.Key("id");
  j.String(amp.id);
  j.Key("seq");
  j.Uint(seq);
  j.Key("listeners");
  j.Open();
  for (size_t l = 0; l < lb.listeners.size(); l++) AppendListener(j, f, lb, l, stats[l], seq);
  j.Close();
  if (f.version >= 2) {
    j.Key("pools");
    j.Open();
    for (const auto& p : lb.pools) {
      j.Key2(p.id, p.listener_id);
      AppendPool(j, f, p, seq);
    }
    j.Close();
    j.Key("ver");
    j.Uint(static_cast<uint64_t>(f.version));
  }
  j.Close();
  j.Finish();
}

std::string BuildMessageJson(const FleetSpec& f, uint32_t amphora, uint64_t seq,
                             const std::vector<ListenerStats>& stats) {
  std::string out;
  BuildMessageJsonInto(out, f, amphora, seq, stats);
  return out;
}

void EncodeHeartbeat(const FleetSpec& f, uint32_t amphora, uint64_t seq, AmphoraCounters& counters,
                     std::string& packet) {
  thread_local std::vector<ListenerStats> stats;
  thread_local std::string json;
  NextStats(f, amphora, seq, counters, stats);
  BuildMessageJsonInto(json, f, amphora, seq, stats);
  WrapEnvelopeInto(json, f.key, f.legacy_digest, f.zlib_level, packet);
}

}  // namespace stresshm

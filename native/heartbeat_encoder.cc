// Heartbeat messages (see heartbeat_encoder.h).
#include "heartbeat_encoder.h"

#include <cstring>
#include <vector>

namespace stresshm {
namespace {

void AppendEscaped(std::string& out, const std::string& s) {
  static const char* hex = "0123456789abcdef";
  out.push_back('"');
  for (unsigned char ch : s) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (ch < 0x20) {
          out += "\\u00";
          out.push_back(hex[ch >> 4]);
          out.push_back(hex[ch & 15]);
        } else {
          out.push_back(static_cast<char>(ch));
        }
    }
  }
  out.push_back('"');
}

void AppendStats(std::string& out, const ListenerStats& s) {
  out += "{\"tx\":" + std::to_string(s.tx) + ",\"rx\":" + std::to_string(s.rx) +
         ",\"conns\":" + std::to_string(s.conns) + ",\"totconns\":" + std::to_string(s.totconns) +
         ",\"ereq\":" + std::to_string(s.ereq) + "}";
}

// "UP" unless the pool has members and every one of them reports DOWN.
const char* PoolStatus(const std::vector<const char*>& members) {
  if (members.empty()) return "UP";
  for (const char* m : members) if (std::strcmp(m, "DOWN") != 0) return "UP";
  return "DOWN";
}

void AppendPool(std::string& out, const FleetSpec& f, const PoolSpec& p, uint64_t interval_no) {
  std::vector<const char*> statuses;
  statuses.reserve(p.members.size());
  for (size_t k = 0; k < p.members.size(); k++) {
    statuses.push_back(MemberStatus(f.churn, p.members[k], p.first_ordinal + k, interval_no));
  }
  out += "{\"status\":";
  AppendEscaped(out, PoolStatus(statuses));
  out += ",\"members\":{";
  for (size_t k = 0; k < p.members.size(); k++) {
    if (k) out.push_back(',');
    AppendEscaped(out, p.members[k]);
    out.push_back(':');
    AppendEscaped(out, statuses[k]);
  }
  out += "}}";
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

const char* MemberStatus(const Churn& c, const std::string& id, uint64_t ordinal, uint64_t interval_no) {
  double u = IdHash(id) / 4294967296.0;
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

const char* ListenerStatus(const Churn& c, const std::string& id) {
  return IdHash(id) / 4294967296.0 < c.listener_full ? "FULL" : "OPEN";
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

std::vector<ListenerStats> NextStats(const FleetSpec& f, uint32_t amphora, uint64_t seq, AmphoraCounters& c) {
  const LbSpec& lb = f.lbs[f.amphorae[amphora].lb];
  if (c.totals.size() != lb.listeners.size()) c.totals.assign(lb.listeners.size(), ListenerStats{});
  std::vector<ListenerStats> out(lb.listeners.size());
  for (size_t l = 0; l < lb.listeners.size(); l++) {
    ListenerStats d = StatsDelta(amphora, l, seq);
    ListenerStats& t = c.totals[l];
    t.tx += d.tx;
    t.rx += d.rx;
    t.totconns += d.totconns;
    t.ereq += d.ereq;
    t.conns = d.conns;
    out[l] = f.version >= 3 ? d : t;
  }
  return out;
}

std::string BuildMessageJson(const FleetSpec& f, uint32_t amphora, uint64_t seq, const std::vector<ListenerStats>& stats) {
  const uint64_t interval_no = seq;
  const AmphoraSpec& amp = f.amphorae[amphora];
  const LbSpec& lb = f.lbs[amp.lb];
  std::string out;
  out.reserve(256 + 64 * lb.listeners.size() + 64 * lb.pools.size());
  out += "{\"id\":";
  AppendEscaped(out, amp.id);
  out += ",\"seq\":" + std::to_string(seq);
  if (f.version >= 2) out += ",\"ver\":" + std::to_string(f.version);
  out += ",\"listeners\":{";
  for (size_t l = 0; l < lb.listeners.size(); l++) {
    if (l) out.push_back(',');
    AppendEscaped(out, lb.listeners[l]);
    out += ":{\"status\":";
    AppendEscaped(out, ListenerStatus(f.churn, lb.listeners[l]));
    out += ",\"stats\":";
    AppendStats(out, stats[l]);
    if (f.version < 2) {
      out += ",\"pools\":{";
      bool first = true;
      for (const auto& p : lb.pools) {
        if (p.listener_id != lb.listeners[l]) continue;
        if (!first) out.push_back(',');
        first = false;
        AppendEscaped(out, p.id);
        out.push_back(':');
        AppendPool(out, f, p, interval_no);
      }
      out += "}";
    }
    out += "}";
  }
  out += "}";
  if (f.version >= 2) {
    out += ",\"pools\":{";
    for (size_t k = 0; k < lb.pools.size(); k++) {
      if (k) out.push_back(',');
      AppendEscaped(out, lb.pools[k].id + ":" + lb.pools[k].listener_id);
      out.push_back(':');
      AppendPool(out, f, lb.pools[k], interval_no);
    }
    out += "}";
  }
  out += "}";
  return out;
}

}  // namespace stresshm

// Builds a FleetSpec from the msgpack JavaScript hands over: one buffer, or a header and
// chunks of load balancers with their amphorae (see fleet_spec.h).
#include "fleet_spec.h"

#include <cstring>
#include <stdexcept>

#include "heartbeat_encoder.h"
#include "msgpack_reader.h"

namespace stresshm {
namespace {

Endpoint ParseEndpoint(const MpValue& v) {
  return ParseAddress(v.at("host").s, static_cast<int>(v.at("port").num()), "heartbeat endpoint");
}

std::vector<std::string> Strings(const MpValue& v) {
  std::vector<std::string> out;
  out.reserve(v.arr.size());
  for (const auto& s : v.arr) out.push_back(s.s);
  return out;
}

void ParseHeader(const MpValue& root, FleetSpec& f) {
  f.key = root.at("key").s;
  f.version = static_cast<int>(root.at("version").num());
  f.interval_ms = root.at("intervalMs").num();
  f.legacy_digest = root.at("legacyDigest").b;
  f.burst = root.at("burst").b;
  f.threads = static_cast<int>(root.at("threads").num());
  if (const MpValue* z = root.get("zlibLevel")) f.zlib_level = static_cast<int>(z->num());
  if (const MpValue* c = root.get("compactJson")) f.compact_json = c->b;
  const MpValue& c = root.at("churn");
  f.churn.down = c.at("down").num();
  f.churn.drain = c.at("drain").num();
  f.churn.maint = c.at("maint").num();
  f.churn.nocheck = c.at("nocheck").num();
  f.churn.listener_full = c.at("listenerFull").num();
  f.churn.per_interval = static_cast<uint64_t>(c.at("perInterval").num());
  for (const auto& e : root.at("endpoints").arr) f.endpoints.push_back(ParseEndpoint(e));
  // Room for the whole fleet up front: chunks then append without regrowing the arrays.
  if (const MpValue* n = root.get("expectLbs")) f.lbs.reserve(static_cast<size_t>(n->num()));
  if (const MpValue* n = root.get("expectAmphorae")) f.amphorae.reserve(static_cast<size_t>(n->num()));
}

// Appends the LBs at the cursor; member ordinals continue from the LBs already there.
void ParseLbs(MpCursor& cur, FleetSpec& f) {
  size_t n = cur.ArrayHeader();
  if (f.lbs.empty()) f.lbs.reserve(n);
  uint64_t ordinal = f.churn.total_members;
  for (size_t i = 0; i < n; i++) {
    const MpValue lbv = cur.Value();  // one LB's tree at a time
    LbSpec lb;
    lb.listeners = Strings(lbv.at("listeners"));
    for (const auto& l : lb.listeners) lb.listener_hashes.push_back(IdHash(l));
    lb.pools.reserve(lbv.at("pools").arr.size());
    for (const auto& pv : lbv.at("pools").arr) {
      PoolSpec p;
      p.id = pv.at("id").s;
      p.listener_id = pv.at("listener").s;
      p.members = Strings(pv.at("members"));
      for (const auto& m : p.members) p.member_hashes.push_back(IdHash(m));
      p.first_ordinal = ordinal;
      ordinal += p.members.size();
      lb.pools.push_back(std::move(p));
    }
    f.lbs.push_back(std::move(lb));
  }
  f.churn.total_members = ordinal;
}

// Appends the amphorae at the cursor; their `lb` is relative to `lb_base`.
void ParseAmphorae(MpCursor& cur, FleetSpec& f, size_t lb_base) {
  size_t n = cur.ArrayHeader();
  if (f.amphorae.empty()) f.amphorae.reserve(n);
  for (size_t i = 0; i < n; i++) {
    const MpValue av = cur.Value();
    AmphoraSpec a;
    a.id = av.at("id").s;
    a.lb = static_cast<uint32_t>(lb_base + static_cast<size_t>(av.at("lb").num()));
    f.amphorae.push_back(std::move(a));
  }
}

// Reads a map whose lbs and amphorae are appended to `f` element by element (amphorae point
// at LBs from `lb_base` on); the other fields go to `header`. Returns the first new amphora.
size_t ParseBody(const uint8_t* data, size_t len, FleetSpec& f, MpValue& header, bool need_lists) {
  MpCursor cur(data, len);
  const size_t lb_base = f.lbs.size();
  const size_t first_amphora = f.amphorae.size();
  header.kind = MpValue::Map;
  size_t fields = cur.MapHeader();
  bool have_lbs = false, have_amphorae = false;
  for (size_t k = 0; k < fields; k++) {
    std::string key = cur.Str();
    if (key == "lbs") { ParseLbs(cur, f); have_lbs = true; }
    else if (key == "amphorae") { ParseAmphorae(cur, f, lb_base); have_amphorae = true; }
    else header.map.emplace_back(std::move(key), cur.Value());
  }
  if (need_lists && !have_lbs) throw std::runtime_error("fleet spec: missing field lbs");
  if (need_lists && !have_amphorae) throw std::runtime_error("fleet spec: missing field amphorae");
  for (size_t i = first_amphora; i < f.amphorae.size(); i++) {
    if (f.amphorae[i].lb >= f.lbs.size()) throw std::runtime_error("amphora points at an unknown load balancer");
  }
  return first_amphora;
}

}  // namespace

void CheckFleetSpec(const FleetSpec& f) {
  if (f.endpoints.empty()) throw std::runtime_error("no endpoints");
  if (f.version < 1 || f.version > 3) throw std::runtime_error("heartbeat version must be 1, 2 or 3");
  if (f.zlib_level < 0 || f.zlib_level > 9) throw std::runtime_error("zlib level must be 0..9");
}

// The root map is read field by field: the small settings as one tree, the two large
// arrays (lbs, amphorae) one element at a time.
FleetSpec ParseFleetSpec(const uint8_t* data, size_t len) {
  FleetSpec f;
  MpValue header;
  ParseBody(data, len, f, header, true);
  ParseHeader(header, f);
  if (f.threads < 1) f.threads = 1;
  CheckFleetSpec(f);
  return f;
}

FleetSpec ParseFleetHeader(const uint8_t* data, size_t len) {
  FleetSpec f;
  MpValue header;
  ParseBody(data, len, f, header, false);
  if (!f.lbs.empty() || !f.amphorae.empty()) throw std::runtime_error("fleet header: lbs and amphorae come in chunks");
  ParseHeader(header, f);
  if (f.threads < 1) f.threads = 1;
  CheckFleetSpec(f);
  return f;
}

void AppendFleetChunk(FleetSpec& f, const uint8_t* data, size_t len) {
  MpValue rest;
  ParseBody(data, len, f, rest, true);
  if (!rest.map.empty()) throw std::runtime_error("fleet chunk: unknown field " + rest.map[0].first);
}

}  // namespace stresshm

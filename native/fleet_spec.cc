// Builds a FleetSpec from the msgpack buffer JavaScript hands over once (see fleet_spec.h).
#include "fleet_spec.h"

#include <arpa/inet.h>

#include <cstring>
#include <stdexcept>

#include "msgpack_reader.h"

namespace stresshm {
namespace {

Endpoint ParseEndpoint(const MpValue& v) {
  Endpoint e;
  const std::string& host = v.at("host").s;
  int port = static_cast<int>(v.at("port").num());
  if (port <= 0 || port > 65535) throw std::runtime_error("endpoint port out of range");
  auto* a4 = reinterpret_cast<sockaddr_in*>(&e.addr);
  auto* a6 = reinterpret_cast<sockaddr_in6*>(&e.addr);
  if (inet_pton(AF_INET, host.c_str(), &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons(static_cast<uint16_t>(port));
    e.len = sizeof(sockaddr_in);
    e.family = AF_INET;
  } else if (inet_pton(AF_INET6, host.c_str(), &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons(static_cast<uint16_t>(port));
    e.len = sizeof(sockaddr_in6);
    e.family = AF_INET6;
  } else {
    throw std::runtime_error("endpoint is not an IP address: " + host);
  }
  return e;
}

// Strings are moved out of the decoded tree: the ids are allocated once, and the tree's
// nodes are freed in large blocks the allocator can hand back.
std::vector<std::string> TakeStrings(MpValue& v) {
  std::vector<std::string> out;
  out.reserve(v.arr.size());
  for (auto& s : v.arr) out.push_back(std::move(s.s));
  return out;
}

}  // namespace

FleetSpec ParseFleetSpec(const uint8_t* data, size_t len) {
  MpValue root = DecodeMsgpack(data, len);
  FleetSpec f;
  f.key = root.at("key").s;
  f.version = static_cast<int>(root.at("version").num());
  f.interval_ms = root.at("intervalMs").num();
  f.legacy_digest = root.at("legacyDigest").b;
  f.burst = root.at("burst").b;
  f.threads = static_cast<int>(root.at("threads").num());
  if (const MpValue* z = root.get("zlibLevel")) f.zlib_level = static_cast<int>(z->num());
  const MpValue& c = root.at("churn");
  f.churn.down = c.at("down").num();
  f.churn.drain = c.at("drain").num();
  f.churn.maint = c.at("maint").num();
  f.churn.nocheck = c.at("nocheck").num();
  f.churn.listener_full = c.at("listenerFull").num();
  f.churn.per_interval = static_cast<uint64_t>(c.at("perInterval").num());
  for (const auto& e : root.at("endpoints").arr) f.endpoints.push_back(ParseEndpoint(e));
  uint64_t ordinal = 0;
  for (auto& lbv : root.at("lbs").arr) {
    LbSpec lb;
    lb.listeners = TakeStrings(lbv.at("listeners"));
    for (auto& pv : lbv.at("pools").arr) {
      PoolSpec p;
      p.id = std::move(pv.at("id").s);
      p.listener_id = std::move(pv.at("listener").s);
      p.members = TakeStrings(pv.at("members"));
      p.first_ordinal = ordinal;
      ordinal += p.members.size();
      lb.pools.push_back(std::move(p));
    }
    f.lbs.push_back(std::move(lb));
  }
  f.lbs.shrink_to_fit();
  f.churn.total_members = ordinal;
  for (auto& av : root.at("amphorae").arr) {
    AmphoraSpec a;
    a.id = std::move(av.at("id").s);
    a.lb = static_cast<uint32_t>(av.at("lb").num());
    if (a.lb >= f.lbs.size()) throw std::runtime_error("amphora points at an unknown load balancer");
    f.amphorae.push_back(std::move(a));
  }
  if (f.endpoints.empty()) throw std::runtime_error("no endpoints");
  if (f.threads < 1) f.threads = 1;
  if (f.version < 1 || f.version > 3) throw std::runtime_error("heartbeat version must be 1, 2 or 3");
  return f;
}

}  // namespace stresshm

// Heartbeat encoding (see heartbeat_encoder.h). Uses node's own zlib and OpenSSL, so the
// bytes equal those of node:zlib and node:crypto in the TypeScript reference encoder.
#include "heartbeat_encoder.h"

#include <openssl/sha.h>
#include <zlib.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>
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

std::string ToHex(const unsigned char* d, size_t n) {
  static const char* hex = "0123456789abcdef";
  std::string s(n * 2, '0');
  for (size_t i = 0; i < n; i++) {
    s[2 * i] = hex[d[i] >> 4];
    s[2 * i + 1] = hex[d[i] & 15];
  }
  return s;
}

// HMAC-SHA256 with the key's inner and outer pad states computed once per thread (RFC 2104),
// so each message costs two SHA-256 passes and no allocation.
struct HmacKey {
  std::string key;
  SHA256_CTX inner, outer;
  bool ready = false;
};

const HmacKey& KeyState(const std::string& key) {
  thread_local HmacKey k;
  if (k.ready && k.key == key) return k;
  unsigned char block[64] = {0};
  if (key.size() > 64) SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), block);
  else std::memcpy(block, key.data(), key.size());
  unsigned char ipad[64], opad[64];
  for (int i = 0; i < 64; i++) {
    ipad[i] = block[i] ^ 0x36;
    opad[i] = block[i] ^ 0x5c;
  }
  SHA256_Init(&k.inner);
  SHA256_Update(&k.inner, ipad, 64);
  SHA256_Init(&k.outer);
  SHA256_Update(&k.outer, opad, 64);
  k.key = key;
  k.ready = true;
  return k;
}

void Hmac(const std::string& key, const uint8_t* data, size_t len, unsigned char out[32]) {
  const HmacKey& k = KeyState(key);
  unsigned char inner[32];
  SHA256_CTX c = k.inner;
  SHA256_Update(&c, data, len);
  SHA256_Final(inner, &c);
  c = k.outer;
  SHA256_Update(&c, inner, 32);
  SHA256_Final(out, &c);
}

// zlib's working memory (~270 KB per stream) comes from a per-thread pool: a fresh stream
// per message (node's zlib gives other bytes after deflateReset) without paying for fresh
// pages and zeroing each time.
struct ZlibPool {
  std::vector<std::pair<size_t, void*>> free_blocks;
  ~ZlibPool() {
    for (auto& b : free_blocks) std::free(b.second);
  }
};

thread_local ZlibPool t_pool;

voidpf PoolAlloc(voidpf, uInt items, uInt size) {
  size_t bytes = static_cast<size_t>(items) * size + sizeof(size_t);
  for (size_t i = 0; i < t_pool.free_blocks.size(); i++) {
    if (t_pool.free_blocks[i].first == bytes) {
      void* p = t_pool.free_blocks[i].second;
      t_pool.free_blocks[i] = t_pool.free_blocks.back();
      t_pool.free_blocks.pop_back();
      return static_cast<char*>(p) + sizeof(size_t);
    }
  }
  void* p = std::malloc(bytes);
  if (!p) return Z_NULL;
  *static_cast<size_t*>(p) = bytes;
  return static_cast<char*>(p) + sizeof(size_t);
}

void PoolFree(voidpf, voidpf address) {
  char* p = static_cast<char*>(address) - sizeof(size_t);
  t_pool.free_blocks.emplace_back(*reinterpret_cast<size_t*>(p), p);
}

// A deflate stream, ended when it goes out of scope.
struct Deflater {
  z_stream zs;
  explicit Deflater(int level) {
    std::memset(&zs, 0, sizeof(zs));
    zs.zalloc = PoolAlloc;
    zs.zfree = PoolFree;
    if (deflateInit2(&zs, level, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("deflateInit2 failed");
  }
  ~Deflater() { deflateEnd(&zs); }
};

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

std::string WrapEnvelope(const std::string& json, const std::string& key, bool legacy, int level) {
  Deflater deflater(level);
  z_stream* zs = &deflater.zs;
  std::string out(deflateBound(zs, json.size()) + 64, '\0');
  zs->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(json.data()));
  zs->avail_in = static_cast<uInt>(json.size());
  zs->next_out = reinterpret_cast<Bytef*>(&out[0]);
  zs->avail_out = static_cast<uInt>(out.size());
  if (deflate(zs, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate failed");
  size_t n = zs->total_out;
  out.resize(n);
  out.reserve(n + 64);
  unsigned char mac[32];
  Hmac(key, reinterpret_cast<const uint8_t*>(out.data()), n, mac);
  if (legacy) out.append(reinterpret_cast<const char*>(mac), 32);
  else out += ToHex(mac, 32);
  out.shrink_to_fit();  // one packet per amphora is kept: no slack
  return out;
}

bool VerifyEnvelope(const uint8_t* data, size_t len, const std::string& key) {
  unsigned char mac[32];
  if (len > 64) {
    Hmac(key, data, len - 64, mac);
    std::string hex = ToHex(mac, 32);
    if (std::memcmp(hex.data(), data + len - 64, 64) == 0) return true;
  }
  if (len > 32) {
    Hmac(key, data, len - 32, mac);
    if (std::memcmp(mac, data + len - 32, 32) == 0) return true;
  }
  return false;
}

}  // namespace stresshm

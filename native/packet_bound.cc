// Heartbeat size bounds (see packet_bound.h).
#include "packet_bound.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "/usr/include/zlib.h"
#include "heartbeat_encoder.h"
#include "udp_batch.h"

namespace stresshm {
namespace {

// Generous fixed costs of the JSON around each element (keys, separators, status words and
// up to five 20-digit stats numbers per listener), whatever the separators.
constexpr size_t kMessage = 128;   // {"id": , "seq": , "listeners": {}, "pools": {}, "ver": }
constexpr size_t kListener = 256;  // "": {"status": "OPEN", "stats": {...}, "pools": {}}
constexpr size_t kPool = 64;       // ":": {"status": "DOWN", "members": {}}
constexpr size_t kMember = 24;     // "": "no check",

// A string's length as json.dumps writes it, bounded: printable ASCII other than " and \ is
// one byte; anything else at most six (\uXXXX per UTF-8 byte is more than any escape needs).
size_t Escaped(const std::string& s) {
  size_t n = 2;
  for (unsigned char c : s) n += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? 1 : 6;
  return n;
}

// The JSON bound of one LB's part of a message (everything but the amphora's id).
size_t LbBound(const LbSpec& lb) {
  size_t n = kMessage;
  for (const auto& l : lb.listeners) n += kListener + Escaped(l);
  for (const auto& p : lb.pools) {
    n += kPool + Escaped(p.id) + Escaped(p.listener_id);
    for (const auto& m : p.members) n += kMember + Escaped(m);
  }
  return n;
}

size_t PacketBound(const FleetSpec& f, size_t json_bound) {
  return static_cast<size_t>(compressBound(static_cast<uLong>(json_bound))) + (f.legacy_digest ? 32 : 64);
}

std::string FirstPacket(const FleetSpec& f, size_t a) {
  AmphoraCounters counters;
  std::string packet;
  EncodeHeartbeat(f, static_cast<uint32_t>(a), 0, counters, packet);
  return packet;
}

}  // namespace

size_t CheckFirstHeartbeats(const FleetSpec& f) {
  std::vector<size_t> lb_bound(f.lbs.size());
  for (size_t i = 0; i < f.lbs.size(); i++) lb_bound[i] = LbBound(f.lbs[i]);
  size_t largest = 0, largest_bound = 0, exact_max = 0;
  for (size_t a = 0; a < f.amphorae.size(); a++) {
    const AmphoraSpec& amp = f.amphorae[a];
    size_t bound = PacketBound(f, lb_bound[amp.lb] + Escaped(amp.id));
    if (bound > largest_bound) { largest_bound = bound; largest = a; }
    if (bound <= kMaxDatagram) continue;
    size_t size = FirstPacket(f, a).size();  // the bound cannot tell: encode this one
    if (size > kMaxDatagram) {
      throw std::runtime_error("the heartbeat of amphora " + amp.id + " is " + std::to_string(size) +
                               " bytes, above the 65,507-byte UDP limit the health manager can receive; "
                               "use fewer listeners, pools or members");
    }
    exact_max = std::max(exact_max, size);
  }
  if (f.amphorae.empty()) return 0;
  return std::max(exact_max, FirstPacket(f, largest).size());
}

}  // namespace stresshm

// The native encoder without node, for instruction counts (stable on a shared machine, unlike
// time): encodes COUNT heartbeats of one 10-member v3 amphora, as bench/encode.ts does.
//
//   g++ -std=c++17 -O2 -g -Inative -o /tmp/encode_driver bench/c/encode_driver.cc native/heartbeat_encoder.cc
//     native/envelope.cc native/py_json.cc $(gcc -print-file-name=libz.a) -lcrypto    (one command)
//   valgrind --tool=callgrind /tmp/encode_driver 2000 && callgrind_annotate callgrind.out.*
#include <cstdio>
#include <cstdlib>
#include <string>

#include "heartbeat_encoder.h"

using stresshm::AmphoraCounters;
using stresshm::FleetSpec;

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  FleetSpec f;
  f.key = "bench-key";
  stresshm::LbSpec lb;
  lb.listeners.push_back("00000001-0000-4000-8000-000000000000");
  lb.listener_hashes.push_back(stresshm::IdHash(lb.listeners[0]));
  stresshm::PoolSpec pool;
  pool.id = "00000002-0000-4000-8000-000000000001";
  pool.listener_id = lb.listeners[0];
  for (int k = 0; k < 10; k++) {  // fixed ids that look random
    char id[37];
    unsigned x = 2654435761u * (k + 1);
    unsigned y = x ^ 0x5bd1e995u;
    std::snprintf(id, sizeof(id), "%08x-%04x-4%03x-8%03x-%04x%08x", x, x >> 16, x & 0xfff, (x >> 8) & 0xfff,
                  y >> 16, y);
    pool.members.push_back(id);
    pool.member_hashes.push_back(stresshm::IdHash(id));
  }
  lb.pools.push_back(pool);
  f.lbs.push_back(lb);
  f.amphorae.push_back({"00000004-0000-4000-8000-00000000000c", 0});
  long count = std::atol(argv[1]);
  AmphoraCounters counters;
  std::string packet;
  size_t bytes = 0;
  for (long s = 0; s < count; s++) {
    stresshm::EncodeHeartbeat(f, 0, static_cast<uint64_t>(s), counters, packet);
    bytes += packet.size();
  }
  std::printf("%ld heartbeats, %zu bytes\n", count, bytes);
  return 0;
}

// Synthetic fleets (see synthetic_fleet.h).
#include "synthetic_fleet.h"

#include <stdexcept>

#include "heartbeat_encoder.h"

namespace stresshm {

void SyntheticIdInto(uint16_t kind, uint64_t n, std::string& out) {
  static const char* hex = "0123456789abcdef";
  out.assign("00000000-0000-4000-8000-000000000000");
  for (int i = 0; i < 4; i++, kind >>= 4) out[7 - i] = hex[kind & 15];
  for (int i = 0; i < 12; i++, n >>= 4) out[35 - i] = hex[n & 15];
}

SyntheticWindow::SyntheticWindow(const FleetSpec& settings, uint64_t amphorae, uint32_t members)
    : spec_(settings), members_(members) {
  if (amphorae == 0 || amphorae >= (uint64_t{1} << 40)) throw std::runtime_error("synthetic fleet: bad amphora count");
  spec_.lbs.assign(1, LbSpec{});
  LbSpec& lb = spec_.lbs[0];
  lb.listeners.assign(1, std::string());
  lb.listener_hashes.assign(1, 0);
  lb.pools.assign(1, PoolSpec{});
  lb.pools[0].members.assign(members, std::string());
  lb.pools[0].member_hashes.assign(members, 0);
  spec_.amphorae.assign(1, AmphoraSpec{});
  spec_.churn.total_members = amphorae * members;
  MoveTo(0);
}

void SyntheticWindow::MoveTo(uint64_t n) {
  LbSpec& lb = spec_.lbs[0];
  PoolSpec& pool = lb.pools[0];
  SyntheticIdInto(kListener, n, lb.listeners[0]);
  lb.listener_hashes[0] = IdHash(lb.listeners[0]);
  SyntheticIdInto(kPool, n, pool.id);
  pool.listener_id = lb.listeners[0];
  pool.first_ordinal = n * members_;
  for (uint32_t m = 0; m < members_; m++) {
    SyntheticIdInto(kMember, n * members_ + m, pool.members[m]);
    pool.member_hashes[m] = IdHash(pool.members[m]);
  }
  SyntheticIdInto(kAmphora, n, spec_.amphorae[0].id);
  spec_.amphora_base = n;
}

}  // namespace stresshm

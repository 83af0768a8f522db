// Synthetic fleets generated natively, one amphora at a time (blast): the same ids, LBs and
// packets as src/engine/synthetic.ts hands over (one listener and one pool of `members`
// members per LB, one amphora per LB), but nothing is stored per amphora, so memory stays
// flat at any fleet size.
#pragma once
#include <cstdint>
#include <string>

#include "fleet_spec.h"

namespace stresshm {

// Kinds of synthetic object: the first group of its id (as in synthetic.ts).
enum SyntheticKind : uint16_t { kListener = 1, kPool = 2, kMember = 3, kAmphora = 4 };

// Writes the id of object `n` of `kind` into `out`: "0000KKKK-0000-4000-8000-NNNNNNNNNNNN"
// (a valid UUID string, version 4 layout), reusing out's capacity.
void SyntheticIdInto(uint16_t kind, uint64_t n, std::string& out);

// A one-LB, one-amphora FleetSpec that can be moved to any amphora of a synthetic fleet: its
// ids are rewritten in place (no allocation after the first move), and its ordinals (member
// churn, stats) are those of that amphora in the whole fleet.
class SyntheticWindow {
 public:
  SyntheticWindow(const FleetSpec& settings, uint64_t amphorae, uint32_t members);
  // Makes the window's amphora 0 the fleet's amphora `n`.
  void MoveTo(uint64_t n);
  const FleetSpec& spec() const { return spec_; }

 private:
  FleetSpec spec_;
  uint32_t members_;
};

}  // namespace stresshm

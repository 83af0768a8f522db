// The size check of a fleet's first heartbeats without encoding them all: an upper bound of
// each amphora's packet from its LB's shape and id lengths (arithmetic, no JSON is built);
// only an amphora whose bound exceeds the UDP limit is encoded to check its exact size.
#pragma once
#include <cstddef>

#include "fleet_spec.h"

namespace stresshm {

// Throws (naming the amphora) when a first heartbeat is above the UDP limit; returns the
// exact size of the first heartbeat of the amphora with the largest bound.
size_t CheckFirstHeartbeats(const FleetSpec& f);

}  // namespace stresshm

// Connected UDP sockets, one per endpoint, and batched sends over them with sendmmsg.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

#include "address.h"
#include "send_counters.h"

namespace stresshm {

constexpr size_t kMaxDatagram = 65507;  // largest IPv4 UDP payload; the HM reads at most 64 KiB
constexpr int kBatch = 64;

// An endpoint that cannot be used; what() names it.
struct EndpointError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One connected UDP socket per endpoint, opened and connected before any thread starts, so
// an endpoint the kernel cannot address is refused up front (EndpointError) instead of
// failing inside a sender thread. Threads share the sockets (sendmmsg is thread-safe).
class EndpointSockets {
 public:
  explicit EndpointSockets(const std::vector<Endpoint>& endpoints);
  ~EndpointSockets();
  EndpointSockets(const EndpointSockets&) = delete;
  EndpointSockets& operator=(const EndpointSockets&) = delete;
  int Fd(size_t endpoint) const { return fds_[endpoint]; }

 private:
  std::vector<int> fds_;
};

struct Outgoing {
  const std::string* packet;
  size_t endpoint;
};

// Sends a batch of at most kBatch with sendmmsg, one call per run of messages to the same
// endpoint. A failing message is counted under its errno, marked not sent in `ok`, and skipped.
void SendBatch(const EndpointSockets& socks, const Outgoing* out, int n, ThreadCounters& c, bool* ok);

}  // namespace stresshm

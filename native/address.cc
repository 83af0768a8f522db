// IP address + port to a socket address (see address.h).
#include "address.h"

#include <arpa/inet.h>

#include <stdexcept>
#include <utility>

namespace stresshm {
namespace {

// The rest of an endpoint whose address `inet_pton` has filled: family, port (into the
// family's own port field, network order), length and name.
void Complete(Endpoint& e, int family, socklen_t len, in_port_t& port_field, int port, std::string name) {
  e.addr.ss_family = static_cast<sa_family_t>(family);
  port_field = htons(static_cast<uint16_t>(port));
  e.len = len;
  e.family = family;
  e.name = std::move(name);
}

}  // namespace

Endpoint ParseAddress(const std::string& host, int port, const char* what, bool allow_any_port) {
  if (port < (allow_any_port ? 0 : 1) || port > 65535) {
    throw std::runtime_error(std::string(what) + " port " + std::to_string(port) + " is out of range");
  }
  Endpoint e;
  auto* a4 = reinterpret_cast<sockaddr_in*>(&e.addr);
  auto* a6 = reinterpret_cast<sockaddr_in6*>(&e.addr);
  const std::string p = std::to_string(port);
  if (inet_pton(AF_INET, host.c_str(), &a4->sin_addr) == 1) {
    Complete(e, AF_INET, sizeof(sockaddr_in), a4->sin_port, port, host + ":" + p);
  } else if (inet_pton(AF_INET6, host.c_str(), &a6->sin6_addr) == 1) {
    Complete(e, AF_INET6, sizeof(sockaddr_in6), a6->sin6_port, port, "[" + host + "]:" + p);
  } else {
    throw std::runtime_error(std::string(what) + " \"" + host + "\" is not an IP address");
  }
  return e;
}

}  // namespace stresshm

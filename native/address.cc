// IP address + port to a socket address (see address.h).
#include "address.h"

#include <arpa/inet.h>

#include <stdexcept>

namespace stresshm {

Endpoint ParseAddress(const std::string& host, int port, const char* what, bool allow_any_port) {
  if (port < (allow_any_port ? 0 : 1) || port > 65535) {
    throw std::runtime_error(std::string(what) + " port " + std::to_string(port) + " is out of range");
  }
  Endpoint e;
  auto* a4 = reinterpret_cast<sockaddr_in*>(&e.addr);
  auto* a6 = reinterpret_cast<sockaddr_in6*>(&e.addr);
  if (inet_pton(AF_INET, host.c_str(), &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons(static_cast<uint16_t>(port));
    e.len = sizeof(sockaddr_in);
    e.family = AF_INET;
    e.name = host + ":" + std::to_string(port);
  } else if (inet_pton(AF_INET6, host.c_str(), &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons(static_cast<uint16_t>(port));
    e.len = sizeof(sockaddr_in6);
    e.family = AF_INET6;
    e.name = "[" + host + "]:" + std::to_string(port);
  } else {
    throw std::runtime_error(std::string(what) + " \"" + host + "\" is not an IP address");
  }
  return e;
}

}  // namespace stresshm

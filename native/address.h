// IP address + port to a socket address: the one parser every endpoint and the sink use.
// Names are resolved in TypeScript; here only numeric IPv4 and IPv6 addresses are valid.
#pragma once
#include <netinet/in.h>
#include <sys/socket.h>

#include <string>

namespace stresshm {

struct Endpoint {
  sockaddr_storage addr{};
  socklen_t len = 0;
  int family = AF_INET;
  std::string name;  // "ip:port" or "[ipv6]:port", for messages
};

// Throws std::runtime_error naming `what` when host is not an IP address or port is out of
// range (1..65535, or 0..65535 when `allow_any_port`, for a sink's ephemeral port).
Endpoint ParseAddress(const std::string& host, int port, const char* what, bool allow_any_port = false);

}  // namespace stresshm

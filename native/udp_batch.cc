// Endpoint sockets and batched sends (see udp_batch.h).
#include "udp_batch.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace stresshm {

EndpointSockets::EndpointSockets(const std::vector<Endpoint>& endpoints) {
  for (const Endpoint& ep : endpoints) {
    int fd = socket(ep.family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw EndpointError("cannot open a UDP socket for heartbeat endpoint " + ep.name + ": " + std::strerror(errno));
    }
    fds_.push_back(fd);
    int buf = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
    // A connected socket skips the per-packet route lookup and reports ICMP errors
    // (ECONNREFUSED) for its endpoint; connect() refuses an address the kernel cannot use.
    if (connect(fd, reinterpret_cast<const sockaddr*>(&ep.addr), ep.len) != 0) {
      std::string why = std::strerror(errno);
      for (int f : fds_) close(f);
      fds_.clear();
      throw EndpointError("heartbeat endpoint " + ep.name + " cannot be used: " + why);
    }
  }
}

EndpointSockets::~EndpointSockets() {
  for (int fd : fds_) close(fd);
}

void SendBatch(const EndpointSockets& socks, const Outgoing* out, int n, ThreadCounters& c, bool* ok) {
  mmsghdr msgs[kBatch];
  iovec iov[kBatch];
  std::memset(msgs, 0, sizeof(mmsghdr) * n);
  for (int k = 0; k < n; k++) {
    iov[k].iov_base = const_cast<char*>(out[k].packet->data());
    iov[k].iov_len = out[k].packet->size();
    msgs[k].msg_hdr.msg_iov = &iov[k];
    msgs[k].msg_hdr.msg_iovlen = 1;
    ok[k] = false;
  }
  int start = 0;
  while (start < n) {
    int end = start + 1;
    while (end < n && out[end].endpoint == out[start].endpoint) end++;
    int fd = socks.Fd(out[start].endpoint);
    int done = start;
    while (done < end) {
      int r = sendmmsg(fd, msgs + done, end - done, 0);
      if (r < 0) {
        if (errno == EINTR) continue;
        c.errors[errno & 255].fetch_add(1, std::memory_order_relaxed);
        done++;
        continue;
      }
      uint64_t bytes = 0;
      for (int k = done; k < done + r; k++) {
        bytes += iov[k].iov_len;
        ok[k] = true;
      }
      c.bytes.fetch_add(bytes, std::memory_order_relaxed);
      c.sent.fetch_add(r, std::memory_order_relaxed);
      done += r;
    }
    start = end;
  }
}

}  // namespace stresshm

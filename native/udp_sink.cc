// The verifying UDP sink (see udp_sink.h).
#include "udp_sink.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <vector>

#include "address.h"
#include "heartbeat_encoder.h"

namespace stresshm {

UdpSink::UdpSink(const std::string& host, int port, std::string key) : key_(std::move(key)) {
  Endpoint ep = ParseAddress(host, port, "sink address", true);
  sockaddr_storage ss = ep.addr;
  socklen_t len = ep.len;
  int family = ep.family;
  auto* a4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* a6 = reinterpret_cast<sockaddr_in6*>(&ss);
  fd_ = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("cannot open the sink socket");
  int buf = 32 << 20;
  if (setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)) != 0) {
    setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
  }
  timeval tv{0, 100000};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (bind(fd_, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    close(fd_);
    throw std::runtime_error(std::string("cannot bind the sink: ") + std::strerror(errno));
  }
  getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len);
  port_ = ntohs(family == AF_INET ? a4->sin_port : a6->sin6_port);
  thread_ = std::thread(&UdpSink::Run, this);
}

UdpSink::~UdpSink() { Stop(); }

void UdpSink::Stop() {
  if (stopping_.exchange(true)) return;
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

// No exception leaves the thread: it is recorded (Failure()) and the sink stops receiving.
void UdpSink::Run() {
  failure_.Catch("unknown error in the sink thread", [&] { Loop(); });
}

void UdpSink::Loop() {
  constexpr int kBatch = 64;
  constexpr size_t kSize = 65536;
  std::vector<char> bufs(kBatch * kSize);
  mmsghdr msgs[kBatch];
  iovec iov[kBatch];
  timespec t0;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
  while (!stopping_.load()) {
    for (int k = 0; k < kBatch; k++) {
      iov[k].iov_base = &bufs[k * kSize];
      iov[k].iov_len = kSize;
      std::memset(&msgs[k].msg_hdr, 0, sizeof(msghdr));
      msgs[k].msg_hdr.msg_iov = &iov[k];
      msgs[k].msg_hdr.msg_iovlen = 1;
    }
    int n = recvmmsg(fd_, msgs, kBatch, MSG_WAITFORONE, nullptr);
    if (n <= 0) continue;
    for (int k = 0; k < n; k++) {
      const uint8_t* d = reinterpret_cast<const uint8_t*>(iov[k].iov_base);
      size_t len = msgs[k].msg_len;
      bytes_.fetch_add(len, std::memory_order_relaxed);
      if (VerifyEnvelope(d, len, key_)) valid_.fetch_add(1, std::memory_order_relaxed);
      else invalid_.fetch_add(1, std::memory_order_relaxed);
    }
    packets_.fetch_add(n, std::memory_order_relaxed);
    timespec t1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    cpu_.store((t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
  }
}

}  // namespace stresshm

// A verifying UDP sink for tests and benchmarks: receives heartbeats on a loopback port
// with recvmmsg and checks every HMAC the way the health manager does.
#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "thread_failure.h"

namespace stresshm {

class UdpSink {
 public:
  UdpSink(const std::string& host, int port, std::string key);
  ~UdpSink();
  int Port() const { return port_; }
  uint64_t Packets() const { return packets_.load(); }
  uint64_t Valid() const { return valid_.load(); }
  uint64_t Invalid() const { return invalid_.load(); }
  uint64_t Bytes() const { return bytes_.load(); }
  double CpuSeconds() const { return cpu_.load(); }
  std::string Failure() const { return failure_.Get(); }
  void Stop();

 private:
  void Run();
  void Loop();
  ThreadFailure failure_;
  int fd_ = -1;
  int port_ = 0;
  std::string key_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> packets_{0}, valid_{0}, invalid_{0}, bytes_{0};
  std::atomic<double> cpu_{0};
  std::thread thread_;
};

}  // namespace stresshm

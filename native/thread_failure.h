// The first error a native thread caught. Threads never let an exception escape (that would
// abort the process): they record it here and JavaScript reads it through stats().
#pragma once
#include <exception>
#include <mutex>
#include <string>

namespace stresshm {

class ThreadFailure {
 public:
  void Record(const char* what) {
    std::lock_guard<std::mutex> lock(mu_);
    if (what_.empty()) what_ = what && *what ? what : "unknown error";
  }
  // Runs `fn`, recording an exception it throws instead of letting it escape; `unknown` is
  // recorded for one that is not a std::exception.
  template <typename Fn>
  void Catch(const char* unknown, Fn&& fn) {
    try {
      fn();
    } catch (const std::exception& e) {
      Record(e.what());
    } catch (...) {
      Record(unknown);
    }
  }
  std::string Get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return what_;
  }

 private:
  mutable std::mutex mu_;
  std::string what_;
};

}  // namespace stresshm

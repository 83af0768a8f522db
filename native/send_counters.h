// What a sending thread counts: packets, bytes, late sends, errors by errno, a lag histogram
// and its CPU time. Each thread writes its own; readers merge them with relaxed loads.
#pragma once
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace stresshm {

// Lag histogram: 10 us buckets up to 100 ms, then 1 ms buckets up to 60 s.
class LagHistogram {
 public:
  LagHistogram();
  void Add(double lag_ms);
  void MergeInto(std::vector<uint64_t>& sum) const;
  static double Percentile(const std::vector<uint64_t>& b, double q);
  static double BucketMs(size_t i);
  static constexpr size_t kBuckets = 10000 + 60000;
 private:
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
};

struct ThreadCounters {
  std::atomic<uint64_t> sent{0}, bytes{0}, late{0};
  std::atomic<uint64_t> errors[256];
  std::atomic<uint64_t> max_lag_us{0};
  LagHistogram lag;
  std::atomic<double> cpu_seconds{0};
  ThreadCounters() { for (auto& e : errors) e.store(0); }
  // Adds this thread's non-zero error counts, by errno, into `sum`.
  void MergeErrorsInto(std::map<int, uint64_t>& sum) const {
    for (int e = 0; e < 256; e++) if (uint64_t v = errors[e].load()) sum[e] += v;
  }
};

}  // namespace stresshm

// The lag histogram (see send_counters.h).
#include "send_counters.h"

#include <algorithm>
#include <cmath>

namespace stresshm {

LagHistogram::LagHistogram() : buckets_(new std::atomic<uint64_t>[kBuckets]) {
  for (size_t i = 0; i < kBuckets; i++) buckets_[i].store(0);
}

void LagHistogram::Add(double lag_ms) {
  double us = lag_ms * 1000;
  size_t i = us < 100000 ? static_cast<size_t>(std::max(0.0, us) / 10)
                         : 10000 + std::min<size_t>(59999, static_cast<size_t>((us - 100000) / 1000));
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
}

void LagHistogram::MergeInto(std::vector<uint64_t>& sum) const {
  sum.resize(kBuckets, 0);
  for (size_t i = 0; i < kBuckets; i++) sum[i] += buckets_[i].load(std::memory_order_relaxed);
}

double LagHistogram::BucketMs(size_t i) {
  return i < 10000 ? (i + 1) * 0.01 : 100 + (i - 10000 + 1);
}

double LagHistogram::Percentile(const std::vector<uint64_t>& b, double q) {
  uint64_t total = 0;
  for (uint64_t v : b) total += v;
  if (total == 0) return 0;
  uint64_t rank = static_cast<uint64_t>(std::ceil(q * total));
  uint64_t seen = 0;
  for (size_t i = 0; i < b.size(); i++) {
    seen += b[i];
    if (seen >= rank && b[i] > 0) return BucketMs(i);
  }
  return BucketMs(b.size() - 1);
}

}  // namespace stresshm

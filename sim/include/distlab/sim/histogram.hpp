#pragma once
// Log-linear (HDR-style) histogram of non-negative 64-bit values, usually latencies in ns.
//
// Values below 256 get exact buckets. Above that, each power of two [2^e, 2^(e+1)) is split
// into 128 equal sub-buckets, so a bucket is at most 1/128 of any value in it wide. A quantile
// reports its bucket's midpoint, clamped to [min, max]: relative error at most 1/256. Bucketing
// uses integer arithmetic only; counts live in a vector grown to the highest bucket used.
#include <cstdint>
#include <tuple>
#include <vector>

namespace distlab::sim {

class Histogram {
 public:
  void record(std::int64_t v, std::uint64_t count = 1);  // v < 0 counts as 0
  void merge(const Histogram& other);

  std::uint64_t count() const { return count_; }
  std::int64_t min() const { return count_ == 0 ? 0 : min_; }  // exact; 0 when empty
  std::int64_t max() const { return count_ == 0 ? 0 : max_; }  // exact; 0 when empty
  double mean() const;                                         // exact sum / count; 0 when empty

  // The value of rank ceil(q * count) (at least 1) in sorted order, within 1%; q is clamped to
  // [0, 1]. q = 0 gives the exact min, q = 1 the exact max, an empty histogram 0.
  std::int64_t quantile(double q) const;

  // Buckets with nonzero counts as (lower, upper exclusive, count), ascending.
  std::vector<std::tuple<std::int64_t, std::int64_t, std::uint64_t>> buckets() const;

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::int64_t min_ = 0;
  std::int64_t max_ = 0;
  std::uint64_t sum_lo_ = 0;  // exact sum of values, 128 bits wide
  std::uint64_t sum_hi_ = 0;
};

}  // namespace distlab::sim

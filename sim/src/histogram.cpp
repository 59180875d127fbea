#include "distlab/sim/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace distlab::sim {
namespace {

__extension__ using U128 = unsigned __int128;

constexpr std::size_t kSubBuckets = 128;  // per power of two; width <= value / 128
constexpr int kSubBits = 7;

// Bucket index = shift * 128 + (v >> shift), where shift keeps v >> shift in [128, 256);
// values below 256 map to themselves.
std::size_t bucket_of(std::uint64_t v) {
  const int shift = std::max(0, static_cast<int>(std::bit_width(v)) - (kSubBits + 1));
  return static_cast<std::size_t>(shift) * kSubBuckets + (v >> shift);
}

struct Bounds {
  std::uint64_t lower;
  std::uint64_t width;
};

Bounds bounds_of(std::size_t i) {
  const std::size_t shift = i < kSubBuckets ? 0 : i / kSubBuckets - 1;
  const std::uint64_t mantissa = i - shift * kSubBuckets;
  return {mantissa << shift, std::uint64_t{1} << shift};
}

}  // namespace

void Histogram::record(std::int64_t v, std::uint64_t count) {
  if (count == 0) return;
  v = std::max<std::int64_t>(v, 0);
  const std::size_t i = bucket_of(static_cast<std::uint64_t>(v));
  if (i >= counts_.size()) counts_.resize(i + 1, 0);
  counts_[i] += count;
  min_ = count_ == 0 ? v : std::min(min_, v);
  max_ = count_ == 0 ? v : std::max(max_, v);
  count_ += count;
  const U128 sum = ((U128{sum_hi_} << 64) | sum_lo_) + U128{static_cast<std::uint64_t>(v)} * count;
  sum_lo_ = static_cast<std::uint64_t>(sum);
  sum_hi_ = static_cast<std::uint64_t>(sum >> 64);
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
  for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = count_ == 0 ? other.max_ : std::max(max_, other.max_);
  count_ += other.count_;
  const U128 sum =
      ((U128{sum_hi_} << 64) | sum_lo_) + ((U128{other.sum_hi_} << 64) | other.sum_lo_);
  sum_lo_ = static_cast<std::uint64_t>(sum);
  sum_hi_ = static_cast<std::uint64_t>(sum >> 64);
}

double Histogram::mean() const {
  if (count_ == 0) return 0.0;
  const U128 sum = (U128{sum_hi_} << 64) | sum_lo_;
  return static_cast<double>(sum) / static_cast<double>(count_);
}

std::int64_t Histogram::quantile(double q) const {
  if (count_ == 0) return 0;
  if (!(q > 0.0)) return min_;  // also NaN
  if (q >= 1.0) return max_;
  const double exact_rank = std::ceil(q * static_cast<double>(count_));
  const std::uint64_t rank =
      std::clamp<std::uint64_t>(static_cast<std::uint64_t>(exact_rank), 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const Bounds b = bounds_of(i);
      const auto mid = static_cast<std::int64_t>(b.lower + b.width / 2);
      return std::clamp(mid, min_, max_);
    }
  }
  return max_;
}

std::vector<std::tuple<std::int64_t, std::int64_t, std::uint64_t>> Histogram::buckets() const {
  constexpr std::uint64_t kTop = std::numeric_limits<std::int64_t>::max();
  std::vector<std::tuple<std::int64_t, std::int64_t, std::uint64_t>> out;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    const Bounds b = bounds_of(i);
    const std::uint64_t upper = std::min(b.lower + b.width, kTop);  // top bucket: 2^63 clamps
    out.emplace_back(static_cast<std::int64_t>(b.lower), static_cast<std::int64_t>(upper),
                     counts_[i]);
  }
  return out;
}

}  // namespace distlab::sim

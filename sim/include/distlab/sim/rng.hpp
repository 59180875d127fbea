#pragma once
// Seeded random streams. Every stream is derived from (run seed, purpose, node id) by hashing,
// and every distribution is our own code: the standard library's distributions are not
// portable across implementations (DESIGN.md, determinism rules).
#include <cstdint>
#include <string_view>
#include <vector>

namespace distlab::sim {

// 64-bit hash of a stream's identity: the run seed, a purpose string and a node id.
std::uint64_t stream_seed(std::uint64_t run_seed, std::string_view purpose, std::uint64_t id);

// xoshiro256** seeded through splitmix64.
class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0);
  Rng(std::uint64_t run_seed, std::string_view purpose, std::uint64_t id)
      : Rng(stream_seed(run_seed, purpose, id)) {}

  std::uint64_t next_u64();
  // Uniform integer in [0, n), unbiased (Lemire's method). n must be > 0.
  std::uint64_t uniform(std::uint64_t n);
  // Uniform double in [0, 1) with 53 random bits.
  double uniform01();
  // Uniform double in [lo, hi).
  double uniform_real(double lo, double hi) { return lo + (hi - lo) * uniform01(); }
  // True with probability p.
  bool bernoulli(double p) { return p > 0 && (p >= 1 || uniform01() < p); }
  // Exponential with the given mean (inverse transform).
  double exponential(double mean);

 private:
  std::uint64_t s_[4];
};

// Zipf(s) over {0, ..., n-1} (rank 0 most popular) by inversion of a precomputed CDF table.
// s = 0 gives the uniform distribution.
class ZipfTable {
 public:
  ZipfTable(std::uint64_t n, double s);
  std::uint64_t sample(Rng& rng) const;
  std::uint64_t size() const { return n_; }

 private:
  std::uint64_t n_;
  std::vector<double> cdf_;  // empty when s == 0 (uniform)
};

}  // namespace distlab::sim

#include "distlab/sim/rng.hpp"

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <string>

namespace distlab::sim {
namespace {
std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

std::uint64_t stream_seed(std::uint64_t run_seed, std::string_view purpose, std::uint64_t id) {
  std::string buf;
  buf.reserve(purpose.size() + 16);
  for (int i = 0; i < 8; ++i) buf.push_back(static_cast<char>((run_seed >> (8 * i)) & 0xff));
  for (int i = 0; i < 8; ++i) buf.push_back(static_cast<char>((id >> (8 * i)) & 0xff));
  buf.append(purpose);
  return XXH3_64bits(buf.data(), buf.size());
}

Rng::Rng(std::uint64_t seed) {
  for (auto& s : s_) s = splitmix64(seed);
}

std::uint64_t Rng::next_u64() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

std::uint64_t Rng::uniform(std::uint64_t n) {
  // Lemire, "Fast random integer generation in an interval" (2019).
  unsigned __int128 m = static_cast<unsigned __int128>(next_u64()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(next_u64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

double Rng::uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

double Rng::exponential(double mean) { return -mean * std::log1p(-uniform01()); }

ZipfTable::ZipfTable(std::uint64_t n, double s) : n_(n) {
  if (s == 0.0 || n <= 1) return;
  cdf_.resize(n);
  double sum = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    sum += 1.0 / std::pow(static_cast<double>(i + 1), s);
    cdf_[i] = sum;
  }
  for (auto& c : cdf_) c /= sum;
}

std::uint64_t ZipfTable::sample(Rng& rng) const {
  if (cdf_.empty()) return rng.uniform(n_);
  const double u = rng.uniform01();
  auto it = std::upper_bound(cdf_.begin(), cdf_.end(), u);
  return it == cdf_.end() ? n_ - 1 : static_cast<std::uint64_t>(it - cdf_.begin());
}

}  // namespace distlab::sim

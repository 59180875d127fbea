// make_placement: validates the parameters a strategy reads, then builds it. Only the
// parameters of the chosen strategy are checked (vnodes = 0 is harmless for jump).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "hashring/placement/strategies.hpp"

namespace distlab::models::hashring {

namespace {

constexpr std::uint32_t kMaxVnodes = 1'000'000;
constexpr std::uint64_t kMaxTableSize = 4'294'967'291ull;  // the largest prime below 2^32

void check_vnodes(std::uint32_t v) {
  if (v < 1) throw std::invalid_argument(fmt::format("vnodes must be at least 1 (got {})", v));
  if (v > kMaxVnodes) {
    throw std::invalid_argument(fmt::format("vnodes must be at most {} (got {})", kMaxVnodes, v));
  }
}

void check_epsilon(double eps) {
  if (!(eps > 0)) throw std::invalid_argument(fmt::format("epsilon must be > 0 (got {})", eps));
  if (!std::isfinite(eps)) {
    throw std::invalid_argument(fmt::format("epsilon must be finite (got {})", eps));
  }
}

std::uint64_t prime_below(std::uint64_t n) {  // the largest prime < n, or 0
  while (n > 2) {
    if (is_prime(--n)) return n;
  }
  return 0;
}

void check_table_size(std::uint64_t m) {
  if (m == 0) return;  // automatic
  if (m > kMaxTableSize) {
    throw std::invalid_argument(
        fmt::format("table_size must be a prime of at most {} (got {})", kMaxTableSize, m));
  }
  if (is_prime(m)) return;
  const std::uint64_t below = prime_below(m);
  const std::uint64_t above = next_prime_above(m);
  throw std::invalid_argument(
      below == 0
          ? fmt::format("table_size must be prime (got {}; the nearest prime is {})", m, above)
          : fmt::format("table_size must be prime (got {}; the nearest primes are {} and {})", m,
                        below, above));
}

}  // namespace

const std::vector<std::string>& strategy_names() {
  static const std::vector<std::string> names = {"ring",   "jump",    "rendezvous",
                                                 "maglev", "bounded", "modn"};
  return names;
}

std::unique_ptr<Placement> make_placement(const PlacementConfig& c) {
  if (c.strategy == "ring") {
    check_vnodes(c.vnodes);
    return make_ring(c);
  }
  if (c.strategy == "jump") return make_jump(c);
  if (c.strategy == "rendezvous") return make_rendezvous(c);
  if (c.strategy == "maglev") {
    check_table_size(c.table_size);
    return make_maglev(c);
  }
  if (c.strategy == "bounded") {
    check_vnodes(c.vnodes);
    check_epsilon(c.epsilon);
    return make_bounded(c);
  }
  if (c.strategy == "modn") return make_modn(c);
  throw std::invalid_argument(fmt::format("unknown strategy '{}' (known: {})", c.strategy,
                                          fmt::join(strategy_names(), ", ")));
}

}  // namespace distlab::models::hashring

#include "hashring/placement/analysis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace distlab::models::hashring {

std::vector<ServerId> assign_all(const Placement& p, std::span<const std::uint64_t> key_hashes) {
  std::vector<ServerId> owners(key_hashes.size());
  for (std::size_t i = 0; i < key_hashes.size(); ++i) owners[i] = p.lookup(key_hashes[i]);
  return owners;
}

Balance balance(std::span<const ServerId> owners, std::span<const ServerId> members) {
  Balance b;
  b.servers = members.size();
  if (members.empty()) return b;
  std::vector<ServerId> ids(members.begin(), members.end());
  std::sort(ids.begin(), ids.end());
  std::vector<std::uint64_t> count(ids.size(), 0);
  // Ids are usually small: count through a dense table indexed by id when it is cheap.
  const ServerId max_id = ids.back();
  if (max_id <= 16 * ids.size() + 1024) {
    constexpr std::uint32_t kNone = ~std::uint32_t{0};
    std::vector<std::uint32_t> slot(std::size_t{max_id} + 1, kNone);
    for (std::size_t i = 0; i < ids.size(); ++i) slot[ids[i]] = static_cast<std::uint32_t>(i);
    for (ServerId o : owners) {
      if (o > max_id || slot[o] == kNone) {
        throw std::invalid_argument(fmt::format("owner {} is not a member", o));
      }
      ++count[slot[o]];
    }
  } else {
    for (ServerId o : owners) {
      const auto it = std::lower_bound(ids.begin(), ids.end(), o);
      if (it == ids.end() || *it != o) {
        throw std::invalid_argument(fmt::format("owner {} is not a member", o));
      }
      ++count[static_cast<std::size_t>(it - ids.begin())];
    }
  }
  return balance_of_counts(count);
}

Balance balance_of_counts(std::span<const std::uint64_t> count) {
  Balance b;
  b.servers = count.size();
  if (count.empty()) return b;
  const double n = static_cast<double>(count.size());
  std::uint64_t total = 0;
  for (std::uint64_t c : count) total += c;
  b.mean = static_cast<double>(total) / n;
  if (total == 0) return b;
  double sq = 0;
  for (std::uint64_t c : count) {
    const double d = static_cast<double>(c) - b.mean;
    sq += d * d;
  }
  b.stddev_rel = std::sqrt(sq / n) / b.mean;
  const auto [lo, hi] = std::minmax_element(count.begin(), count.end());
  b.max_over_mean = static_cast<double>(*hi) / b.mean;
  b.min_over_mean = static_cast<double>(*lo) / b.mean;
  return b;
}

namespace {
void check_same_length(std::span<const ServerId> before, std::span<const ServerId> after) {
  if (before.size() != after.size()) {
    throw std::invalid_argument(fmt::format("assignments of {} and {} keys cannot be compared",
                                            before.size(), after.size()));
  }
}
}  // namespace

double moved_fraction(std::span<const ServerId> before, std::span<const ServerId> after) {
  check_same_length(before, after);
  if (before.empty()) return 0;
  std::size_t moved = 0;
  for (std::size_t i = 0; i < before.size(); ++i) moved += before[i] != after[i];
  return static_cast<double>(moved) / static_cast<double>(before.size());
}

bool moves_only_to(std::span<const ServerId> before, std::span<const ServerId> after,
                   ServerId added) {
  check_same_length(before, after);
  for (std::size_t i = 0; i < before.size(); ++i) {
    if (before[i] != after[i] && after[i] != added) return false;
  }
  return true;
}

bool moves_only_from(std::span<const ServerId> before, std::span<const ServerId> after,
                     ServerId removed) {
  check_same_length(before, after);
  for (std::size_t i = 0; i < before.size(); ++i) {
    if (before[i] != after[i] && before[i] != removed) return false;
  }
  return true;
}

std::vector<std::uint64_t> key_hashes(HashFn h, std::uint64_t count, std::uint64_t seed) {
  std::vector<std::uint64_t> out(count);
  for (std::uint64_t i = 0; i < count; ++i) out[i] = hash_u64(h, i, seed);
  return out;
}

}  // namespace distlab::models::hashring

#pragma once
// Measurements over key assignments, shared by the hashring model, its tests and
// bench/hashring: who owns each key, how even the loads are, how many keys moved.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "hashring/placement/placement.hpp"

namespace distlab::models::hashring {

// The owner of every key hash, in order.
std::vector<ServerId> assign_all(const Placement& p, std::span<const std::uint64_t> key_hashes);

// Keys per server over `members` (servers with no keys count as zero): the mean, the population
// standard deviation relative to the mean, and the largest and smallest load over the mean.
// Throws std::invalid_argument if an owner is not in `members`.
struct Balance {
  std::size_t servers = 0;
  double mean = 0;
  double stddev_rel = 0;
  double max_over_mean = 0;
  double min_over_mean = 0;
};
Balance balance(std::span<const ServerId> owners, std::span<const ServerId> members);
// The same figures from a count per server (keys, requests); zero counts included.
Balance balance_of_counts(std::span<const std::uint64_t> counts);

// The fraction of keys whose owner differs (the spans have the same length; 0 when empty).
double moved_fraction(std::span<const ServerId> before, std::span<const ServerId> after);
// Monotonicity: every key that moved went to `added` / came from `removed`.
bool moves_only_to(std::span<const ServerId> before, std::span<const ServerId> after,
                   ServerId added);
bool moves_only_from(std::span<const ServerId> before, std::span<const ServerId> after,
                     ServerId removed);

// Hashes of the key ids 0 .. count - 1.
std::vector<std::uint64_t> key_hashes(HashFn h, std::uint64_t count, std::uint64_t seed);

}  // namespace distlab::models::hashring

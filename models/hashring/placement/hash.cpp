// Hash functions (libxxhash), prime numbers for Maglev's table size, and the parts of
// Placement shared by all strategies.
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>

#include "distlab/sim/error.hpp"
#include "hashring/placement/placement.hpp"
#include "hashring/placement/strategies.hpp"

// Inline xxHash into this file: the same functions as the shared library, with the 8-byte case
// of hash_u64 specialised at compile time.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace distlab::models::hashring {

HashFn parse_hash_fn(const std::string& name) {
  if (name == "xxh3") return HashFn::xxh3;
  if (name == "xxh64") return HashFn::xxh64;
  throw std::invalid_argument(fmt::format("hash must be xxh3 or xxh64 (got '{}')", name));
}

const char* to_string(HashFn h) { return h == HashFn::xxh3 ? "xxh3" : "xxh64"; }

std::uint64_t hash_u64(HashFn h, std::uint64_t key, std::uint64_t seed) {
  // The key's 8 little-endian bytes. One 8-byte store on a little-endian host: storing byte by
  // byte and letting xxHash read 4-byte words stalls store forwarding (17 ns instead of 4).
  unsigned char bytes[8];
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(bytes, &key, 8);
  } else {
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(key >> (8 * i));
  }
  return h == HashFn::xxh3 ? XXH3_64bits_withSeed(bytes, 8, seed) : XXH64(bytes, 8, seed);
}

std::uint64_t hash_bytes(HashFn h, const void* data, std::size_t len, std::uint64_t seed) {
  return h == HashFn::xxh3 ? XXH3_64bits_withSeed(data, len, seed) : XXH64(data, len, seed);
}

// ---- primes -------------------------------------------------------------------------------

namespace {

std::uint64_t mul_mod(std::uint64_t a, std::uint64_t b, std::uint64_t m) {
  return static_cast<std::uint64_t>(static_cast<unsigned __int128>(a) * b % m);
}

std::uint64_t pow_mod(std::uint64_t base, std::uint64_t exp, std::uint64_t m) {
  std::uint64_t r = 1;
  base %= m;
  while (exp > 0) {
    if (exp & 1) r = mul_mod(r, base, m);
    base = mul_mod(base, base, m);
    exp >>= 1;
  }
  return r;
}

}  // namespace

// Miller-Rabin with the first 12 primes as bases: deterministic for every n < 3.3e24, so for
// every 64-bit n.
bool is_prime(std::uint64_t n) {
  constexpr std::uint64_t kBases[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
  if (n < 2) return false;
  for (std::uint64_t p : kBases) {
    if (n % p == 0) return n == p;
  }
  std::uint64_t d = n - 1;
  int s = 0;
  while ((d & 1) == 0) {
    d >>= 1;
    ++s;
  }
  for (std::uint64_t a : kBases) {
    std::uint64_t x = pow_mod(a, d, n);
    if (x == 1 || x == n - 1) continue;
    bool composite = true;
    for (int r = 1; r < s && composite; ++r) {
      x = mul_mod(x, x, n);
      if (x == n - 1) composite = false;
    }
    if (composite) return false;
  }
  return true;
}

std::uint64_t next_prime_above(std::uint64_t n) {
  constexpr std::uint64_t kLargestPrime = 18446744073709551557ull;  // 2^64 - 59
  if (n >= kLargestPrime) {
    throw std::invalid_argument(fmt::format("no 64-bit prime is above {}", n));
  }
  std::uint64_t p = n + 1;
  while (!is_prime(p)) ++p;
  return p;
}

// ---- Placement ----------------------------------------------------------------------------

void Placement::reset(const std::vector<Member>& members) {
  assert_distinct_ids(members);
  for (ServerId id : this->members()) remove(id);
  for (const Member& m : members) add(m);
}

std::vector<ServerId> Placement::members() const {
  std::vector<ServerId> ids;
  ids.reserve(members_.size());
  for (const Member& m : members_) ids.push_back(m.id);
  return ids;
}

void assert_distinct_ids(const std::vector<Member>& members) {
  std::vector<ServerId> ids;
  ids.reserve(members.size());
  for (const Member& m : members) ids.push_back(m.id);
  std::sort(ids.begin(), ids.end());
  const auto dup = std::adjacent_find(ids.begin(), ids.end());
  DISTLAB_ASSERT(dup == ids.end(), fmt::format("server {} appears twice", *dup));
}

}  // namespace distlab::models::hashring

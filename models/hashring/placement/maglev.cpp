// Maglev hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load
// Balancer", NSDI 2016): a lookup table of prime size M. Each backend has a preference list,
// the permutation (offset + j * skip) mod M with offset = h1(name) mod M and
// skip = h2(name) mod (M - 1) + 1; backends take turns, each claiming the next empty slot of its
// list, until the table is full. Lookup is one probe, table[key_hash mod M]; every backend gets
// M / n slots to within one, and a membership change rewrites a small part of the table.
//
// Backends take their turns in increasing id order, so the table depends only on the set of
// members (not on the order they were added in). The table is rebuilt on every add and
// remove; reset builds it once. table_size = 0 picks the smallest prime above 100 times the
// number of servers at the first reset (or add), and that size is then kept: later changes
// rebuild a table of the same size, as the paper's tables have a fixed size.
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <numeric>

#include "distlab/sim/error.hpp"
#include "hashring/placement/strategies.hpp"

namespace distlab::models::hashring {

namespace {

constexpr std::uint64_t kSkipSeedSalt = 0x9e3779b97f4a7c15ULL;  // h2 = hash with another seed

class Maglev final : public Placement {
 public:
  explicit Maglev(const PlacementConfig& c) : hash_(c.hash), seed_(c.seed), m_(c.table_size) {}

  std::string name() const override { return "maglev"; }

  void add(const Member& m) override {
    DISTLAB_ASSERT(std::none_of(members_.begin(), members_.end(),
                                [&](const Member& x) { return x.id == m.id; }),
                   fmt::format("server {} is already a member", m.id));
    members_.push_back(m);
    populate();
  }

  void remove(ServerId id) override {
    const auto it = std::find_if(members_.begin(), members_.end(),
                                 [id](const Member& m) { return m.id == id; });
    DISTLAB_ASSERT(it != members_.end(), fmt::format("server {} is not a member", id));
    members_.erase(it);
    populate();
  }

  void reset(const std::vector<Member>& members) override {
    assert_distinct_ids(members);
    members_ = members;
    populate();
  }

  std::size_t size() const override { return members_.size(); }

  ServerId lookup(std::uint64_t key_hash) const override { return table_[key_hash % m_]; }

  std::size_t memory_bytes() const override { return table_.capacity() * sizeof(ServerId); }
  double lookup_steps() const override { return 1.0; }  // one table probe
  std::string describe() const override {
    return fmt::format("maglev M={}, {} backends, {}", m_, members_.size(), to_string(hash_));
  }

 private:
  // The paper's population loop (Pseudocode 1), with the permutation computed incrementally.
  void populate() {
    const std::size_t n = members_.size();
    if (n == 0) {
      table_.clear();
      return;
    }
    if (m_ == 0) m_ = next_prime_above(100 * static_cast<std::uint64_t>(n));
    DISTLAB_ASSERT(m_ >= 2 && m_ < std::numeric_limits<std::uint32_t>::max(),
                   "maglev table_size is a prime below 2^32");

    std::vector<std::size_t> order(n);  // backends in increasing id order
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return members_[a].id < members_[b].id; });
    std::vector<std::uint64_t> next(n);  // the next slot of each backend's permutation
    std::vector<std::uint64_t> skip(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::string& name = members_[order[i]].name;
      next[i] = hash_bytes(hash_, name.data(), name.size(), seed_) % m_;
      skip[i] = hash_bytes(hash_, name.data(), name.size(), seed_ ^ kSkipSeedSalt) % (m_ - 1) + 1;
    }

    constexpr std::uint32_t kEmpty = std::numeric_limits<std::uint32_t>::max();
    std::vector<std::uint32_t> entry(m_, kEmpty);  // slot -> backend (index into order)
    std::uint64_t filled = 0;
    while (filled < m_) {
      for (std::size_t i = 0; i < n && filled < m_; ++i) {
        std::uint64_t c = next[i];
        while (entry[c] != kEmpty) {
          c += skip[i];
          if (c >= m_) c -= m_;
        }
        entry[c] = static_cast<std::uint32_t>(i);
        c += skip[i];
        if (c >= m_) c -= m_;
        next[i] = c;
        ++filled;
      }
    }
    for (std::uint32_t& e : entry) e = members_[order[e]].id;
    table_ = std::move(entry);
  }

  HashFn hash_;
  std::uint64_t seed_;
  std::uint64_t m_;  // table size (prime); 0 until the first membership when auto-sized
  std::vector<ServerId> table_;
};

}  // namespace

std::unique_ptr<Placement> make_maglev(const PlacementConfig& c) {
  return std::make_unique<Maglev>(c);
}

}  // namespace distlab::models::hashring

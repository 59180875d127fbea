// Rendezvous or highest-random-weight hashing (Thaler and Ravishankar, 1998): every server
// scores the key with a hash of (key, server) and the highest score wins. A server's keys go
// where their second-highest score is when it leaves, and a new server takes exactly the keys
// it outscores everyone on, so movement is minimal; the price is n hash evaluations per lookup.
//
// Score: the splitmix64 finalizer (a bijective, well-mixing 64-bit function) of the key hash
// XOR the server's seed, hash_bytes(name, seed). Weighted (only when some weight differs from
// 1, so the unweighted path stays a plain max): score = -w / ln(u) with u in (0, 1) taken from
// the 53 high bits of the hash, which gives each server a share proportional to its weight
// (Schindelhauer and Schomaker 2005; the "logarithmic method"). Ties go to the smallest id:
// servers are kept sorted by id and only a strictly higher score replaces the best.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "distlab/sim/error.hpp"
#include "hashring/placement/strategies.hpp"

namespace distlab::models::hashring {

namespace {

inline std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class Rendezvous final : public Placement {
 public:
  explicit Rendezvous(const PlacementConfig& c) : hash_(c.hash), seed_(c.seed) {}

  std::string name() const override { return "rendezvous"; }

  void add(const Member& m) override {
    check_weight(m.weight);
    const auto pos = std::lower_bound(ids_.begin(), ids_.end(), m.id);
    DISTLAB_ASSERT(pos == ids_.end() || *pos != m.id,
                   fmt::format("server {} is already a member", m.id));
    const auto i = pos - ids_.begin();
    ids_.insert(pos, m.id);
    seeds_.insert(seeds_.begin() + i, server_seed(m));
    weights_.insert(weights_.begin() + i, m.weight);
    members_.push_back(m);
    update_weighted();
  }

  void remove(ServerId id) override {
    const auto pos = std::lower_bound(ids_.begin(), ids_.end(), id);
    DISTLAB_ASSERT(pos != ids_.end() && *pos == id, fmt::format("server {} is not a member", id));
    const auto i = pos - ids_.begin();
    ids_.erase(pos);
    seeds_.erase(seeds_.begin() + i);
    weights_.erase(weights_.begin() + i);
    std::erase_if(members_, [id](const Member& m) { return m.id == id; });
    update_weighted();
  }

  void reset(const std::vector<Member>& members) override {
    assert_distinct_ids(members);
    for (const Member& m : members) check_weight(m.weight);
    std::vector<std::size_t> order(members.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return members[a].id < members[b].id; });
    ids_.clear();
    seeds_.clear();
    weights_.clear();
    for (std::size_t i : order) {
      ids_.push_back(members[i].id);
      seeds_.push_back(server_seed(members[i]));
      weights_.push_back(members[i].weight);
    }
    members_ = members;
    update_weighted();
  }

  std::size_t size() const override { return ids_.size(); }

  ServerId lookup(std::uint64_t key_hash) const override {
    const std::size_t n = seeds_.size();
    std::size_t best = 0;
    if (!weighted_) {
      std::uint64_t best_score = mix(key_hash ^ seeds_[0]);
      for (std::size_t i = 1; i < n; ++i) {
        const std::uint64_t s = mix(key_hash ^ seeds_[i]);
        if (s > best_score) {
          best_score = s;
          best = i;
        }
      }
    } else {
      double best_score = score(key_hash, 0);
      for (std::size_t i = 1; i < n; ++i) {
        const double s = score(key_hash, i);
        if (s > best_score) {
          best_score = s;
          best = i;
        }
      }
    }
    return ids_[best];
  }

  std::size_t memory_bytes() const override {
    return ids_.capacity() * sizeof(ServerId) + seeds_.capacity() * sizeof(std::uint64_t) +
           weights_.capacity() * sizeof(double);
  }
  // One hash evaluation (and comparison) per server.
  double lookup_steps() const override { return static_cast<double>(ids_.size()); }
  std::string describe() const override {
    return fmt::format("rendezvous {} servers, {}, {}", ids_.size(),
                       weighted_ ? "weighted" : "unweighted", to_string(hash_));
  }

 private:
  static void check_weight(double w) {
    if (!std::isfinite(w) || w <= 0) {
      throw std::invalid_argument(fmt::format("weight must be a finite number > 0 (got {})", w));
    }
  }
  std::uint64_t server_seed(const Member& m) const {
    return hash_bytes(hash_, m.name.data(), m.name.size(), seed_);
  }
  double score(std::uint64_t key_hash, std::size_t i) const {
    const std::uint64_t h = mix(key_hash ^ seeds_[i]);
    const double u = (static_cast<double>(h >> 11) + 0.5) * 0x1.0p-53;  // in (0, 1)
    return -weights_[i] / std::log(u);
  }
  void update_weighted() {
    weighted_ = std::any_of(weights_.begin(), weights_.end(), [](double w) { return w != 1.0; });
  }

  HashFn hash_;
  std::uint64_t seed_;
  bool weighted_ = false;
  // Sorted by id; seeds_[i] and weights_[i] belong to ids_[i].
  std::vector<ServerId> ids_;
  std::vector<std::uint64_t> seeds_;
  std::vector<double> weights_;
};

}  // namespace

std::unique_ptr<Placement> make_rendezvous(const PlacementConfig& c) {
  return std::make_unique<Rendezvous>(c);
}

}  // namespace distlab::models::hashring

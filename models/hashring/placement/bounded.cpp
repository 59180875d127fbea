// Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam, SODA 2018): a
// ring of V points per server where no server takes more than c = ceil((1 + eps) m / n) of the
// m keys. Keys are placed in the given order; each goes to the first server clockwise from its
// hash whose load is still below c, so max/mean load is at most 1 + eps (up to the rounding of
// the ceiling) and a membership change moves O(1/eps^2) keys per moved key of the plain ring,
// in expectation.
//
// The strategy keeps the key list of the last place_keys and places it again, from scratch,
// on every add and remove (and reset), so lookups always return current members; place_keys
// with the same keys for the same membership (what the model does after each change) is then
// a no-op. The assignment is an open-addressing table (linear probing, load at most 1/2) of
// (key hash, server). A key hash that was not placed gets its plain ring successor. Weights
// are ignored: every server has V points and the same capacity.
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cmath>

#include "distlab/sim/error.hpp"
#include "hashring/placement/ring_points.hpp"
#include "hashring/placement/strategies.hpp"

namespace distlab::models::hashring {

namespace {

class Bounded final : public Placement {
 public:
  explicit Bounded(const PlacementConfig& c)
      : vnodes_(c.vnodes), eps_(c.epsilon), hash_(c.hash), ring_(c.hash, c.seed) {}

  std::string name() const override { return "bounded"; }

  void add(const Member& m) override {
    DISTLAB_ASSERT(std::none_of(members_.begin(), members_.end(),
                                [&](const Member& x) { return x.id == m.id; }),
                   fmt::format("server {} is already a member", m.id));
    ring_.add({m.id, &m.name, vnodes_});  // may throw: before members_ changes
    members_.push_back(m);
    place();
  }

  void remove(ServerId id) override {
    const auto it = std::find_if(members_.begin(), members_.end(),
                                 [id](const Member& m) { return m.id == id; });
    DISTLAB_ASSERT(it != members_.end(), fmt::format("server {} is not a member", id));
    members_.erase(it);
    ring_.remove(id);
    place();
  }

  void reset(const std::vector<Member>& members) override {
    assert_distinct_ids(members);
    std::vector<RingPoints::Server> servers;
    servers.reserve(members.size());
    for (const Member& m : members) servers.push_back({m.id, &m.name, vnodes_});
    ring_.build(servers);
    members_ = members;
    place();
  }

  void place_keys(std::span<const std::uint64_t> key_hashes) override {
    if (std::equal(key_hashes.begin(), key_hashes.end(), keys_.begin(), keys_.end())) return;
    keys_.assign(key_hashes.begin(), key_hashes.end());
    place();
  }

  std::size_t size() const override { return members_.size(); }

  ServerId lookup(std::uint64_t key_hash) const override {
    if (!table_.empty()) {
      for (std::size_t i = slot_of(key_hash);; i = (i + 1) & mask_) {
        const Entry& e = table_[i];
        if (!e.used) break;
        if (e.hash == key_hash) return e.id;
      }
    }
    return ring_.owner(ring_.successor(key_hash));
  }

  std::size_t memory_bytes() const override {
    return ring_.memory_bytes() + table_.capacity() * sizeof(Entry) +
           keys_.capacity() * sizeof(std::uint64_t);
  }
  // A placed key: the expected probes of a successful linear-probing search at load a,
  // (1 + 1/(1 - a)) / 2 (Knuth). No keys placed: the ring's lookup.
  double lookup_steps() const override {
    if (table_.empty()) return ring_.lookup_steps();
    const double a = static_cast<double>(placed_) / static_cast<double>(table_.size());
    return (1.0 + 1.0 / (1.0 - a)) / 2.0;
  }
  std::string describe() const override {
    return fmt::format("bounded eps={} V={}, {} points, {} keys placed, capacity {}, {}", eps_,
                       vnodes_, ring_.size(), placed_, capacity_, to_string(hash_));
  }

 private:
  struct Entry {
    std::uint64_t hash = 0;
    ServerId id = 0;
    std::uint32_t used = 0;
  };

  // Fibonacci hashing of the key hash: spreads even key hashes that are not uniform.
  std::size_t slot_of(std::uint64_t h) const {
    return static_cast<std::size_t>((h * 0x9e3779b97f4a7c15ULL) >> shift_);
  }

  // Places keys_ on the current membership from scratch.
  void place() {
    table_.clear();
    placed_ = 0;
    capacity_ = 0;
    const std::size_t n = members_.size();
    const std::size_t m = keys_.size();
    if (n == 0 || m == 0) return;

    // c = ceil((1 + eps) m / n). The factor below keeps a product that the rounding of eps or
    // of the arithmetic pushed just above an integer from gaining one; c >= ceil(m / n)
    // always, so every key finds room.
    const double x = (1.0 + eps_) * static_cast<double>(m) / static_cast<double>(n);
    capacity_ = static_cast<std::uint64_t>(std::ceil(x * (1.0 - 4 * DBL_EPSILON)));
    capacity_ = std::max<std::uint64_t>(capacity_, (m + n - 1) / n);

    // Dense load slots: the rank of each point's server among the sorted ids.
    std::vector<ServerId> ids = members();
    std::sort(ids.begin(), ids.end());
    const auto& points = ring_.points();
    std::vector<std::uint32_t> point_slot(points.size());
    for (std::size_t p = 0; p < points.size(); ++p) {
      point_slot[p] = static_cast<std::uint32_t>(
          std::lower_bound(ids.begin(), ids.end(), points[p].id) - ids.begin());
    }
    std::vector<std::uint64_t> load(n, 0);

    const unsigned bits = std::max<unsigned>(1, std::bit_width(2 * m - 1));  // 2^bits >= 2m
    table_.assign(std::size_t{1} << bits, Entry{});
    shift_ = 64 - bits;
    mask_ = table_.size() - 1;
    for (std::uint64_t h : keys_) {
      std::size_t i = slot_of(h);
      while (table_[i].used && table_[i].hash != h) i = (i + 1) & mask_;
      if (table_[i].used) continue;  // the same key hash again: placed already
      std::size_t pos = ring_.successor(h);
      while (load[point_slot[pos]] >= capacity_) pos = pos + 1 == points.size() ? 0 : pos + 1;
      ++load[point_slot[pos]];
      table_[i] = Entry{h, points[pos].id, 1};
      ++placed_;
    }
  }

  std::uint32_t vnodes_;
  double eps_;
  HashFn hash_;
  RingPoints ring_;
  std::vector<std::uint64_t> keys_;  // of the last place_keys, in order
  std::vector<Entry> table_;         // key hash -> server; empty when no keys are placed
  unsigned shift_ = 63;
  std::size_t mask_ = 0;
  std::uint64_t placed_ = 0;    // distinct key hashes placed
  std::uint64_t capacity_ = 0;  // c of the last placement
};

}  // namespace

std::unique_ptr<Placement> make_bounded(const PlacementConfig& c) {
  return std::make_unique<Bounded>(c);
}

}  // namespace distlab::models::hashring

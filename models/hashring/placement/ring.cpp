// Consistent hashing ring (Karger et al., STOC 1997) with virtual nodes: a server of weight w
// gets max(1, round(V w)) points on a 64-bit ring, and a key belongs to the server of the first
// point clockwise from the key's hash. Adding a server only moves keys to it, removing one only
// moves its own keys; the load of a server is spread over its V arcs, so its standard deviation
// relative to the mean is about 1/sqrt(V).
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "distlab/sim/error.hpp"
#include "hashring/placement/ring_points.hpp"
#include "hashring/placement/strategies.hpp"

namespace distlab::models::hashring {

namespace {

bool point_less(const RingPoints::Point& a, const RingPoints::Point& b) {
  return a.hash < b.hash || (a.hash == b.hash && a.id < b.id);
}

// 2^28 points of 16 bytes: 4 GiB. Too many points is bad input (weights, vnodes), not a bug;
// it is refused before anything is allocated.
constexpr std::size_t kMaxRingPoints = std::size_t{1} << 28;

void check_total(std::size_t total) {
  if (total > kMaxRingPoints) {
    throw std::invalid_argument(
        fmt::format("the ring would hold {} points (at most {}): lower vnodes or the weights",
                    total, kMaxRingPoints));
  }
}

}  // namespace

std::uint32_t ring_points_for(std::uint32_t vnodes, double weight) {
  if (!std::isfinite(weight) || weight <= 0) {
    throw std::invalid_argument(fmt::format("weight must be a finite number > 0 (got {})", weight));
  }
  const double points = std::round(static_cast<double>(vnodes) * weight);
  if (points > static_cast<double>(kMaxRingPoints)) {
    throw std::invalid_argument(
        fmt::format("weight {} gives a server {} ring points at vnodes = {} (at most {})", weight,
                    points, vnodes, kMaxRingPoints));
  }
  return std::max<std::uint32_t>(1, static_cast<std::uint32_t>(points));
}

// ---- RingPoints ---------------------------------------------------------------------------

void RingPoints::generate(const Server& s, std::vector<Point>& out) const {
  std::string buf = *s.name + "#";
  const std::size_t prefix = buf.size();
  buf.resize(prefix + 10);
  for (std::uint32_t i = 0; i < s.points; ++i) {
    const auto r = std::to_chars(buf.data() + prefix, buf.data() + buf.size(), i);
    const auto len = static_cast<std::size_t>(r.ptr - buf.data());
    out.push_back(Point{hash_bytes(hash_, buf.data(), len, seed_), s.id});
  }
}

void RingPoints::build(const std::vector<Server>& servers) {
  std::size_t total = 0;
  for (const Server& s : servers) total += s.points;
  check_total(total);
  points_.clear();
  points_.reserve(total);
  for (const Server& s : servers) generate(s, points_);
  std::sort(points_.begin(), points_.end(), point_less);
  rebuild_index();
}

void RingPoints::add(const Server& s) {
  check_total(points_.size() + s.points);
  std::vector<Point> fresh;
  fresh.reserve(s.points);
  generate(s, fresh);
  std::sort(fresh.begin(), fresh.end(), point_less);
  std::vector<Point> merged;
  merged.reserve(points_.size() + fresh.size());
  std::merge(points_.begin(), points_.end(), fresh.begin(), fresh.end(), std::back_inserter(merged),
             point_less);
  points_ = std::move(merged);
  rebuild_index();
}

void RingPoints::remove(ServerId id) {
  std::erase_if(points_, [id](const Point& p) { return p.id == id; });
  rebuild_index();
}

void RingPoints::rebuild_index() {
  // k = ceil(log2(points)), between 1 and 24 bits: on average at most one point per bucket.
  const std::size_t n = points_.size();
  const unsigned k = std::clamp<unsigned>(std::bit_width(n > 1 ? n - 1 : 1), 1, 24);
  shift_ = 64 - k;
  const std::size_t buckets = std::size_t{1} << k;
  index_.assign(buckets + 1, 0);
  std::size_t p = 0;
  for (std::size_t b = 0; b <= buckets; ++b) {
    while (p < n && (points_[p].hash >> shift_) < b) ++p;
    index_[b] = static_cast<std::uint32_t>(p);
  }
}

std::size_t RingPoints::memory_bytes() const {
  return points_.capacity() * sizeof(Point) + index_.capacity() * sizeof(std::uint32_t);
}

double RingPoints::lookup_steps() const {
  const double per_bucket =
      static_cast<double>(points_.size()) / static_cast<double>(index_.size() - 1);
  return 2.0 + per_bucket / 2.0 + 1.0;
}

// ---- the ring strategy --------------------------------------------------------------------

namespace {

class Ring final : public Placement {
 public:
  explicit Ring(const PlacementConfig& c)
      : vnodes_(c.vnodes), hash_(c.hash), ring_(c.hash, c.seed) {}

  std::string name() const override { return "ring"; }

  void add(const Member& m) override {
    DISTLAB_ASSERT(!is_member(m.id), fmt::format("server {} is already a member", m.id));
    const std::uint32_t points = ring_points_for(vnodes_, m.weight);
    ring_.add({m.id, &m.name, points});  // may throw: before members_ changes
    members_.push_back(m);
  }

  void remove(ServerId id) override {
    const auto it = std::find_if(members_.begin(), members_.end(),
                                 [id](const Member& m) { return m.id == id; });
    DISTLAB_ASSERT(it != members_.end(), fmt::format("server {} is not a member", id));
    members_.erase(it);
    ring_.remove(id);
  }

  void reset(const std::vector<Member>& members) override {
    std::vector<RingPoints::Server> servers;
    servers.reserve(members.size());
    for (const Member& m : members) {
      servers.push_back({m.id, &m.name, ring_points_for(vnodes_, m.weight)});
    }
    assert_distinct_ids(members);
    ring_.build(servers);
    members_ = members;
  }

  std::size_t size() const override { return members_.size(); }

  ServerId lookup(std::uint64_t key_hash) const override {
    return ring_.owner(ring_.successor(key_hash));
  }

  std::size_t memory_bytes() const override { return ring_.memory_bytes(); }
  double lookup_steps() const override { return ring_.lookup_steps(); }
  std::string describe() const override {
    return fmt::format("ring V={}, {} points, index 2^{}, {}", vnodes_, ring_.size(),
                       ring_.index_bits(), to_string(hash_));
  }

 private:
  bool is_member(ServerId id) const {
    return std::any_of(members_.begin(), members_.end(),
                       [id](const Member& m) { return m.id == id; });
  }

  std::uint32_t vnodes_;
  HashFn hash_;
  RingPoints ring_;
};

}  // namespace

std::unique_ptr<Placement> make_ring(const PlacementConfig& c) { return std::make_unique<Ring>(c); }

}  // namespace distlab::models::hashring

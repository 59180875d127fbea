#include "chain/chain_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <tuple>
#include <utility>

namespace distlab::models::chain {
namespace {

using Members = std::vector<std::vector<std::uint32_t>>;  // nodes of each chain, in order

void validate(const Shape& s) {
  if (s.replicas == 0 || s.replicas > s.nodes || s.targets_per_disk == 0 ||
      s.disks_per_node == 0) {
    throw std::invalid_argument(fmt::format(
        "chain table: need 1 <= replicas ({}) <= nodes ({}) and at least one disk and target",
        s.replicas, s.nodes));
  }
  if (std::uint64_t{s.nodes} * s.targets_per_node() % s.replicas != 0) {
    throw std::invalid_argument(fmt::format(
        "chain table: replicas ({}) must divide nodes x targets per node ({} x {}) so that every "
        "target is used once",
        s.replicas, s.nodes, s.targets_per_node()));
  }
}

// The design notes' naive order: appearance a is node a % nodes; k consecutive appearances make
// a chain (distinct nodes, since k <= nodes).
Members consecutive_groups(const Shape& s) {
  const std::uint64_t appearances = std::uint64_t{s.nodes} * s.targets_per_node();
  Members m(appearances / s.replicas);
  for (std::uint64_t a = 0; a < appearances; ++a) {
    m[a / s.replicas].push_back(static_cast<std::uint32_t>(a % s.nodes));
  }
  return m;
}

// Targets in order of appearance: a node's n-th appearance is its slot n.
ChainTable with_targets(const Shape& s, const Members& m) {
  ChainTable t{s, {}};
  std::vector<std::uint32_t> next_slot(s.nodes, 0);
  t.chains.reserve(m.size());
  for (const auto& chain : m) {
    std::vector<Target> targets;
    for (std::uint32_t node : chain) {
      const std::uint32_t slot = next_slot[node]++;
      targets.push_back(Target{node, slot % s.disks_per_node, slot});
    }
    t.chains.push_back(std::move(targets));
  }
  return t;
}

// splitmix64: our own generator, so the table is the same on every standard library.
struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint32_t below(std::uint64_t n) { return static_cast<std::uint32_t>(next() % n); }
};

// Pair balance by local search. A move swaps node x of chain c with node y of chain d: every
// node keeps its number of chains and chains keep distinct nodes. The cost, the sum of squared
// pair counts, is smallest exactly when every pair count is floor or ceil of the mean (their
// sum is fixed), so reaching that bound proves the table as balanced as it can be. Moves that
// keep the cost equal are taken too: without them the search stalls short of an exact design
// (the notes' 6-node example). Half the moves are aimed at a pair outside [floor, ceil] (bring
// one node into a chain of the other, or move one out of a chain they share): at 180 nodes
// blind moves almost never hit the few pairs left. 3FS solves the same problem as an integer
// program (Pyomo and HiGHS, deploy/data_placement), which needs a solver and minutes.
class PairSearch {
 public:
  PairSearch(const Shape& s, Members& m)
      : v_(s.nodes), k_(s.replicas), m_(m), pair_(std::size_t{v_} * v_, 0), occ_(v_) {
    for (std::uint32_t c = 0; c < m_.size(); ++c) {
      for (std::uint32_t i = 0; i < k_; ++i) {
        occ_[m_[c][i]].push_back(c);
        for (std::uint32_t j = i + 1; j < k_; ++j) bump(m_[c][i], m_[c][j], +1);
      }
    }
    const std::uint64_t pairs = std::uint64_t{v_} * (v_ - 1) / 2;
    const std::uint64_t total = m_.size() * std::uint64_t{k_} * (k_ - 1) / 2;
    lo_ = static_cast<std::int64_t>(total / pairs);
    const auto rem = static_cast<std::int64_t>(total % pairs);
    hi_ = rem > 0 ? lo_ + 1 : lo_;
    best_ = rem * hi_ * hi_ + (static_cast<std::int64_t>(pairs) - rem) * lo_ * lo_;
  }

  void run(std::uint64_t max_moves) {
    for (std::uint64_t move = 0; move < max_moves && cost_ > best_; ++move) {
      if (move % 2 == 0) {
        random_move();
      } else {
        aimed_move();
      }
    }
  }

 private:
  std::int64_t& at(std::uint32_t a, std::uint32_t b) { return pair_[std::size_t{a} * v_ + b]; }
  // Changing a pair count by +1 or -1 changes the cost by 2 * count + 1 or -2 * count + 1.
  void bump(std::uint32_t a, std::uint32_t b, int by) {
    std::int64_t& c = at(a, b);
    cost_ += by > 0 ? 2 * c + 1 : -2 * c + 1;
    c += by;
    at(b, a) = c;
  }
  bool has(std::uint32_t c, std::uint32_t n) const {
    return std::find(m_[c].begin(), m_[c].end(), n) != m_[c].end();
  }
  std::uint32_t pos(std::uint32_t c, std::uint32_t n) const {
    return static_cast<std::uint32_t>(std::find(m_[c].begin(), m_[c].end(), n) - m_[c].begin());
  }
  // Node `to` takes the place of m[c][p].
  void replace(std::uint32_t c, std::uint32_t p, std::uint32_t to) {
    const std::uint32_t from = m_[c][p];
    for (std::uint32_t i = 0; i < k_; ++i) {
      if (i == p) continue;
      bump(from, m_[c][i], -1);
      bump(to, m_[c][i], +1);
    }
    m_[c][p] = to;
    auto& o = occ_[from];
    o.erase(std::find(o.begin(), o.end(), c));
    occ_[to].push_back(c);
  }
  // Swaps x (in c) and y (in d) if that is a legal move; keeps it unless the cost went up.
  void try_swap(std::uint32_t c, std::uint32_t x, std::uint32_t d, std::uint32_t y) {
    if (c == d || x == y || has(c, y) || has(d, x)) return;
    const std::uint32_t pc = pos(c, x), pd = pos(d, y);
    const std::int64_t before = cost_;
    replace(c, pc, y);
    replace(d, pd, x);
    if (cost_ > before) {
      replace(d, pd, y);
      replace(c, pc, x);
    }
  }
  void random_move() {
    const std::uint32_t c = rng_.below(m_.size()), d = rng_.below(m_.size());
    try_swap(c, m_[c][rng_.below(k_)], d, m_[d][rng_.below(k_)]);
  }
  void aimed_move() {
    std::uint32_t a = 0, b = 0;
    if (!next_bad_pair(a, b)) return;
    if (rng_.below(2) == 1) std::swap(a, b);
    if (at(a, b) < lo_) {
      // Bring b into one of a's chains, in exchange for one of that chain's other nodes.
      const std::uint32_t c = occ_[a][rng_.below(occ_[a].size())];
      const std::uint32_t x = m_[c][rng_.below(k_)];
      if (x == a) return;
      try_swap(c, x, occ_[b][rng_.below(occ_[b].size())], b);
    } else {
      // Move a out of a chain it shares with b.
      std::vector<std::uint32_t> both;
      for (std::uint32_t c : occ_[a]) {
        if (has(c, b)) both.push_back(c);
      }
      const std::uint32_t d = rng_.below(m_.size());
      try_swap(both[rng_.below(both.size())], a, d, m_[d][rng_.below(k_)]);
    }
  }
  // A pair outside [lo, hi], from a list refreshed by a full scan only once every pair on it
  // is fixed (pairs that go bad meanwhile wait for that scan).
  bool next_bad_pair(std::uint32_t& a, std::uint32_t& b) {
    for (int scans = 0; scans < 2; ++scans) {
      while (!bad_.empty()) {
        const std::size_t i = rng_.below(bad_.size());
        std::tie(a, b) = bad_[i];
        if (at(a, b) < lo_ || at(a, b) > hi_) return true;
        bad_[i] = bad_.back();
        bad_.pop_back();
      }
      for (std::uint32_t x = 0; x < v_; ++x) {
        for (std::uint32_t y = x + 1; y < v_; ++y) {
          if (at(x, y) < lo_ || at(x, y) > hi_) bad_.emplace_back(x, y);
        }
      }
    }
    return false;
  }

  std::uint32_t v_, k_;
  Members& m_;
  std::vector<std::int64_t> pair_;               // [a * v + b]: chains a and b share
  std::vector<std::vector<std::uint32_t>> occ_;  // chains holding each node
  std::vector<std::pair<std::uint32_t, std::uint32_t>> bad_;
  std::int64_t cost_ = 0, best_ = 0, lo_ = 0, hi_ = 0;
  Rng rng_{0x3f5c0ffee};
};

void balance_pairs(const Shape& s, Members& m) {
  if (s.replicas < 2 || s.nodes <= s.replicas) return;  // no pairs, or every chain has every node
  // Far more than the sizes we use need; a search that stops short still leaves a valid table.
  PairSearch(s, m).run(200'000 + 2'000ULL * m.size());
}

// Max flow (Dinic) on small integer capacities, for the position assignment below.
class Flow {
 public:
  explicit Flow(std::size_t n) : g_(n), level_(n), next_(n) {}
  std::size_t add(std::uint32_t from, std::uint32_t to, int cap) {
    g_[from].push_back(Edge{to, cap, g_[to].size()});
    g_[to].push_back(Edge{from, 0, g_[from].size() - 1});
    return g_[from].size() - 1;
  }
  int cap(std::uint32_t from, std::size_t e) const { return g_[from][e].cap; }
  void raise(std::uint32_t from, std::size_t e, int by) { g_[from][e].cap += by; }
  int run(std::uint32_t s, std::uint32_t t) {
    int flow = 0;
    while (levels(s, t)) {
      std::fill(next_.begin(), next_.end(), 0);
      while (int f = push(s, t, 1 << 30)) flow += f;
    }
    return flow;
  }

 private:
  struct Edge {
    std::uint32_t to;
    int cap;
    std::size_t rev;
  };
  bool levels(std::uint32_t s, std::uint32_t t) {
    std::fill(level_.begin(), level_.end(), -1);
    std::vector<std::uint32_t> queue{s};
    level_[s] = 0;
    for (std::size_t i = 0; i < queue.size(); ++i) {
      for (const Edge& e : g_[queue[i]]) {
        if (e.cap > 0 && level_[e.to] < 0) {
          level_[e.to] = level_[queue[i]] + 1;
          queue.push_back(e.to);
        }
      }
    }
    return level_[t] >= 0;
  }
  int push(std::uint32_t u, std::uint32_t t, int limit) {
    if (u == t) return limit;
    for (std::size_t& i = next_[u]; i < g_[u].size(); ++i) {
      Edge& e = g_[u][i];
      if (e.cap <= 0 || level_[e.to] != level_[u] + 1) continue;
      if (int f = push(e.to, t, std::min(limit, e.cap))) {
        e.cap -= f;
        g_[e.to][e.rev].cap += f;
        return f;
      }
    }
    return 0;
  }
  std::vector<std::vector<Edge>> g_;
  std::vector<int> level_;
  std::vector<std::size_t> next_;
};

// Orders each chain's nodes so that every node holds every position (head, ..., tail) floor or
// ceil of r / k times: the head takes writes first (3FS serializes writes there), the tail
// commits. Positions are filled one at a time, each as a flow: every chain picks one of its
// not yet placed nodes, node x between lo and hi times, where the bounds also leave x's
// remaining chains placeable at [floor, ceil] per later position. A bipartite graph has an
// equitable edge colouring (de Werra), so these bounds always admit a choice. Lower bounds by
// two rounds: caps lo first, then raised to hi (flow into the sink never shrinks).
void spread_positions(const Shape& s, Members& m) {
  const std::uint32_t k = s.replicas, v = s.nodes, r = s.targets_per_node();
  const std::uint32_t chains = static_cast<std::uint32_t>(m.size());
  const std::uint32_t floor_r = r / k, ceil_r = (r + k - 1) / k;
  std::vector<std::uint32_t> left(v, r);  // chains where the node has no position yet
  for (std::uint32_t p = 0; p + 1 < k; ++p) {
    const std::uint32_t later = k - p - 1;  // positions still to fill after this one
    const std::uint32_t source = chains + v, sink = source + 1;
    Flow f(sink + 1);
    std::vector<std::vector<std::size_t>> member_edge(chains);
    for (std::uint32_t c = 0; c < chains; ++c) {
      f.add(source, c, 1);
      for (std::uint32_t i = p; i < k; ++i) member_edge[c].push_back(f.add(c, chains + m[c][i], 1));
    }
    std::vector<std::size_t> sink_edge(v);
    std::vector<int> extra(v);
    for (std::uint32_t x = 0; x < v; ++x) {
      const std::uint32_t d = left[x];
      const std::uint32_t lo = std::max(floor_r, d > ceil_r * later ? d - ceil_r * later : 0);
      const std::uint32_t hi = std::min(ceil_r, d - floor_r * later);
      sink_edge[x] = f.add(chains + x, sink, static_cast<int>(lo));
      extra[x] = static_cast<int>(hi) - static_cast<int>(lo);
    }
    int placed = f.run(source, sink);
    for (std::uint32_t x = 0; x < v; ++x) f.raise(chains + x, sink_edge[x], extra[x]);
    placed += f.run(source, sink);
    if (placed != static_cast<int>(chains)) {
      throw std::logic_error(fmt::format("chain table: position {} placed {} of {} chains", p,
                                         placed, chains));
    }
    for (std::uint32_t c = 0; c < chains; ++c) {
      for (std::uint32_t i = p; i < k; ++i) {
        if (f.cap(c, member_edge[c][i - p]) == 0) {  // this member takes position p
          std::swap(m[c][p], m[c][i]);
          --left[m[c][p]];
          break;
        }
      }
    }
  }
}

}  // namespace

ChainTable naive_chain_table(const Shape& s) {
  validate(s);
  return with_targets(s, consecutive_groups(s));
}

ChainTable balanced_chain_table(const Shape& s) {
  validate(s);
  Members m = consecutive_groups(s);
  balance_pairs(s, m);
  spread_positions(s, m);
  return with_targets(s, m);
}

std::vector<std::vector<std::uint32_t>> shared_chains(const ChainTable& t) {
  const std::uint32_t v = t.shape.nodes;
  std::vector<std::vector<std::uint32_t>> shared(v, std::vector<std::uint32_t>(v, 0));
  for (const auto& chain : t.chains) {
    for (const Target& a : chain) {
      for (const Target& b : chain) {
        if (a.node != b.node) ++shared[a.node][b.node];
      }
    }
  }
  return shared;
}

std::vector<double> read_load_after_failure(const ChainTable& t,
                                            std::optional<std::uint32_t> failed) {
  std::vector<double> load(t.shape.nodes, 0.0);
  if (t.chains.empty()) return load;
  const double per_chain = 1.0 / static_cast<double>(t.chains.size());
  for (const auto& chain : t.chains) {
    std::size_t live = 0;
    for (const Target& x : chain) live += (failed && x.node == *failed) ? 0 : 1;
    if (live == 0) continue;  // every replica is on the failed node: unreadable
    for (const Target& x : chain) {
      if (!(failed && x.node == *failed)) load[x.node] += per_chain / static_cast<double>(live);
    }
  }
  return load;
}

}  // namespace distlab::models::chain

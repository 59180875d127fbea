// Chain tables (models/chain/chain_table): the structural rules every table keeps, the design
// notes' 6-node example (docs/design_notes.md in deepseek-ai/3FS) for both layouts, and how
// evenly a failed node's reads spread at 180 nodes. The naive table is checked to fail the
// balance checks, so the checks can fail.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "chain/chain_table.hpp"

namespace {

namespace ch = distlab::models::chain;
using ch::ChainTable;
using ch::Shape;
using ch::Target;

constexpr std::uint32_t A = 0, B = 1, C = 2, D = 3, E = 4, F = 5;

// Every target used once, replicas on distinct nodes, disks holding targets_per_disk each.
void check_structure(const ChainTable& t) {
  const Shape& s = t.shape;
  REQUIRE(t.chains.size() * s.replicas == std::size_t{s.nodes} * s.targets_per_node());
  std::set<std::tuple<std::uint32_t, std::uint32_t>> used;  // (node, slot)
  std::vector<std::uint32_t> per_disk(std::size_t{s.nodes} * s.disks_per_node, 0);
  for (const auto& chain : t.chains) {
    REQUIRE(chain.size() == s.replicas);
    std::set<std::uint32_t> nodes;
    for (const Target& x : chain) {
      REQUIRE(x.node < s.nodes);
      REQUIRE(x.slot < s.targets_per_node());
      REQUIRE(x.disk == x.slot % s.disks_per_node);
      nodes.insert(x.node);
      used.insert({x.node, x.slot});
      ++per_disk[std::size_t{x.node} * s.disks_per_node + x.disk];
    }
    REQUIRE(nodes.size() == s.replicas);
  }
  REQUIRE(used.size() == std::size_t{s.nodes} * s.targets_per_node());
  for (std::uint32_t n : per_disk) REQUIRE(n == s.targets_per_disk);
}

// Times each node holds each chain position: [node][position].
std::vector<std::vector<std::uint32_t>> positions(const ChainTable& t) {
  std::vector<std::vector<std::uint32_t>> out(t.shape.nodes,
                                              std::vector<std::uint32_t>(t.shape.replicas, 0));
  for (const auto& chain : t.chains) {
    for (std::size_t p = 0; p < chain.size(); ++p) ++out[chain[p].node][p];
  }
  return out;
}

bool positions_even(const ChainTable& t) {
  const std::uint32_t r = t.shape.targets_per_node(), k = t.shape.replicas;
  for (const auto& node : positions(t)) {
    for (std::uint32_t n : node) {
      if (n < r / k || n > (r + k - 1) / k) return false;
    }
  }
  return true;
}

// Largest minus smallest number of chains shared by two distinct nodes.
std::uint32_t pair_spread(const ChainTable& t) {
  const auto shared = ch::shared_chains(t);
  std::uint32_t lo = ~0u, hi = 0;
  for (std::uint32_t a = 0; a < t.shape.nodes; ++a) {
    for (std::uint32_t b = a + 1; b < t.shape.nodes; ++b) {
      lo = std::min(lo, shared[a][b]);
      hi = std::max(hi, shared[a][b]);
    }
  }
  return hi - lo;
}

// Each node's load after `failed` fails, minus its load before, over the failed node's load
// before: the share of the failed node's reads each node takes over.
std::vector<double> takeover(const ChainTable& t, std::uint32_t failed) {
  const auto before = ch::read_load_after_failure(t, std::nullopt);
  const auto after = ch::read_load_after_failure(t, failed);
  std::vector<double> share(before.size());
  for (std::size_t n = 0; n < before.size(); ++n) share[n] = (after[n] - before[n]) / before[failed];
  share[failed] = 0;
  return share;
}

// Largest over smallest load among the nodes still up.
double survivor_ratio(const ChainTable& t, std::uint32_t failed) {
  auto load = ch::read_load_after_failure(t, failed);
  load.erase(load.begin() + failed);
  const auto [lo, hi] = std::minmax_element(load.begin(), load.end());
  return *hi / *lo;
}

ChainTable from_rows(const std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>>& rows) {
  ChainTable t{Shape{.nodes = 6, .disks_per_node = 1, .targets_per_disk = 5, .replicas = 3}, {}};
  for (const auto& row : rows) {
    std::vector<Target> chain;
    for (auto [node, number] : row) chain.push_back(Target{node, 0, number - 1});
    t.chains.push_back(chain);
  }
  return t;
}

const Shape kExample{.nodes = 6, .disks_per_node = 1, .targets_per_disk = 5, .replicas = 3};

}  // namespace

TEST_CASE("chain table: the naive layout is the design notes' first table", "[chain_table]") {
  const ChainTable naive = ch::naive_chain_table(kExample);
  // Chains 1 .. 10: A1 B1 C1, D1 E1 F1, A2 B2 C2, ..., D5 E5 F5 (head first).
  std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> rows;
  for (std::uint32_t i = 1; i <= 5; ++i) {
    rows.push_back({{A, i}, {B, i}, {C, i}});
    rows.push_back({{D, i}, {E, i}, {F, i}});
  }
  CHECK(naive.chains == from_rows(rows).chains);
  check_structure(naive);
}

TEST_CASE("chain table: in the example, A's reads go to B and C only (naive)",
          "[chain_table]") {
  const ChainTable naive = ch::naive_chain_table(kExample);
  const auto share = takeover(naive, A);
  CHECK(share[B] == Approx(0.5));
  CHECK(share[C] == Approx(0.5));
  for (std::uint32_t n : {D, E, F}) CHECK(share[n] == Approx(0.0).margin(1e-12));
  CHECK(pair_spread(naive) == 5);   // A and B share all 5 chains, A and D none
  CHECK_FALSE(positions_even(naive));  // A and D head every one of their chains
}

TEST_CASE("chain table: in the example, each other node takes 1/5 of A's reads (balanced)",
          "[chain_table]") {
  const ChainTable t = ch::balanced_chain_table(kExample);
  check_structure(t);
  const auto shared = ch::shared_chains(t);
  for (std::uint32_t a = 0; a < 6; ++a) {
    for (std::uint32_t b = 0; b < 6; ++b) CHECK(shared[a][b] == (a == b ? 0u : 2u));  // a 2-(6,3,2) design
  }
  for (std::uint32_t failed = 0; failed < 6; ++failed) {
    const auto share = takeover(t, failed);
    for (std::uint32_t n = 0; n < 6; ++n) {
      if (n != failed) CHECK(share[n] == Approx(0.2));
    }
    // Before: 1/6 each; after: 1/5 each over the five left.
    for (std::uint32_t n = 0; n < 6; ++n) {
      CHECK(ch::read_load_after_failure(t, failed)[n] == Approx(n == failed ? 0.0 : 0.2));
    }
  }
  CHECK(positions_even(t));  // heads, middles, tails: 1 or 2 of each per node (5 / 3)
}

TEST_CASE("chain table: the design notes' own balanced table is not quite balanced",
          "[chain_table]") {
  // Copied from docs/design_notes.md ("In the following chain table, A is paired with every
  // other SSDs. When A fails, each of the other SSDs receives 1/5 of A's read traffic."). A
  // shares 3 chains with D and 1 with E, so D takes 3/10 of A's reads and E 1/10.
  const ChainTable notes = from_rows({{{B, 1}, {E, 1}, {F, 1}},
                                      {{A, 1}, {B, 2}, {D, 1}},
                                      {{A, 2}, {D, 2}, {F, 2}},
                                      {{C, 1}, {D, 3}, {E, 2}},
                                      {{A, 3}, {C, 2}, {F, 3}},
                                      {{A, 4}, {B, 3}, {E, 3}},
                                      {{B, 4}, {C, 3}, {F, 4}},
                                      {{B, 5}, {C, 4}, {E, 4}},
                                      {{A, 5}, {C, 5}, {D, 4}},
                                      {{D, 5}, {E, 5}, {F, 5}}});
  check_structure(notes);
  const auto share = takeover(notes, A);
  CHECK(share[B] == Approx(0.2));
  CHECK(share[C] == Approx(0.2));
  CHECK(share[D] == Approx(0.3));
  CHECK(share[E] == Approx(0.1));
  CHECK(share[F] == Approx(0.2));
  CHECK(pair_spread(notes) > 1);
}

TEST_CASE("chain table: 180 nodes x 16 disks, a failed node's reads spread evenly",
          "[chain_table]") {
  // The 3FS peak-read cluster's shape (README: 180 storage nodes, 16 SSDs each).
  for (std::uint32_t per_disk : {3u, 6u}) {
    const Shape s{.nodes = 180, .disks_per_node = 16, .targets_per_disk = per_disk, .replicas = 3};
    const ChainTable t = ch::balanced_chain_table(s);
    check_structure(t);
    CHECK(pair_spread(t) <= 1);  // 48 x 2 / 179 = 0.54 chains per pair: 0 or 1; 96: 1 or 2
    CHECK(positions_even(t));
    // Survivors' loads differ by at most one shared chain's share: 97/96 with 3 per disk.
    CHECK(survivor_ratio(t, 0) < 1.02);
    CHECK(survivor_ratio(t, 179) < 1.02);
    const ChainTable naive = ch::naive_chain_table(s);
    check_structure(naive);
    CHECK(survivor_ratio(naive, 0) > 1.4);  // nodes 1 and 2 take half of node 0's reads each
    CHECK(pair_spread(naive) > 1);
  }
}

TEST_CASE("chain table: small shapes keep the structure and spread positions",
          "[chain_table]") {
  for (std::uint32_t k = 1; k <= 4; ++k) {
    for (std::uint32_t v = k; v <= 12; ++v) {
      for (std::uint32_t disks = 1; disks <= 2; ++disks) {
        for (std::uint32_t per_disk = 1; per_disk <= 7; ++per_disk) {
          const Shape s{.nodes = v, .disks_per_node = disks, .targets_per_disk = per_disk,
                        .replicas = k};
          if (v * s.targets_per_node() % k != 0) {
            CHECK_THROWS_AS(ch::balanced_chain_table(s), std::invalid_argument);
            continue;
          }
          const ChainTable t = ch::balanced_chain_table(s);
          check_structure(t);
          CHECK(positions_even(t));
          double total = 0;
          for (double x : ch::read_load_after_failure(t, std::nullopt)) total += x;
          CHECK(total == Approx(1.0));
        }
      }
    }
  }
}

TEST_CASE("chain table: deterministic, and bad shapes are refused", "[chain_table]") {
  const Shape s{.nodes = 20, .disks_per_node = 2, .targets_per_disk = 6, .replicas = 3};
  CHECK(ch::balanced_chain_table(s).chains == ch::balanced_chain_table(s).chains);
  CHECK_THROWS_AS(ch::balanced_chain_table(Shape{.nodes = 2, .targets_per_disk = 3, .replicas = 3}),
                  std::invalid_argument);
  CHECK_THROWS_AS(ch::naive_chain_table(Shape{.nodes = 5, .targets_per_disk = 1, .replicas = 3}),
                  std::invalid_argument);
  CHECK_THROWS_AS(ch::balanced_chain_table(Shape{.nodes = 5, .targets_per_disk = 3, .replicas = 0}),
                  std::invalid_argument);
  // With one replica a failed node's chains become unreadable: the loads no longer sum to 1.
  const ChainTable single = ch::balanced_chain_table(Shape{.nodes = 4, .targets_per_disk = 2, .replicas = 1});
  double total = 0;
  for (double x : ch::read_load_after_failure(single, 0u)) total += x;
  CHECK(total == Approx(0.75));
}

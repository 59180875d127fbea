#pragma once
// Chain tables as DeepSeek 3FS builds them (docs/design_notes.md, "Data placement" and
// "Balanced traffic during recovery"; deploy/data_placement): every SSD is cut into several
// storage targets, each target joins one chain, and a chain's replicas sit on distinct nodes.
// CRAQ spreads a chain's reads over its targets, so when a node fails its reads move to the
// nodes it shares chains with: how many chains each pair of nodes shares decides how evenly.
// Pure data and arithmetic: no SimGrid, no randomness beyond a fixed seed of our own.
#include <cstdint>
#include <optional>
#include <vector>

namespace distlab::models::chain {

// The cluster's shape, named as 3FS's gen_chain_table.py names it (num_nodes,
// num_disks_per_node, num_targets_per_disk, replication factor).
struct Shape {
  std::uint32_t nodes = 0;
  std::uint32_t disks_per_node = 1;
  std::uint32_t targets_per_disk = 0;
  std::uint32_t replicas = 3;
  std::uint32_t targets_per_node() const { return disks_per_node * targets_per_disk; }
};

// One storage target: a slice of one SSD. `slot` numbers the node's targets 0 ..
// targets_per_node - 1 (the design notes' A1 .. A5 are slots 0 .. 4); disk = slot %
// disks_per_node, so every disk holds targets_per_disk of them.
struct Target {
  std::uint32_t node = 0;
  std::uint32_t disk = 0;
  std::uint32_t slot = 0;
  friend bool operator==(const Target&, const Target&) = default;
};

struct ChainTable {
  Shape shape;
  std::vector<std::vector<Target>> chains;  // each head first, tail last
};

// The layout the design notes start from: nodes in groups of `replicas` consecutive nodes that
// replicate each other (A B C, D E F), chain i taking each group member's next target, heads
// always the group's first node. With 6 nodes x 5 targets it is the notes' first table, row for
// row. When nodes % replicas != 0 the groups wrap around (still valid, still unbalanced).
ChainTable naive_chain_table(const Shape& s);

// Every pair of nodes shares floor or ceil of the mean number of chains (the mean is
// targets_per_node * (replicas - 1) / (nodes - 1)), when the search finds it (it does for the
// notes' example, where that is a balanced incomplete block design, and for the 180-node sizes
// in the tests); each node is at every chain position floor or ceil of targets_per_node /
// replicas times (always). Deterministic.
ChainTable balanced_chain_table(const Shape& s);

// Both throw std::invalid_argument unless 1 <= replicas <= nodes, targets_per_disk >= 1 and
// replicas divides nodes * targets_per_node (every target used exactly once).

// chains shared by each pair of nodes: [a][b], symmetric, zero diagonal.
std::vector<std::vector<std::uint32_t>> shared_chains(const ChainTable& t);

// Read load per node as a fraction of the total, when every chain gets the same read load and
// splits it evenly over its live targets (CRAQ reads at any serving target). With `failed`,
// that node's targets serve nothing; a chain left with no live target drops its load, so the
// fractions then sum to less than 1.
std::vector<double> read_load_after_failure(const ChainTable& t, std::optional<std::uint32_t> failed);

}  // namespace distlab::models::chain

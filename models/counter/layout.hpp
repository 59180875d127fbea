#pragma once
// Where every node is and which node serves which counter. Node ids are laid out in blocks,
// one block per kind (store, cache, rollup, api, client), each block interleaving the regions,
// so that node id % regions is its region: the engine's default region assignment (server i in
// region i % regions) then puts every node where the model expects it.
//
// A counter is a 64-bit key: namespace index in the high 32 bits, counter index in the low.
// Within a region, a counter's cache node, rollup server and store replicas are picked by
// hashing its key (Netflix hashes a counter to its rollup queue with XXHash).
#include <array>
#include <cstdint>
#include <string>

#include <fmt/format.h>
#include <xxhash.h>

#include "config.hpp"
#include "distlab/sim/types.hpp"

namespace distlab::models::counter {

enum class Kind : std::uint8_t { store, cache, rollup, api, client };
inline constexpr int kKinds = 5;

using CounterKey = std::uint64_t;
inline CounterKey counter_key(std::uint32_t ns, std::uint64_t index) {
  return (static_cast<std::uint64_t>(ns) << 32) | index;
}
inline std::uint32_t ns_of(CounterKey k) { return static_cast<std::uint32_t>(k >> 32); }
inline std::uint64_t index_of(CounterKey k) { return k & 0xffffffffull; }

inline std::uint64_t hash_key(CounterKey k, std::uint64_t seed) {
  return XXH64(&k, sizeof k, seed);
}

class Layout {
 public:
  explicit Layout(const Config& c) : regions_(c.regions), rf_(c.replication_factor) {
    per_region_ = {c.store_per_region, c.cache_per_region, c.rollup_per_region, c.api_per_region,
                   c.clients_per_region};
    sim::NodeId next = 0;
    for (int k = 0; k < kKinds; ++k) {
      base_[k] = next;
      next += per_region_[k] * regions_;
    }
    total_ = next;
  }

  std::uint32_t regions() const { return regions_; }
  sim::NodeId total() const { return total_; }
  std::uint32_t per_region(Kind k) const { return per_region_[static_cast<int>(k)]; }
  sim::NodeId node(Kind k, std::uint32_t region, std::uint32_t i) const {
    return base_[static_cast<int>(k)] + i * regions_ + region;
  }
  std::uint32_t region_of(sim::NodeId id) const { return id % regions_; }
  Kind kind_of(sim::NodeId id) const {
    int k = kKinds - 1;
    while (k > 0 && id < base_[k]) --k;
    return static_cast<Kind>(k);
  }
  // Index of a node among those of its kind in its region.
  std::uint32_t index_in_region(sim::NodeId id) const {
    return (id - base_[static_cast<int>(kind_of(id))]) / regions_;
  }
  // 0, 1, ... over all nodes of the kind (clients: the client number).
  std::uint32_t ordinal(sim::NodeId id) const { return id - base_[static_cast<int>(kind_of(id))]; }

  std::string name(sim::NodeId id) const {
    static constexpr const char* kinds[] = {"store", "cache", "rollup", "api", "client"};
    return fmt::format("{}{}-r{}", kinds[static_cast<int>(kind_of(id))], index_in_region(id),
                       region_of(id));
  }

  sim::NodeId cache_for(CounterKey k, std::uint32_t region) const {
    return node(Kind::cache, region, hash_key(k, 1) % per_region(Kind::cache));
  }
  sim::NodeId rollup_for(CounterKey k, std::uint32_t region) const {
    return node(Kind::rollup, region, hash_key(k, 2) % per_region(Kind::rollup));
  }
  std::uint32_t queue_for(CounterKey k, std::uint32_t queues) const {
    return static_cast<std::uint32_t>(hash_key(k, 3) % queues);
  }
  // The counter's replicas in a region: rf consecutive store nodes from its hash (a token ring
  // with one token per node, as SimpleStrategy places replicas). No allocation: a view.
  struct Replicas {
    const Layout* layout;
    std::uint32_t region, first;
    std::uint32_t size() const { return layout->rf_; }
    sim::NodeId operator[](std::uint32_t i) const {
      return layout->node(Kind::store, region, (first + i) % layout->per_region(Kind::store));
    }
  };
  Replicas replicas(CounterKey k, std::uint32_t region) const {
    return {this, region, static_cast<std::uint32_t>(hash_key(k, 4) % per_region(Kind::store))};
  }
  std::uint32_t replication_factor() const { return rf_; }

 private:
  std::uint32_t regions_, rf_;
  std::array<std::uint32_t, kKinds> per_region_{};
  std::array<sim::NodeId, kKinds> base_{};
  sim::NodeId total_ = 0;
};

}  // namespace distlab::models::counter

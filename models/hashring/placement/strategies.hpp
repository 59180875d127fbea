#pragma once
// Constructors of the individual strategies, one per file; make_placement (factory.cpp)
// validates the configuration before calling them. Internal to the placement folder.
#include <cstdint>
#include <memory>
#include <vector>

#include "hashring/placement/placement.hpp"

namespace distlab::models::hashring {

std::unique_ptr<Placement> make_ring(const PlacementConfig& c);        // ring.cpp
std::unique_ptr<Placement> make_jump(const PlacementConfig& c);        // jump.cpp
std::unique_ptr<Placement> make_rendezvous(const PlacementConfig& c);  // rendezvous.cpp
std::unique_ptr<Placement> make_maglev(const PlacementConfig& c);      // maglev.cpp
std::unique_ptr<Placement> make_bounded(const PlacementConfig& c);     // bounded.cpp
std::unique_ptr<Placement> make_modn(const PlacementConfig& c);        // modn.cpp

// Points a member of weight w gets on a ring of V points per unit weight: max(1, round(V w)).
// Throws std::invalid_argument for a weight that is not a finite number > 0 or too many points.
std::uint32_t ring_points_for(std::uint32_t vnodes, double weight);

// Jump consistent hash (jump.cpp): the published loop, and the same computation in the double
// domain with SSE4.1 and FMA (identical results, shorter dependency chain; it falls back to the
// published loop where those are not available). jump_hash_fma_supported: this CPU has them.
std::int32_t jump_hash_published(std::uint64_t key, std::int32_t num_buckets);
std::int32_t jump_hash_fma(std::uint64_t key, std::int32_t num_buckets);
bool jump_hash_fma_supported();

// DISTLAB_ASSERT that no id appears twice (a precondition of reset).
void assert_distinct_ids(const std::vector<Member>& members);

}  // namespace distlab::models::hashring

#pragma once
#include <vector>

#include <simgrid/forward.h>

#include "engine/world.hpp"

namespace distlab::sim::engine {
// One SimGrid host per node, index = NodeId.
std::vector<simgrid::s4u::Host*> build_platform(const World& w);
}  // namespace distlab::sim::engine

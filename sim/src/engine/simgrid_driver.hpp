#pragma once
// Runs a World on SimGrid. Only this file's .cpp and platform.cpp include SimGrid headers.
#include <string>
#include <vector>

#include "engine/world.hpp"

namespace distlab::sim::engine {

// Builds the platform, runs the simulation to the scenario's end and returns. Rethrows any
// exception raised inside the simulation. `simgrid_args` are passed to SimGrid (--cfg=...).
void run_on_simgrid(World& world, const std::vector<std::string>& simgrid_args,
                    const std::function<void(Time, std::uint64_t)>& progress);

}  // namespace distlab::sim::engine

#pragma once
// Protocols from outside the tree: a shared library built against distlab's headers that
// defines
//
//   extern "C" void distlab_register_models(distlab::sim::Registry& registry);
//
// and adds its ModelFactory entries there. `distlab run --plugin lib.so scenario.toml` loads it
// before the scenario, so a course can grade a student's model on the same seeds as the
// reference. The library is resolved against the distlab executable (which exports the sim
// API), so it does not link distlab itself.
#include <string>

#include "distlab/sim/model.hpp"

namespace distlab::cli {

// Loads `path` and calls its registration function. Throws sim::ConfigError on failure.
void load_plugin(const std::string& path, sim::Registry& registry);

}  // namespace distlab::cli

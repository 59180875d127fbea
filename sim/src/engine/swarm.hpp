#pragma once
// Random fault schedules for [swarm] scenarios.
#include <string>
#include <vector>

#include "distlab/sim/model.hpp"
#include "distlab/sim/scenario.hpp"

namespace distlab::sim::engine {

// The faults [swarm] asks for, drawn from (seed, "swarm"); node names are the model's servers.
// One line for the summary and results.json.
std::string describe_fault(const FaultSpec& f);

std::vector<FaultSpec> swarm_faults(const Scenario& s, const ModelInstance& m, std::uint64_t seed);

}  // namespace distlab::sim::engine

#pragma once
// Turning a finished run into results.json, the summary table and CSV time series.
#include <string>

#include "distlab/sim/check/linearizability.hpp"
#include "engine/world.hpp"

namespace distlab::sim::engine {

struct RunOutputs {
  std::string results_json;
  std::string summary;
  std::string timeseries_csv;
  std::string history_csv;
  std::string nodes_csv;
  bool checks_passed = true;
};

RunOutputs make_outputs(World& w, const Scenario& s, std::uint64_t seed);

}  // namespace distlab::sim::engine

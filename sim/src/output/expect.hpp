#pragma once
// [[expect]] entries: compare values of results.json with published (or required) figures.
#include <nlohmann/json.hpp>

#include <string>

#include "distlab/sim/scenario.hpp"

namespace distlab::sim::engine {

struct ExpectOutcome {
  nlohmann::ordered_json json = nlohmann::ordered_json::array();
  std::string summary;  // the "published vs simulated" table, empty without expectations
  bool passed = true;
};

// Looks each metric up in `results` (dotted path, [i] for array elements). A path that names
// no number is a ConfigError at the expectation's metric key.
ExpectOutcome evaluate_expectations(const Scenario& s, const nlohmann::ordered_json& results);

}  // namespace distlab::sim::engine

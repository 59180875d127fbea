#pragma once
// Running a scenario: one simulation per process (SimGrid allows one engine per process).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "distlab/sim/scenario.hpp"

namespace distlab::sim {

struct RunOptions {
  std::optional<std::uint64_t> seed;  // overrides the scenario's seed
  std::string out_dir;                // results.json, CSVs (and traces) go here; "" = none
  bool trace = false;                 // write trace.jsonl and trace.chrome.json
  bool verbose = false;               // protocol log lines to stderr
  // Called now and then with (simulated time, events so far); the CLI draws its progress line.
  std::function<void(Time, std::uint64_t)> progress;
  std::vector<std::string> simgrid_args;  // passed to SimGrid, e.g. --cfg=contexts/factory:raw
};

struct RunResult {
  std::string results_json;   // the content of results.json
  std::string summary;        // the human-readable summary table
  bool checks_passed = true;  // every enabled checker said yes
  std::uint64_t events = 0;
  std::uint64_t operations_ok = 0;  // workload operations answered (for ops per wall second)
};

// Build the model and resolve every node name in the scenario without running it.
// Throws ConfigError (this is what `distlab validate` does after loading).
void validate_scenario(const Scenario& s);

// Runs the simulation. Throws ConfigError for problems only found when the model is built.
RunResult run_scenario(const Scenario& s, const RunOptions& opt);

}  // namespace distlab::sim

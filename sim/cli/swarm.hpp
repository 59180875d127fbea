#pragma once
// distlab swarm: run one scenario over many seeds in parallel child processes and report the
// seeds whose checkers fail (swarm testing with the random faults of [swarm]).
#include <cstdint>
#include <string>
#include <vector>

namespace distlab::cli {

struct SwarmOptions {
  std::string file;
  std::vector<std::string> sets;
  std::vector<std::string> plugins;  // for the "reproduce" line (the caller loads them)
  std::uint64_t first_seed = 1;
  std::uint32_t seeds = 100;
  unsigned jobs = 0;              // 0: one per core
  bool expect_violation = false;  // succeed only if some seed fails its checks
};

// Exit code: 0 every seed passed (or, with expect_violation, at least one was caught and none
// errored), 1 otherwise, 2 bad input or a run that crashed.
int run_swarm(const SwarmOptions& o);

}  // namespace distlab::cli

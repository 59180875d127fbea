// Counter model throughput: the published-envelope scenario (scenarios/papers/counter_envelope
// .toml: ~75K count requests/s over three regions, 75 nodes) for a few simulated seconds of load,
// next to raw SimGrid's message rate measured in the same run: a ping-pong between 76 plain
// SimGrid actors (one per node of the counter run, rounded up to even) on the same platform.
// Prints simulated requests and messages per wall-clock second and the ratio of distlab's
// message rate to raw SimGrid's.
//
// Each simulation runs in a forked child; each line is the best of the repetitions. Exit code 1
// only if a run fails or serves nothing; rates are printed, never asserted.
//
//   bench_counter                        2 simulated seconds of load per run, 3 repetitions
//   bench_counter --seconds 20 --reps 1  the figure: 20 simulated seconds (target: under
//                                        60 s of wall time)
//   bench_counter --quick                short version (the bench_counter_smoke test)
#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../common/in_child.hpp"
#include "distlab/sim/baseline.hpp"
#include "distlab/sim/run.hpp"
#include "distlab/sim/scenario.hpp"
#include "models/registry.hpp"

namespace {

using namespace distlab;
using bench::Best;
using bench::ChildResult;
using bench::in_child_r;

constexpr std::uint32_t kNodes =
    76;  // 3 regions x (4 api + 3 cache + 6 store + 2 rollup + 10 clients), even

void run_counter(ChildResult& r, double seconds) {
  models::register_builtin(sim::registry());
  const std::vector<std::string> overrides = {
      fmt::format("model.load_s={}", seconds), "model.verify=false",
      fmt::format("scenario.duration_s={}", seconds + 0.1), "scenario.drain_s=0"};
  sim::Scenario s = sim::load_scenario_file(
      std::string(DISTLAB_SOURCE_DIR) + "/scenarios/papers/counter_envelope.toml", overrides);
  s.expectations.clear();  // a few seconds cannot meet the envelope's figures: not the point here
  const sim::RunResult rr = sim::run_scenario(s, sim::RunOptions{});
  const auto j = nlohmann::json::parse(rr.results_json);
  r.messages = j["network"]["delivered"].get<std::uint64_t>();
  r.operations = j["model"]["totals"]["requests"].get<std::uint64_t>();
}

void run_raw(ChildResult& r, double seconds) {
  sim::baseline::RawPingPong cfg;
  cfg.platform.nodes = kNodes;
  cfg.platform.latency = sim::us(250);
  cfg.platform.bandwidth_bps = 10e9;
  cfg.message_bytes = 64;
  cfg.duration = static_cast<sim::Time>(seconds * 1e9);
  r.messages = sim::baseline::raw_pingpong(cfg).messages;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2.0;
  int reps = 3;
  for (int i = 1; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (std::strcmp(argv[i], "--quick") == 0) {
      seconds = 0.1;
      reps = 1;
    } else if (std::strcmp(argv[i], "--seconds") == 0 && has_value) {
      seconds = std::atof(argv[++i]);
    } else if (std::strcmp(argv[i], "--reps") == 0 && has_value) {
      reps = std::atoi(argv[++i]);
    } else {
      fmt::print(stderr, "usage: bench_counter [--quick] [--seconds S] [--reps N]\n");
      return 2;
    }
  }
  if (!(seconds > 0) || reps < 1) {
    fmt::print(stderr, "bench_counter: --seconds must be positive and --reps at least 1\n");
    return 2;
  }
  try {
    Best raw, counter;
    for (int i = 0; i < reps; ++i) {
      raw.add(in_child_r([&](ChildResult& r) { run_raw(r, seconds); }));
      counter.add(in_child_r([&](ChildResult& r) { run_counter(r, seconds); }));
    }
    fmt::print(
        "Counter envelope (~75K req/s, 3 regions, {} nodes), {} simulated s of load; best of {}\n",
        kNodes - 1, seconds, reps);
    fmt::print("  {:<36} {:>12} {:>14} {:>14} {:>9} {:>10}\n", "run", "requests", "requests/s",
               "messages/s", "x raw", "wall s");
    fmt::print("  {:<36} {:>12} {:>14} {:>14.0f} {:>9.2f} {:>10.3f}\n",
               "raw SimGrid ping-pong, 76 actors", "-", "-", raw.msgs_per_s(), 1.0,
               raw.best.wall_s);
    fmt::print("  {:<36} {:>12} {:>14.0f} {:>14.0f} {:>9.2f} {:>10.3f}\n",
               "distlab counter, textbook network", counter.best.operations, counter.ops_per_s(),
               counter.msgs_per_s(), counter.msgs_per_s() / raw.msgs_per_s(), counter.best.wall_s);
    fmt::print(
        "  simulated requests per wall second / 75,000: {:.2f} (>= 1: faster than real time)\n",
        counter.ops_per_s() / 75'000);
    if (counter.best.operations == 0) {
      fmt::print(stderr, "bench_counter: no request served\n");
      return 1;
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "bench_counter: {}\n", e.what());
    return 1;
  }
  return 0;
}

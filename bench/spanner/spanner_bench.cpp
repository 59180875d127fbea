// Spanner at the scale of the paper's two-phase-commit experiment: 3 zones x 25 spanservers,
// 50 Paxos groups, 100 transaction clients, 30 simulated seconds (bench/spanner/scale.toml).
// Prints the wall time (target: under 2 minutes), peak memory, transactions and messages per
// wall-clock second, and raw SimGrid's message rate on as many actors, measured in the same run.
//
// Each simulation runs in a forked child. Exit code 1 only if a run fails or commits nothing.
//
//   bench_spanner            full version (30 simulated seconds, about half a minute)
//   bench_spanner --quick    short version (2 simulated seconds: the bench_spanner_smoke test)
#include <fmt/format.h>

#include <cstring>
#include <string>

#include "../common/in_child.hpp"
#include "distlab/sim/baseline.hpp"
#include "distlab/sim/run.hpp"
#include "distlab/sim/scenario.hpp"
#include "models/registry.hpp"

namespace {

using namespace distlab;
using bench::ChildResult;
using bench::in_child_r;
using bench::number_after;

constexpr const char* kFile = DISTLAB_SOURCE_DIR "/bench/spanner/scale.toml";
constexpr std::uint32_t kNodes = 75 + 100;

void run_spanner(ChildResult& r, double seconds) {
  models::register_builtin(sim::registry());
  const sim::Scenario s =
      sim::load_scenario_file(kFile, {fmt::format("scenario.duration_s={}", seconds)});
  const sim::RunResult rr = sim::run_scenario(s, sim::RunOptions{});
  if (!rr.checks_passed) throw std::runtime_error("the run's checks failed");
  r.messages = number_after(rr.results_json, "network", "delivered");
  r.operations = number_after(rr.results_json, "model", "transactions");
}

void run_raw(ChildResult& r, double seconds) {
  sim::baseline::RawPingPong cfg;
  cfg.platform.nodes = kNodes + 1;  // even
  cfg.platform.latency = sim::us(100);
  cfg.platform.bandwidth_bps = 10e9;
  cfg.message_bytes = 100;
  cfg.duration = static_cast<sim::Time>(seconds * 1e9);
  r.messages = sim::baseline::raw_pingpong(cfg).messages;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const double seconds = quick ? 2.0 : 30.0;
  const ChildResult raw = in_child_r([&](ChildResult& r) { run_raw(r, 2.0); });
  const ChildResult sp = in_child_r([&](ChildResult& r) { run_spanner(r, seconds); });
  for (const ChildResult* r : {&raw, &sp})
    if (!r->ok) {
      fmt::print(stderr, "bench_spanner: {}\n", r->error);
      return 1;
    }
  const double raw_rate = static_cast<double>(raw.messages) / raw.wall_s;
  const double msg_rate = static_cast<double>(sp.messages) / sp.wall_s;
  fmt::print("Spanner: 3 zones x 25 spanservers, 50 groups, 100 clients, {} simulated s\n", seconds);
  fmt::print("  transactions        {:>12}   {:>10.0f} per wall s\n", sp.operations,
             static_cast<double>(sp.operations) / sp.wall_s);
  fmt::print("  messages            {:>12}   {:>10.0f} per wall s ({:.2f} x raw SimGrid's {:.0f})\n",
             sp.messages, msg_rate, msg_rate / raw_rate, raw_rate);
  fmt::print("  wall                {:>12.1f} s (target for 30 simulated s: under 120 s)\n",
             sp.wall_s);
  fmt::print("  peak memory         {:>12.0f} MiB\n", static_cast<double>(sp.peak_rss_kib) / 1024);
  if (sp.operations == 0) {
    fmt::print(stderr, "bench_spanner: no transaction committed\n");
    return 1;
  }
  return 0;
}

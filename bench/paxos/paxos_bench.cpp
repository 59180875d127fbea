// Multi-Paxos throughput: a 5-replica Multi-Paxos KV under a closed loop of 100 clients (every
// operation a write, so every one is a command through the log), next to raw SimGrid's message
// rate measured in the same run: a ping-pong between 106 plain SimGrid actors (one per node of
// the Paxos run) on the same platform. Prints committed commands and messages per wall-clock
// second and the ratio of distlab's message rate to raw SimGrid's (target: at least 0.6).
//
// Each simulation runs in a forked child; each line is the best of 3 interleaved repetitions.
// Exit code 1 only if a run fails or commits nothing; rates are printed, never asserted.
//
//   bench_paxos            full version (2 simulated seconds per run, about a minute)
//   bench_paxos --quick    short version (the bench_paxos_smoke test)
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <string>

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
using bench::number_after;

constexpr std::uint32_t kReplicas = 5, kClients = 100;

std::string scenario(const char* network, double seconds) {
  return fmt::format(R"(
[scenario]
seed = 1
duration_s = {}
drain_s = 0.1
[network]
model = "{}"
latency_us = 50
bandwidth_gbps = 100
[model]
name = "paxos"
replicas = {}
[[workload]]
kind = "closed"
clients = {}
mix = {{ write = 1.0 }}
keys = {{ count = 1000 }}
value_bytes = 100
timeout_ms = 100
retry = {{ max_attempts = 5, backoff_base_ms = 5 }}
)",
                     seconds, network, kReplicas, kClients);
}

void run_paxos(ChildResult& r, const char* network, double seconds) {
  models::register_builtin(sim::registry());
  const sim::Scenario s = sim::load_scenario_string(scenario(network, seconds), "bench_paxos");
  const sim::RunResult rr = sim::run_scenario(s, sim::RunOptions{});
  r.messages = number_after(rr.results_json, "network", "delivered");
  r.operations = number_after(rr.results_json, "summary", "ok");
}

void run_raw(ChildResult& r, double seconds) {
  sim::baseline::RawPingPong cfg;
  cfg.platform.nodes = kReplicas + kClients + 1;  // even: 106
  cfg.platform.latency = sim::us(50);
  cfg.platform.bandwidth_bps = 100e9;
  cfg.message_bytes = 100;
  cfg.duration = static_cast<sim::Time>(seconds * 1e9);
  r.messages = sim::baseline::raw_pingpong(cfg).messages;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const double seconds = quick ? 0.1 : 2.0;
  const int reps = quick ? 1 : 3;
  try {
    Best raw, flow, text;
    for (int i = 0; i < reps; ++i) {
      raw.add(in_child_r([&](ChildResult& r) { run_raw(r, seconds); }));
      flow.add(in_child_r([&](ChildResult& r) { run_paxos(r, "flow", seconds); }));
      text.add(in_child_r([&](ChildResult& r) { run_paxos(r, "textbook", seconds); }));
    }
    fmt::print(
        "Multi-Paxos KV: {} replicas, {} closed-loop clients writing, {} simulated s; best "
        "of {}\n",
        kReplicas, kClients, seconds, reps);
    fmt::print("  {:<34} {:>12} {:>14} {:>14} {:>9} {:>10}\n", "run", "commands", "commands/s",
               "messages/s", "x raw", "wall s");
    auto line = [&](const char* name, const Best& b, bool paxos) {
      fmt::print("  {:<34} {:>12} {:>14.0f} {:>14.0f} {:>9.2f} {:>10.3f}\n", name,
                 paxos ? std::to_string(b.best.operations) : std::string("-"),
                 paxos ? b.ops_per_s() : 0.0, b.msgs_per_s(), b.msgs_per_s() / raw.msgs_per_s(),
                 b.best.wall_s);
    };
    line("raw SimGrid ping-pong, 106 actors", raw, false);
    line("distlab paxos, flow network", flow, true);
    line("distlab paxos, textbook network", text, true);
    fmt::print("  target: messages/s at least 0.6 x raw (flow: {:.2f}, textbook: {:.2f})\n",
               flow.msgs_per_s() / raw.msgs_per_s(), text.msgs_per_s() / raw.msgs_per_s());
    if (flow.best.operations == 0 || text.best.operations == 0) {
      fmt::print(stderr, "bench_paxos: no command committed\n");
      return 1;
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "bench_paxos: {}\n", e.what());
    return 1;
  }
  return 0;
}

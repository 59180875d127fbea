// Core engine benchmark: distlab against raw SimGrid on the same platform and simulated timings.
//
//   1. Ping-pong at 2, 100 and 1,000 nodes: raw SimGrid (one actor per node, blocking put/get)
//      against distlab's demo/pingpong model on the "flow" network (the same SimGrid platform
//      and network model) and, as an extra line, on the "textbook" network. Every run must
//      exchange the same number of messages (same simulated timings); the bench prints
//      messages per wall second and the ratio distlab / raw (target: >= 1.0).
//   2. Heartbeats between 10,000 nodes (scenarios/demo/heartbeat_10k.toml): wall time, peak RSS,
//      and memory per node beyond SimGrid's own, against a raw SimGrid run with the same hosts
//      and no traffic (target: < 30 KiB per node).
//
// Each simulation runs in a forked child (SimGrid allows one engine per process); the child
// times its whole run the same way for raw SimGrid and distlab (engine, platform, run and, for
// distlab, loading the scenario and building results.json) and reads its peak RSS. Machines here
// are noisy: each ping-pong line is the best of several interleaved repetitions. Exit code 1 if a
// run fails or message counts differ; rates and memory are printed, never asserted (this is not a
// timed test).
//
//   bench_core            full version (about a minute)
//   bench_core --quick    short version (the bench_core_smoke test)
#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "../common/in_child.hpp"
#include "distlab/sim/baseline.hpp"
#include "distlab/sim/error.hpp"
#include "distlab/sim/run.hpp"
#include "distlab/sim/scenario.hpp"
#include "models/registry.hpp"

namespace {

using namespace distlab;
using bench::ChildResult;
using bench::in_child;
using sim::Time;

// ---- the runs ------------------------------------------------------------------------------

constexpr Time kLatency = sim::us(50);
constexpr double kBandwidthBps = 100e9;
constexpr std::uint32_t kMessageBytes = 1000;
// One message per (latency + size / bandwidth) per pair: 50 us + 80 ns.
constexpr Time kMessageTime = kLatency + static_cast<Time>(kMessageBytes * 8 * 1e9 / kBandwidthBps);

// results.json's network.delivered, found by text search: parsing the whole document would
// add to the child's peak memory.
std::uint64_t delivered(const sim::RunResult& r) {
  const std::string& j = r.results_json;
  std::size_t at = j.find("\"network\"");
  if (at != std::string::npos) at = j.find("\"delivered\":", at);
  if (at == std::string::npos) throw std::runtime_error("results.json has no network.delivered");
  return std::stoull(j.substr(at + 12, 24));
}

// Resident set size now, in KiB (Linux).
long rss_kib() {
  long pages_total = 0, pages_resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = 0;
    std::fclose(f);
  }
  return pages_resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// Runs a scenario, sampling the RSS every 20,000 events (the progress callback) into *sim_rss.
std::uint64_t run_sampled(const sim::Scenario& s, long* sim_rss) {
  sim::RunOptions opt;
  opt.progress = [sim_rss](Time, std::uint64_t) { *sim_rss = std::max(*sim_rss, rss_kib()); };
  const sim::RunResult r = sim::run_scenario(s, opt);
  return delivered(r);
}

std::uint64_t run_distlab_pingpong(std::uint32_t nodes, Time duration, const char* net_model) {
  const std::string toml = fmt::format(
      "[scenario]\nseed = 1\nduration_ns = {}\ndrain_s = 0\n"
      "[network]\nmodel = \"{}\"\nlatency_us = {}\nbandwidth_gbps = {}\n"
      "[model]\nname = \"demo\"\nvariant = \"pingpong\"\nnodes = {}\nmessage_bytes = {}\n",
      duration, net_model, kLatency / 1000, kBandwidthBps / 1e9, nodes, kMessageBytes);
  const sim::Scenario s = sim::load_scenario_string(toml, "<bench pingpong>");
  return delivered(sim::run_scenario(s, sim::RunOptions{}));
}

std::uint64_t run_raw_pingpong(std::uint32_t nodes, Time duration) {
  sim::baseline::RawPingPong cfg;
  cfg.platform = {nodes, kLatency, kBandwidthBps};
  cfg.message_bytes = kMessageBytes;
  cfg.duration = duration;
  return sim::baseline::raw_pingpong(cfg).messages;
}

// ---- printing ------------------------------------------------------------------------------

std::string rate(double per_s) {
  if (per_s >= 1e6) return fmt::format("{:.2f}M", per_s / 1e6);
  return fmt::format("{:.0f}k", per_s / 1e3);
}

std::string mib(long kib) { return fmt::format("{:.1f} MiB", static_cast<double>(kib) / 1024.0); }

bool report_failure(const char* what, const ChildResult& r) {
  if (r.ok) return false;
  fmt::print("  {} FAILED: {}\n", what, r.error);
  return true;
}

// ---- 1. ping-pong --------------------------------------------------------------------------

// The best of the repetitions, by wall time and (separately) by CPU time.
struct Best {
  ChildResult r;
  double rate = 0;      // messages per wall second
  double cpu_rate = 0;  // messages per CPU second of the child
  void add(const ChildResult& c) {
    if (!c.ok) {
      if (!r.ok) r = c;
      return;
    }
    const auto m = static_cast<double>(c.messages);
    if (!r.ok || m / c.wall_s > rate) {
      r = c;
      rate = m / c.wall_s;
    }
    cpu_rate = std::max(cpu_rate, m / std::max(c.cpu_s, 1e-6));
  }
};

bool pingpong(bool quick, std::vector<std::string>& misses) {
  const std::uint64_t target_messages = quick ? 100'000 : 1'000'000;
  const int reps = quick ? 1 : 3;
  fmt::print(
      "ping-pong: {}-byte messages, latency {} us, {:g} Gb/s per host link; each run "
      "exchanges about {} messages; best of {}\n",
      kMessageBytes, kLatency / 1000, kBandwidthBps / 1e9, target_messages, reps);
  fmt::print(
      "  raw = SimGrid, one actor per node, blocking put/get; flow / textbook = distlab "
      "demo/pingpong on that network model.\n  Rates are messages per wall second; the "
      "last two columns are the same ratios by CPU time\n  (steadier when the machine "
      "is busy).\n\n");
  fmt::print("  {:>6} {:>10} {:>10} {:>10} {:>8} {:>10} {:>8}   {:>8} {:>8}\n", "nodes", "messages",
             "raw msg/s", "flow msg/s", "flow/raw", "text msg/s", "text/raw", "flow cpu",
             "text cpu");
  bool ok = true;
  for (const std::uint32_t nodes : {2u, 100u, 1000u}) {
    const std::uint64_t pairs = nodes / 2;
    // Half a message time past a whole number of messages: no arrival falls on the end.
    const std::uint64_t per_pair = (target_messages + pairs - 1) / pairs;
    const Time duration = static_cast<Time>(per_pair) * kMessageTime + kMessageTime / 2;
    Best raw, flow, text;
    for (int rep = 0; rep < reps; ++rep) {
      raw.add(in_child([&](long*) { return run_raw_pingpong(nodes, duration); }));
      flow.add(in_child([&](long*) { return run_distlab_pingpong(nodes, duration, "flow"); }));
      text.add(in_child([&](long*) { return run_distlab_pingpong(nodes, duration, "textbook"); }));
    }
    if (report_failure("raw", raw.r) | report_failure("flow", flow.r) |
        report_failure("textbook", text.r)) {
      ok = false;
      continue;
    }
    const double r_flow = flow.rate / raw.rate, r_text = text.rate / raw.rate;
    fmt::print("  {:>6} {:>10} {:>10} {:>10} {:>7.2f}x {:>10} {:>7.2f}x   {:>7.2f}x {:>7.2f}x\n",
               nodes, raw.r.messages, rate(raw.rate), rate(flow.rate), r_flow, rate(text.rate),
               r_text, flow.cpu_rate / raw.cpu_rate, text.cpu_rate / raw.cpu_rate);
    const std::uint64_t expected = pairs * per_pair;
    for (const auto& [name, r] :
         {std::pair{"raw", &raw.r}, std::pair{"flow", &flow.r}, std::pair{"textbook", &text.r}})
      if (r->messages != expected) {
        fmt::print("         MISMATCH: {} exchanged {} messages, expected {} ({} pairs x {})\n",
                   name, r->messages, expected, pairs, per_pair);
        ok = false;
      }
    if (r_flow < 1.0)
      misses.push_back(fmt::format("ping-pong flow/raw at {} nodes: {:.2f}x", nodes, r_flow));
  }
  fmt::print("\n");
  return ok;
}

// ---- 2. heartbeats at scale ----------------------------------------------------------------

bool heartbeat(bool quick, std::vector<std::string>& misses) {
  const std::string file = std::string(DISTLAB_SOURCE_DIR) + "/scenarios/demo/heartbeat_10k.toml";
  std::vector<std::string> overrides;
  if (quick) overrides.push_back("scenario.duration_s=2");
  sim::Scenario s;
  try {
    s = sim::load_scenario_file(file, overrides);
  } catch (const sim::ConfigError& e) {
    fmt::print("heartbeat: cannot load {}: {}\n", file, e.message());
    return false;
  }
  const auto nodes = static_cast<std::uint32_t>(s.model_options->get_int("nodes"));
  const Time end = s.duration + s.drain;
  fmt::print("heartbeat: {} ({} nodes, {:g} simulated s)\n", file, nodes, sim::to_seconds(end));

  auto idle_hosts = [&](std::uint32_t n) {
    return in_child([&](long*) {
      sim::baseline::raw_idle_hosts({n, s.network.latency, s.network.bandwidth_bps}, end);
      return std::uint64_t{0};
    });
  };
  const ChildResult idle_small = idle_hosts(2);
  const ChildResult idle = idle_hosts(nodes);
  const ChildResult flow = in_child([&](long* rss) { return run_sampled(s, rss); });
  auto text_scenario = s;
  text_scenario.network.model = sim::NetworkConfig::Model::textbook;
  const ChildResult text = in_child([&](long* rss) { return run_sampled(text_scenario, rss); });
  if (report_failure("raw idle hosts", idle_small) | report_failure("raw idle hosts", idle) |
      report_failure("flow", flow) | report_failure("textbook", text))
    return false;

  // RSS while simulating: sampled for distlab, the peak for the raw runs (they build nothing
  // afterwards). The peak of a distlab run also covers building results.json (10,000 nodes).
  auto line = [](const std::string& what, const ChildResult& r, const std::string& messages) {
    const long sim_rss = r.sim_rss_kib > 0 ? r.sim_rss_kib : r.peak_rss_kib;
    fmt::print("  {:<44} {:>7.2f} {:>11} {:>11} {:>9}\n", what, r.wall_s, mib(sim_rss),
               mib(r.peak_rss_kib), messages);
  };
  fmt::print("  {:<44} {:>7} {:>11} {:>11} {:>9}\n", "", "wall s", "RSS in sim", "peak RSS",
             "messages");
  line("raw SimGrid, 2 hosts, no traffic", idle_small, "-");
  line(fmt::format("raw SimGrid, {} hosts, no traffic", nodes), idle, "-");
  line("distlab heartbeat, flow network", flow, fmt::format("{}", flow.messages));
  line("distlab heartbeat, textbook network (extra)", text, fmt::format("{}", text.messages));
  const auto per_node = [&](long kib) {
    return static_cast<double>(kib) / static_cast<double>(nodes);
  };
  const double simgrid_kib = per_node(idle.peak_rss_kib - idle_small.peak_rss_kib);
  const double distlab_kib = per_node(flow.sim_rss_kib - idle.peak_rss_kib);
  const double distlab_peak_kib = per_node(flow.peak_rss_kib - idle.peak_rss_kib);
  const double text_kib = per_node(text.sim_rss_kib - idle_small.peak_rss_kib);
  auto kib_line = [](const std::string& what, double kib, const char* note) {
    fmt::print("    {:<70} {:6.2f} KiB{}\n", what, kib, note);
  };
  fmt::print("  memory per node:\n");
  kib_line(fmt::format("SimGrid's own host + link (raw {} hosts - raw 2 hosts)", nodes),
           simgrid_kib, "");
  kib_line(fmt::format("distlab beyond SimGrid's own, in sim (flow - raw {} hosts)", nodes),
           distlab_kib, "  (target < 30 KiB)");
  kib_line("the same with flow's peak RSS (which covers building results.json)", distlab_peak_kib,
           "");
  kib_line("distlab on the textbook network, in sim (textbook - raw 2 hosts)", text_kib, "\n");
  if (std::max(distlab_kib, distlab_peak_kib) >= 30.0)
    misses.push_back(
        fmt::format("heartbeat: {:.2f} KiB per node", std::max(distlab_kib, distlab_peak_kib)));
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--quick") {
      quick = true;
    } else {
      fmt::print(stderr, "usage: {} [--quick]\n", argv[0]);
      return 2;
    }
  }
  models::register_builtin(sim::registry());
  fmt::print("distlab core benchmark{}\n\n", quick ? " (--quick)" : "");
  std::vector<std::string> misses;
  const bool ok_pp = pingpong(quick, misses);
  const bool ok_hb = heartbeat(quick, misses);
  if (misses.empty()) {
    fmt::print("all targets met (ratio >= 1.0 at every size, < 30 KiB per node)\n");
  } else {
    fmt::print("targets missed (noisy machines: rerun before concluding):\n");
    for (const auto& m : misses) fmt::print("  {}\n", m);
  }
  return ok_pp && ok_hb ? 0 : 1;
}

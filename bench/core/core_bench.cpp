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
// times its own run and reads its peak RSS. Machines here are noisy: each ping-pong line is the
// best of several interleaved repetitions. Exit code 1 if a run fails or message counts differ;
// rates and memory are printed, never asserted (this is not a timed test).
//
//   bench_core            full version (about a minute)
//   bench_core --quick    short version (the bench_core_smoke test)
#include <fmt/format.h>
#include <nlohmann/json.hpp>
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

#include "distlab/sim/baseline.hpp"
#include "distlab/sim/error.hpp"
#include "distlab/sim/run.hpp"
#include "distlab/sim/scenario.hpp"
#include "models/registry.hpp"

namespace {

using namespace distlab;
using sim::Time;

// ---- one simulation per child process ----------------------------------------------------

struct ChildResult {
  bool ok = false;
  double wall_s = 0;
  std::uint64_t messages = 0;
  long peak_rss_kib = 0;
  char error[512] = {};
};

ChildResult in_child(const std::function<std::uint64_t()>& run) {
  std::fflush(stdout);
  std::fflush(stderr);
  int fds[2];
  if (pipe(fds) != 0) {
    ChildResult r;
    std::snprintf(r.error, sizeof r.error, "pipe: %s", std::strerror(errno));
    return r;
  }
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    ChildResult r;
    try {
      const auto t0 = std::chrono::steady_clock::now();
      r.messages = run();
      r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      r.ok = true;
    } catch (const sim::ConfigError& e) {
      std::snprintf(r.error, sizeof r.error, "%s:%u: %s: %s", e.pos().file.c_str(), e.pos().line,
                    e.key_path().c_str(), e.message().c_str());
    } catch (const std::exception& e) {
      std::snprintf(r.error, sizeof r.error, "%s", e.what());
    }
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    r.peak_rss_kib = ru.ru_maxrss;  // KiB on Linux
    const ssize_t w = write(fds[1], &r, sizeof r);
    _exit(w == static_cast<ssize_t>(sizeof r) ? 0 : 3);
  }
  close(fds[1]);
  ChildResult r;
  if (pid < 0) {
    std::snprintf(r.error, sizeof r.error, "fork: %s", std::strerror(errno));
    close(fds[0]);
    return r;
  }
  std::size_t got = 0;
  while (got < sizeof r) {
    const ssize_t n = read(fds[0], reinterpret_cast<char*>(&r) + got, sizeof r - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (got != sizeof r) {
    r = ChildResult{};
    std::snprintf(r.error, sizeof r.error, "child died (status %d)", status);
  }
  return r;
}

// ---- the runs ------------------------------------------------------------------------------

constexpr Time kLatency = sim::us(50);
constexpr double kBandwidthBps = 100e9;
constexpr std::uint32_t kMessageBytes = 1000;
// One message per (latency + size / bandwidth) per pair: 50 us + 80 ns.
constexpr Time kMessageTime =
    kLatency + static_cast<Time>(kMessageBytes * 8 * 1e9 / kBandwidthBps);

std::uint64_t delivered(const sim::RunResult& r) {
  const auto j = nlohmann::json::parse(r.results_json);
  return j.at("network").at("delivered").get<std::uint64_t>();
}

std::uint64_t run_distlab_pingpong(std::uint32_t nodes, Time duration, const char* net_model) {
  const std::string toml = fmt::format(
      "[scenario]\nseed = 1\nduration_us = {}\ndrain_s = 0\n"
      "[network]\nmodel = \"{}\"\nlatency_us = {}\nbandwidth_gbps = {}\n"
      "[model]\nname = \"demo\"\nvariant = \"pingpong\"\nnodes = {}\nmessage_bytes = {}\n",
      duration / 1000, net_model, kLatency / 1000, kBandwidthBps / 1e9, nodes, kMessageBytes);
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

struct Best {
  ChildResult r;
  double rate = 0;
  void add(const ChildResult& c) {
    const double x = c.ok && c.wall_s > 0 ? static_cast<double>(c.messages) / c.wall_s : 0;
    if (!r.ok || x > rate) {
      r = c;
      rate = x;
    }
  }
};

bool pingpong(bool quick, std::vector<std::string>& misses) {
  const std::uint64_t target_messages = quick ? 100'000 : 1'000'000;
  const int reps = quick ? 1 : 3;
  fmt::print("ping-pong: {}-byte messages, latency {} us, {:g} Gb/s per host link; each run "
             "exchanges about {} messages; best of {}\n",
             kMessageBytes, kLatency / 1000, kBandwidthBps / 1e9, target_messages, reps);
  fmt::print("  raw = SimGrid, one actor per node, blocking put/get; flow / textbook = distlab "
             "demo/pingpong on that network model\n\n");
  fmt::print("  {:>6} {:>10} {:>12} {:>12} {:>8} {:>12} {:>8}\n", "nodes", "messages",
             "raw msg/s", "flow msg/s", "flow/raw", "text msg/s", "text/raw");
  bool ok = true;
  for (const std::uint32_t nodes : {2u, 100u, 1000u}) {
    const std::uint64_t pairs = nodes / 2;
    // Half a message time past a whole number of messages: no arrival falls on the end.
    const std::uint64_t per_pair = (target_messages + pairs - 1) / pairs;
    const Time duration = static_cast<Time>(per_pair) * kMessageTime + kMessageTime / 2;
    Best raw, flow, text;
    for (int rep = 0; rep < reps; ++rep) {
      raw.add(in_child([&] { return run_raw_pingpong(nodes, duration); }));
      flow.add(in_child([&] { return run_distlab_pingpong(nodes, duration, "flow"); }));
      text.add(in_child([&] { return run_distlab_pingpong(nodes, duration, "textbook"); }));
    }
    if (report_failure("raw", raw.r) | report_failure("flow", flow.r) |
        report_failure("textbook", text.r)) {
      ok = false;
      continue;
    }
    const double r_flow = flow.rate / raw.rate, r_text = text.rate / raw.rate;
    fmt::print("  {:>6} {:>10} {:>12} {:>12} {:>7.2f}x {:>12} {:>7.2f}x\n", nodes,
               raw.r.messages, rate(raw.rate), rate(flow.rate), r_flow, rate(text.rate), r_text);
    const std::uint64_t expected = pairs * per_pair;
    for (const auto& [name, r] : {std::pair{"raw", &raw.r}, std::pair{"flow", &flow.r},
                                  std::pair{"textbook", &text.r}})
      if (r->messages != expected) {
        fmt::print("         MISMATCH: {} exchanged {} messages, expected {} ({} pairs x {})\n",
                   name, r->messages, expected, pairs, per_pair);
        ok = false;
      }
    if (r_flow < 1.0) misses.push_back(fmt::format("ping-pong flow/raw at {} nodes: {:.2f}x", nodes, r_flow));
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

  const ChildResult idle = in_child([&] {
    sim::baseline::raw_idle_hosts({nodes, s.network.latency, s.network.bandwidth_bps}, end);
    return std::uint64_t{0};
  });
  const ChildResult flow = in_child([&] { return delivered(sim::run_scenario(s, sim::RunOptions{})); });
  auto text_scenario = s;
  text_scenario.network.model = sim::NetworkConfig::Model::textbook;
  const ChildResult text =
      in_child([&] { return delivered(sim::run_scenario(text_scenario, sim::RunOptions{})); });
  if (report_failure("raw idle hosts", idle) | report_failure("flow", flow) |
      report_failure("textbook", text))
    return false;

  fmt::print("  {:<44} {:>9} {:>11} {:>12}\n", "", "wall s", "peak RSS", "messages");
  fmt::print("  {:<44} {:>9.2f} {:>11} {:>12}\n",
             fmt::format("raw SimGrid, {} hosts, no traffic", nodes), idle.wall_s,
             mib(idle.peak_rss_kib), "-");
  fmt::print("  {:<44} {:>9.2f} {:>11} {:>12}\n", "distlab heartbeat, flow network", flow.wall_s,
             mib(flow.peak_rss_kib), flow.messages);
  fmt::print("  {:<44} {:>9.2f} {:>11} {:>12}\n", "distlab heartbeat, textbook network (extra)",
             text.wall_s, mib(text.peak_rss_kib), text.messages);
  const double per_node_kib =
      static_cast<double>(flow.peak_rss_kib - idle.peak_rss_kib) / static_cast<double>(nodes);
  fmt::print("  memory per node beyond SimGrid's own (flow - raw idle) / nodes: {:.2f} KiB "
             "(target < 30 KiB)\n\n",
             per_node_kib);
  if (per_node_kib >= 30.0)
    misses.push_back(fmt::format("heartbeat: {:.2f} KiB per node", per_node_kib));
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

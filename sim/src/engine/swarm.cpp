#include "engine/swarm.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace distlab::sim::engine {

std::vector<FaultSpec> swarm_faults(const Scenario& s, const ModelInstance& m, std::uint64_t seed) {
  std::vector<FaultSpec> out;
  const SwarmConfig& c = s.swarm;
  if (!c.enabled) return out;
  Rng rng(seed, "swarm", 0);
  std::vector<std::string> servers;  // those faults may pick: not the model's own clients
  for (NodeId id = 0; id < m.server_names.size(); ++id)
    if (std::find(m.client_nodes.begin(), m.client_nodes.end(), id) == m.client_nodes.end())
      servers.push_back(m.server_names[id]);
  auto pick = [&]() -> const std::string& { return servers[rng.uniform(servers.size())]; };
  auto time_in = [&](Time lo, Time hi) {
    return lo + static_cast<Time>(rng.uniform(static_cast<std::uint64_t>(hi - lo)));
  };
  using K = FaultSpec::Kind;
  for (std::uint32_t i = 0; i < c.faults; ++i) {
    FaultSpec f;
    f.pos = c.pos;
    f.key_path = fmt::format("swarm fault {}", i);
    const std::string& kind = c.kinds[rng.uniform(c.kinds.size())];
    f.at = time_in(c.start, c.end);
    const Time length =
        1 + static_cast<Time>(rng.uniform(static_cast<std::uint64_t>(c.length_max)));
    if (kind == "crash") {
      f.kind = K::crash;
      f.nodes = {pick()};
      f.restart_at = f.at + length;
    } else if (kind == "pause") {
      f.kind = K::pause;
      f.nodes = {pick()};
      f.until = f.at + length;
    } else if (kind == "partition") {
      f.kind = K::partition;
      // A random proper subset of the servers against the rest (clients reach both sides).
      std::vector<std::string> a, b;
      const std::size_t bits = std::min<std::size_t>(servers.size(), 62);
      if (bits < 2) continue;  // one server only: nothing to split
      const std::uint64_t mask = 1 + rng.uniform((1ull << bits) - 2);
      for (std::size_t j = 0; j < servers.size(); ++j)
        (j < 62 && (mask >> j & 1) ? a : b).push_back(servers[j]);
      f.groups = {a, b};
      f.until = f.at + length;
    } else if (kind == "loss" || kind == "duplicate") {
      f.kind = kind == "loss" ? K::loss : K::duplicate;
      f.probability = rng.uniform01() * c.loss_max;
      f.until = f.at + length;
    } else if (kind == "delay") {
      f.kind = K::delay;
      f.distribution = FaultSpec::Distribution::exponential;
      f.delay_a = 1 + static_cast<Time>(rng.uniform01() * static_cast<double>(c.delay_mean_max));
      f.until = f.at + length;
    } else if (kind == "clock_step") {
      f.kind = K::clock_step;
      f.nodes = {pick()};
      f.clock_step = static_cast<Time>((rng.uniform01() * 2 - 1) * static_cast<double>(c.step_max));
    } else {  // clock_drift
      f.kind = K::clock_drift;
      f.nodes = {pick()};
      f.drift_ppm = (rng.uniform01() * 2 - 1) * c.drift_max_ppm;
    }
    out.push_back(std::move(f));
  }
  return out;
}

std::string describe_fault(const FaultSpec& f) {
  using K = FaultSpec::Kind;
  auto t = [](Time x) { return fmt::format("{:.3f} s", to_seconds(x)); };
  switch (f.kind) {
    case K::crash:
      return fmt::format("crash {} at {}, restart at {}", fmt::join(f.nodes, ","), t(f.at),
                         t(f.restart_at));
    case K::pause:
      return fmt::format("pause {} at {} until {}", fmt::join(f.nodes, ","), t(f.at), t(f.until));
    case K::partition: {
      std::vector<std::string> gs;
      for (const auto& g : f.groups) gs.push_back(fmt::format("[{}]", fmt::join(g, ",")));
      return fmt::format("partition {} at {} until {}", fmt::join(gs, " | "), t(f.at), t(f.until));
    }
    case K::loss:
    case K::duplicate:
      return fmt::format("{} p={:.3f} at {} until {}", f.kind == K::loss ? "loss" : "duplicate",
                         f.probability, t(f.at), t(f.until));
    case K::delay:
      return fmt::format("delay mean {:.3f} ms at {} until {}",
                         static_cast<double>(f.delay_a) / 1e6, t(f.at), t(f.until));
    case K::clock_step:
      return fmt::format("clock_step {} by {:.3f} ms at {}", fmt::join(f.nodes, ","),
                         static_cast<double>(f.clock_step) / 1e6, t(f.at));
    case K::clock_drift:
      return fmt::format("clock_drift {} {:.1f} ppm at {}", fmt::join(f.nodes, ","), f.drift_ppm,
                         t(f.at));
    default:
      return "fault";
  }
}

}  // namespace distlab::sim::engine

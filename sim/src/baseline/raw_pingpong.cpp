// Raw SimGrid baselines (see distlab/sim/baseline.hpp): the platform is built exactly as
// engine/platform.cpp builds the "lan" topology for the flow network, with the same
// configuration as engine/simgrid_driver.cpp.
#include "distlab/sim/baseline.hpp"

#include <fmt/format.h>
#include <simgrid/s4u.hpp>

#include <string>
#include <vector>

#include "distlab/sim/error.hpp"

namespace sg4 = simgrid::s4u;

namespace distlab::sim::baseline {
namespace {

class RawEngine {
 public:
  RawEngine() {
    args_ = {"raw-baseline", "--log=root.thresh:warning", "--log=xbt_cfg.thresh:warning"};
    for (auto& a : args_) argv_.push_back(a.data());
    int argc = static_cast<int>(argv_.size());
    engine_ = std::make_unique<sg4::Engine>(&argc, argv_.data());
    sg4::Engine::set_config("network/latency-factor:1");
    sg4::Engine::set_config("network/bandwidth-factor:1");
    sg4::Engine::set_config("network/crosstraffic:0");
  }
  sg4::Engine& operator*() { return *engine_; }

 private:
  std::vector<std::string> args_;
  std::vector<char*> argv_;
  std::unique_ptr<sg4::Engine> engine_;
};

// Same as engine/platform.cpp, topology "lan".
std::vector<sg4::Host*> build_star(const RawPlatform& p) {
  std::vector<sg4::Host*> hosts(p.nodes, nullptr);
  auto* zone = sg4::create_star_zone("lan");
  const double bw_bytes = p.bandwidth_bps / 8.0;
  for (std::uint32_t id = 0; id < p.nodes; ++id) {
    auto* h = zone->create_host(fmt::format("h{}", id), 1e9);
    h->seal();
    auto* link = zone->create_split_duplex_link(fmt::format("l{}", id), bw_bytes);
    link->set_latency(to_seconds(p.latency) / 2.0)->seal();
    zone->add_route(h->get_netpoint(), nullptr, nullptr, nullptr,
                    {{link, sg4::LinkInRoute::Direction::UP}}, true);
    hosts[id] = h;
  }
  zone->seal();
  return hosts;
}

}  // namespace

RawPingPongResult raw_pingpong(const RawPingPong& cfg) {
  DISTLAB_ASSERT(cfg.platform.nodes % 2 == 0, "raw_pingpong needs an even number of nodes");
  RawEngine engine;
  const std::vector<sg4::Host*> hosts = build_star(cfg.platform);
  std::vector<sg4::Mailbox*> boxes;
  for (std::uint32_t id = 0; id < cfg.platform.nodes; ++id)
    boxes.push_back(sg4::Mailbox::by_name(fmt::format("m{}", id)));

  RawPingPongResult result;
  static int payload = 0;  // the bytes are simulated; every message carries the same pointer
  const auto bytes = static_cast<std::uint64_t>(cfg.message_bytes);
  for (std::uint32_t id = 0; id < cfg.platform.nodes; ++id) {
    sg4::Mailbox* in = boxes[id];
    sg4::Mailbox* out = boxes[id ^ 1];
    const bool starts = id % 2 == 0;
    // Daemons: killed (blocked in get or put) when the timekeeper below ends.
    sg4::Actor::create(fmt::format("p{}", id), hosts[id], [in, out, starts, bytes, &result] {
      if (starts) out->put(&payload, bytes);
      while (true) {
        in->get<int>();
        ++result.messages;
        out->put(&payload, bytes);
      }
    })->daemonize();
  }
  const double end = to_seconds(cfg.duration);
  sg4::Actor::create("timekeeper", hosts[0], [end] { sg4::this_actor::sleep_until(end); });
  (*engine).run();
  return result;
}

void raw_idle_hosts(const RawPlatform& platform, Time duration) {
  RawEngine engine;
  const std::vector<sg4::Host*> hosts = build_star(platform);
  const double end = to_seconds(duration);
  sg4::Actor::create("idle", hosts[0], [end] { sg4::this_actor::sleep_until(end); });
  (*engine).run();
}

}  // namespace distlab::sim::baseline

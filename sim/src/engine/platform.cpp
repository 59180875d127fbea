// The simulated network as a SimGrid platform: `lan` is one star zone (a switch) with one
// split-duplex link per host; `regions` is one star zone per region joined by WAN links in a
// full zone. Each host link carries half the one-way latency, so host-to-host latency is exact.
#include "engine/platform.hpp"

#include <fmt/format.h>
#include <simgrid/s4u.hpp>

namespace sg4 = simgrid::s4u;

namespace distlab::sim::engine {

std::vector<sg4::Host*> build_platform(const World& w) {
  const auto& net = w.scenario().network;
  const std::size_t n = w.node_count();
  std::vector<sg4::Host*> hosts(n, nullptr);
  auto add_host = [&](sg4::NetZone* zone, NodeId id, Time one_way) {
    auto* h = zone->create_host(fmt::format("h{}", id), 1e9);
    h->seal();
    auto* link = zone->create_split_duplex_link(fmt::format("l{}", id), w.nic_bps(id) / 8.0);
    link->set_latency(to_seconds(one_way) / 2.0)->seal();
    zone->add_route(h->get_netpoint(), nullptr, nullptr, nullptr,
                    {{link, sg4::LinkInRoute::Direction::UP}}, true);
    hosts[id] = h;
  };
  if (net.topology == NetworkConfig::Topology::lan) {
    auto* zone = sg4::create_star_zone("lan");
    for (NodeId id = 0; id < n; ++id) add_host(zone, id, net.latency);
    zone->seal();
    return hosts;
  }
  auto* root = sg4::create_full_zone("world");
  std::vector<sg4::NetZone*> zones;
  std::vector<simgrid::kernel::routing::NetPoint*> gateways;
  for (std::size_t r = 0; r < net.regions.size(); ++r) {
    auto* zone = sg4::create_star_zone(net.regions[r].name);
    zone->set_parent(root);
    for (NodeId id = 0; id < n; ++id)
      if (w.region_index(id) == r) add_host(zone, id, net.regions[r].latency);
    gateways.push_back(zone->create_router(net.regions[r].name + "-gw"));
    zone->seal();
    zones.push_back(zone);
  }
  for (std::size_t a = 0; a < zones.size(); ++a)
    for (std::size_t b = 0; b < zones.size(); ++b) {
      if (a == b) continue;
      // Host links already add half of each region's latency.
      const Time wan =
          net.inter_region_latency[a][b] - (net.regions[a].latency + net.regions[b].latency) / 2;
      auto* link = root->create_link(fmt::format("wan-{}-{}", a, b), net.wan_bandwidth_bps / 8.0);
      link->set_latency(to_seconds(wan))->seal();
      root->add_route(zones[a]->get_netpoint(), zones[b]->get_netpoint(), gateways[a], gateways[b],
                      {sg4::LinkInRoute(link)}, false);
    }
  root->seal();
  return hosts;
}

}  // namespace distlab::sim::engine

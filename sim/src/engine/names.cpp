#include "engine/names.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace distlab::sim::engine {

std::vector<NodeId> resolve_nodes(const std::string& name, const ModelInstance& m,
                                  std::size_t node_count, const FaultSpec& where) {
  using K = FaultSpec::Kind;
  const bool server_only = where.kind == K::crash || where.kind == K::restart ||
                           where.kind == K::pause || where.kind == K::join ||
                           where.kind == K::leave;
  return resolve_nodes(name, m, node_count, server_only,
                       where.nodes_pos.line ? where.nodes_pos : where.pos,
                       where.key_path + "." + where.nodes_key);
}

std::vector<NodeId> resolve_nodes(const std::string& name, const ModelInstance& m,
                                  std::size_t node_count, bool server_only, const SourcePos& pos,
                                  const std::string& key) {
  const auto servers = static_cast<NodeId>(m.server_names.size());
  std::vector<NodeId> out;
  if (name == "servers" || name == "all") {
    for (NodeId i = 0; i < servers; ++i) out.push_back(i);
    if (name == "all" && !server_only)
      for (NodeId i = servers; i < node_count; ++i) out.push_back(i);
    return out;
  }
  if (name == "clients" && !server_only) {
    for (NodeId i = servers; i < node_count; ++i) out.push_back(i);
    return out;
  }
  for (NodeId i = 0; i < servers; ++i)
    if (m.server_names[i] == name) return {i};
  // "storage*": every server whose name starts with "storage".
  if (name.size() > 1 && name.back() == '*') {
    const std::string prefix = name.substr(0, name.size() - 1);
    for (NodeId i = 0; i < servers; ++i)
      if (m.server_names[i].rfind(prefix, 0) == 0) out.push_back(i);
    if (!out.empty()) return out;
  }
  if (auto it = m.roles.find(name); it != m.roles.end()) return {it->second};
  if (!server_only && name.rfind("client", 0) == 0) {
    const std::string digits = name.substr(6);
    if (!digits.empty() && digits.size() < 9 &&
        digits.find_first_not_of("0123456789") == std::string::npos) {
      const auto c = std::stoul(digits);
      if (servers + c < node_count) return {static_cast<NodeId>(servers + c)};
    }
  }
  std::vector<std::string> known = m.server_names;
  for (const auto& [r, id] : m.roles)
    if (std::find(known.begin(), known.end(), r) == known.end()) known.push_back(r);
  throw ConfigError(
      pos, key,
      fmt::format("unknown {}node \"{}\"; this model has: {}{}", server_only ? "server " : "", name,
                  fmt::join(known, ", "),
                  server_only ? ", servers, all, prefix*" : ", servers, clients, all, clientN, prefix*"));
}

std::vector<const HostHardware*> hardware_of(const Scenario& s, const ModelInstance& m,
                                             std::size_t node_count) {
  std::vector<const HostHardware*> hw(node_count, nullptr);
  for (const auto& spec : s.hardware)
    for (const auto& name : spec.nodes)
      for (NodeId id : resolve_nodes(name, m, node_count, false,
                                     spec.nodes_pos.line ? spec.nodes_pos : spec.pos,
                                     spec.key_path + ".nodes"))
        hw[id] = &spec.hw;
  return hw;
}

std::vector<std::size_t> assign_regions(const Scenario& s, const ModelInstance& m,
                                        std::size_t node_count) {
  std::vector<std::size_t> out(node_count, 0);
  const auto& net = s.network;
  if (net.topology != NetworkConfig::Topology::regions) return out;
  auto index_of = [&](const std::string& region) -> std::size_t {
    for (std::size_t r = 0; r < net.regions.size(); ++r)
      if (net.regions[r].name == region) return r;
    throw ConfigError(SourcePos{s.file, 0, 0}, "network.placement",
                      fmt::format("unknown region \"{}\"", region));
  };
  const std::size_t servers = m.server_names.size();
  for (std::size_t i = 0; i < servers; ++i) {
    auto it = net.placement.find(m.server_names[i]);
    out[i] = it != net.placement.end() ? index_of(it->second) : i % net.regions.size();
  }
  std::size_t id = servers, client_no = 0;
  for (const auto& wl : s.workloads)
    for (std::uint32_t c = 0; c < wl.clients; ++c, ++id, ++client_no) {
      auto it = net.placement.find(fmt::format("client{}", client_no));
      if (it != net.placement.end())
        out[id] = index_of(it->second);
      else if (wl.region)
        out[id] = index_of(*wl.region);
      else
        out[id] = client_no % net.regions.size();
    }
  for (const auto& [node, region] : net.placement) {
    bool known = false;
    for (const auto& n : m.server_names) known = known || n == node;
    if (!known && node.rfind("client", 0) != 0)
      throw ConfigError(
          net.placement_pos.count(node) ? net.placement_pos.at(node) : SourcePos{s.file, 0, 0},
          "network.placement." + node, fmt::format("unknown node \"{}\"", node));
  }
  return out;
}

}  // namespace distlab::sim::engine

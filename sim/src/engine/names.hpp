#pragma once
// Resolving node names used in scenario files (server names, role aliases, client names, and
// the groups "servers", "clients", "all") and placing nodes into regions.
#include <string>
#include <vector>

#include "distlab/sim/model.hpp"
#include "distlab/sim/scenario.hpp"

namespace distlab::sim::engine {

// Node ids for `name`; throws ConfigError positioned at the fault when the name is unknown.
std::vector<NodeId> resolve_nodes(const std::string& name, const ModelInstance& m,
                                  std::size_t node_count, const FaultSpec& where);
// The same for any key naming nodes; server_only: clients are not allowed.
std::vector<NodeId> resolve_nodes(const std::string& name, const ModelInstance& m,
                                  std::size_t node_count, bool server_only, const SourcePos& pos,
                                  const std::string& key);
// Each node's [[hardware]] entry (the last that names it), or nullptr; unknown names throw
// ConfigError at the entry's nodes key.
std::vector<const HostHardware*> hardware_of(const Scenario& s, const ModelInstance& m,
                                             std::size_t node_count);
// Region index per node (0 for every node on a LAN).
std::vector<std::size_t> assign_regions(const Scenario& s, const ModelInstance& m,
                                        std::size_t node_count);

}  // namespace distlab::sim::engine

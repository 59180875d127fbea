#pragma once
// How a model plugs into the simulator. A ModelFactory reads its options from the scenario's
// [model] table and returns a ModelInstance: its server nodes and how clients route to them.
// The registry maps model names to factories; it is filled explicitly (models/registry.cpp)
// and accepts factories from outside the tree (a plugin library, a Python class).
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "distlab/sim/client_api.hpp"
#include "distlab/sim/node.hpp"
#include "distlab/sim/options.hpp"
#include "distlab/sim/rng.hpp"

namespace distlab::sim {

struct ModelInstance {
  // One name per server node; NodeId i is server_names[i]. Clients get ids after the servers.
  std::vector<std::string> server_names;
  // Role aliases usable in fault specs, e.g. {"primary", 0}, {"tail", 2}.
  std::map<std::string, NodeId> roles;
  // A fresh protocol object for server `id` (at start and after every restart).
  std::function<std::unique_ptr<Protocol>(NodeId id)> make_node;
  // The server a client sends `req` to on its first attempt; `last` is the server that timed
  // out or failed before (or kNoNode). Default: server 0.
  std::function<NodeId(const ClientRequest& req, NodeId last, Rng& rng)> route;
  // Clients remember the server that answered their last operation and send the next one
  // there first (a leader cache, as Paxos and Raft clients keep); route() is then asked only
  // for a client's first operation and for retries.
  bool sticky_clients = false;

  // Optional: membership. Scenario faults `join` and `leave` change which servers are members
  // (a server whose first join/leave event is a join starts outside and is started when it
  // joins; a leaving server is told nothing and stops). Called once before any node starts,
  // with the initial members, and after every change, with the new members in id order and
  // the true simulated time. Clients learn the change at once, as from a configuration
  // service. A model without this hook rejects join/leave faults.
  std::function<void(const std::vector<NodeId>& members, Time at)> on_membership;
  // The servers membership applies to (default: all). Others (a backing store, say) start
  // normally, are never in the member list, and cannot be named by join or leave.
  std::vector<NodeId> member_servers;
  // Servers that are the model's own clients (Spanner's transaction clients, say): [node]'s
  // CPU cost does not apply to them (as to workload clients), and [swarm]'s random faults
  // never pick them.
  std::vector<NodeId> client_nodes;
  // Optional: how many SSDs each server uses (index = server id; ctx.ssd_* with a higher
  // number is a model bug). The run checks [[hardware]] gives them and otherwise fails with a
  // ConfigError at [model] `ssds_key`.
  std::vector<std::uint32_t> ssds_needed;
  std::string ssds_key;

  // True simulated time, for the model's own measurements (an observer outside the nodes; the
  // nodes' handlers read their drifting ctx.now()). The engine sets `now` before the run.
  struct TrueClock {
    std::function<Time()> now = [] { return Time{0}; };
  };
  std::shared_ptr<TrueClock> true_clock = std::make_shared<TrueClock>();

  // Optional: the model's own measurements, asked for once after the run. `json` is a JSON
  // object written to results.json under "model" (so [[expect]] can name its values, e.g.
  // "model.balance.stddev_rel"); `summary` is appended to the summary (end lines with \n).
  struct Report {
    std::string json;
    std::string summary;
    bool passed = true;  // false: the model's own checker found a violation (exit code 1)
  };
  std::function<Report()> report;
};

struct ModelFactory {
  std::string name;
  std::string description;
  std::vector<std::string> variants;  // empty: the model has no variants
  std::function<ModelInstance(Options& model_options)> build;
};

class Registry {
 public:
  void add(ModelFactory f);
  const ModelFactory* find(const std::string& name) const;
  const std::map<std::string, ModelFactory>& all() const { return factories_; }

 private:
  std::map<std::string, ModelFactory> factories_;
};

// The process-wide registry with the built-in models (models/registry.cpp fills it).
Registry& registry();

}  // namespace distlab::sim

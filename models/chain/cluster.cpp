// The chain model: `nodes` chain nodes (node0 = head ... tail) and a manager. Workload clients
// send writes to the head and reads to the tail (CR) or to any node (CRAQ), as the manager's
// latest chain says.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "chain.hpp"
#include "chain/fs3/fs3.hpp"

namespace distlab::models::chain {

sim::ModelInstance build(sim::Options& o) {
  Config c;
  const auto variant =
      o.get_choice("variant",
                   {"cr", "craq", "3fs", "craq-dirty-reads", "cr-any-reads", "cr-early-ack",
                    "craq-no-lease", "3fs-read-pending"},
                   "cr");
  if (variant.rfind("3fs", 0) == 0) return fs3::build(o, variant);
  c.variant = variant.rfind("craq", 0) == 0 ? Variant::craq : Variant::cr;
  c.dirty_reads = variant == "craq-dirty-reads";
  c.any_reads = variant == "cr-any-reads";
  c.early_ack = variant == "cr-early-ack";
  c.no_lease = variant == "craq-no-lease";
  c.nodes = static_cast<std::uint32_t>(o.get_int_in("nodes", 1, 1000, c.nodes));
  c.heartbeat = o.get_time("heartbeat", c.heartbeat, true);
  c.offline_after = o.get_time("offline_after", c.offline_after, true);
  if (c.offline_after < 2 * c.heartbeat)
    o.fail(o.time_key("offline_after"),
           "must be at least two heartbeats, or live nodes are dropped");
  c.resend_after = o.get_time("resend_after", c.resend_after, true);
  c.head_answers = o.get_choice("write_answer", {"tail", "head"}, "tail") == "head";
  c.rpc_replies = o.get_bool("rpc_replies", false);

  auto obs = std::make_shared<Observer>();
  obs->dir->version = 1;
  sim::ModelInstance m;
  for (std::uint32_t i = 0; i < c.nodes; ++i) {
    m.server_names.push_back(fmt::format("node{}", i));
    obs->dir->chain.push_back(i);
  }
  const sim::NodeId manager = c.nodes;
  m.server_names.push_back("manager");
  m.roles = {{"head", 0}, {"tail", c.nodes - 1}, {"manager", manager}};
  if (c.nodes > 2) m.roles["middle"] = c.nodes / 2;
  m.make_node = [c, obs, manager](sim::NodeId id) -> std::unique_ptr<sim::Protocol> {
    if (id == manager) return make_manager(c, obs);
    return make_node(c, obs, manager);
  };
  const auto dir = obs->dir;
  const bool tail_reads = c.variant == Variant::cr && !c.any_reads;
  m.route = [dir, tail_reads](const sim::ClientRequest& r, sim::NodeId,
                              sim::Rng& rng) -> sim::NodeId {
    const auto& ch = dir->chain;
    if (r.kind == sim::OpKind::write) return ch.front();
    if (tail_reads) return ch.back();
    return ch[rng.uniform(ch.size())];
  };
  m.report = [c, obs, variant] {
    // No acknowledged write lost: a tail committed every write a client was told was done.
    std::string lost;
    for (const auto& [key, version, value] : obs->acked)
      if (lost.empty() && !obs->committed.count({key, version, value}))
        lost = fmt::format(
            "key {}: the write of {} (version {}) was acknowledged but no tail committed it", key,
            value, version);
    // ... and the chain still has it: its tail holds that version or a newer one.
    const sim::NodeId tail = obs->dir->chain.back();
    const auto held = obs->held.find(tail);
    for (const auto& [key, version, value] : obs->acked) {
      if (!lost.empty()) break;
      const std::uint64_t has =
          held == obs->held.end() || !held->second.count(key) ? 0 : held->second.at(key);
      if (has < version)
        lost = fmt::format(
            "key {}: the write of {} (version {}) was acknowledged, but the chain's tail at the "
            "end (node{}) holds {}", key, value, version, tail,
            held == obs->held.end() ? std::string("nothing: every node of the chain lost its state")
                                    : fmt::format("only version {}", has));
    }
    nlohmann::ordered_json j;
    j["variant"] = variant;
    j["chain"] = obs->dir->chain;
    j["chain_length"] = obs->dir->chain.size();
    j["chain_version"] = obs->dir->version;
    j["reconfigurations"] = obs->reconfigurations;
    j["joins"] = obs->joins;
    j["reads"] = {{"clean", obs->clean_reads}, {"dirty", obs->dirty_reads},
                  {"version_queries", obs->version_queries}};
    j["writes_answered"] = {{"by_head", obs->answered_by_head},
                            {"by_tail", obs->answered_by_tail}};
    j["rpc_replies"] = obs->rpc_replies;
    j["acknowledged_writes_kept"] = {{"ok", lost.empty()}, {"writes", obs->acked.size()}};
    if (!lost.empty()) j["acknowledged_writes_kept"]["violation"] = lost;
    std::string s = fmt::format(
        "  chain       {} of {} nodes in the chain, {} reconfigurations, {} joins; reads: {} "
        "clean, {} dirty ({} version queries)\n",
        obs->dir->chain.size(), c.nodes, obs->reconfigurations, obs->joins, obs->clean_reads,
        obs->dirty_reads, obs->version_queries);
    s += "  no acknowledged write lost: " +
         (lost.empty() ? fmt::format("ok ({} writes)", obs->acked.size()) : lost) + "\n";
    return sim::ModelInstance::Report{j.dump(), s, lost.empty()};
  };
  return m;
}

}  // namespace distlab::models::chain

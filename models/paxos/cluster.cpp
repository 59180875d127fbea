// The Multi-Paxos key/value model: `replicas` replicas (replica0, replica1, ...). Clients keep
// the last leader that answered them; a follower redirects them to the leader it knows.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "paxos.hpp"

namespace distlab::models::paxos {

sim::ModelInstance build(sim::Options& o) {
  Config c;
  const auto variant =
      o.get_choice("variant", {"multi-paxos", "no-adopt", "not-durable"}, "multi-paxos");
  c.adopt_accepted = variant != "no-adopt";
  c.durable = variant != "not-durable";
  c.replicas = static_cast<std::uint32_t>(o.get_int_in("replicas", 1, 63, 3));
  c.heartbeat = o.get_time("heartbeat", c.heartbeat, true);
  c.election_timeout = o.get_time("election_timeout", c.election_timeout, true);
  if (c.election_timeout < 2 * c.heartbeat)
    o.fail("election_timeout_ms",
           "must be at least twice heartbeat_ms, or followers start "
           "elections against a healthy leader");
  c.lease = o.get_time("lease", c.lease);
  c.drift_bound_ppm = o.get_double("drift_bound_ppm", c.drift_bound_ppm);
  if (!(c.drift_bound_ppm >= 0 && c.drift_bound_ppm < 1e5))
    o.fail("drift_bound_ppm", "must be between 0 and 100000");
  c.lease_reads = o.get_bool("lease_reads", c.lease > 0);
  if (c.lease_reads && c.lease == 0)
    o.fail("lease_reads", "lease reads need a lease (lease_ms > 0)");
  if (c.lease > 0 && c.lease <= c.election_timeout)
    o.fail("lease_ms",
           "a lease must outlast the election timeout, or leaders lose it between "
           "heartbeats");

  auto obs = std::make_shared<Observer>();
  sim::ModelInstance m;
  for (std::uint32_t i = 0; i < c.replicas; ++i)
    m.server_names.push_back(fmt::format("replica{}", i));
  m.make_node = [c, obs](sim::NodeId) { return make_replica(c, obs); };
  const auto n = c.replicas;
  m.route = [n](const sim::ClientRequest&, sim::NodeId last, sim::Rng&) -> sim::NodeId {
    return last == sim::kNoNode ? 0 : (last + 1) % n;  // try the next replica
  };
  m.sticky_clients = true;
  m.report = [obs, names = m.server_names] {
    nlohmann::ordered_json j;
    const auto& a = obs->agreement;
    j["agreement"] = {{"ok", a.ok()}, {"decisions", a.decisions()}, {"slots", a.slots()}};
    if (!a.ok()) j["agreement"]["violation"] = a.describe();
    j["elections"] = obs->log.elections;
    j["leaders"] = obs->log.leaders;
    j["reads"] = {{"lease", obs->lease_reads}, {"log", obs->log_reads}};
    std::string s = fmt::format(
        "  paxos       {} slots decided, {} elections, {} leaders; reads: {} under a lease, {} "
        "through the log\n",
        a.slots(), obs->log.elections, obs->log.leaders, obs->lease_reads, obs->log_reads);
    s += "  " + a.describe() + "\n";
    return sim::ModelInstance::Report{j.dump(), s, a.ok()};
  };
  return m;
}

}  // namespace distlab::models::paxos

// The Spanner model: zones x servers_per_zone spanservers (z0s0, z1s0, ... numbered so that the
// default region assignment puts server i in zone i % zones) and `clients` transaction clients
// (tx0, tx1, ...). Clients are the model's own nodes: they run transactions, not the
// workload's single-key operations, and record a transaction history for the checkers.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "spanner.hpp"

namespace distlab::models::spanner {
namespace {

using json = nlohmann::ordered_json;

json latency(const sim::Histogram& h) {
  auto ms = [](std::int64_t ns) { return static_cast<double>(ns) / 1e6; };
  return {{"count", h.count()},
          {"mean", ms(static_cast<std::int64_t>(h.mean()))},
          {"p50", ms(h.quantile(0.5))},
          {"p99", ms(h.quantile(0.99))}};
}

}  // namespace

sim::ModelInstance build(sim::Options& o) {
  Config c;
  c.zones = static_cast<std::uint32_t>(o.get_int_in("zones", 1, 16, c.zones));
  c.servers_per_zone = static_cast<std::uint32_t>(o.get_int_in("servers_per_zone", 1, 1000, 1));
  c.groups = static_cast<std::uint32_t>(o.get_int_in("groups", 1, 100'000, 1));
  c.clients = static_cast<std::uint32_t>(o.get_int_in("clients", 1, 10'000, 1));
  c.keys = static_cast<std::uint64_t>(o.get_int_in("keys", 1, 100'000'000, 1000));
  c.keys_per_txn = static_cast<std::uint32_t>(o.get_int_in("keys_per_txn", 1, 64, 1));
  c.rw_fraction = o.get_double("rw_fraction", c.rw_fraction);
  c.ro_fraction = o.get_double("ro_fraction", c.ro_fraction);
  if (!(c.rw_fraction >= 0 && c.ro_fraction >= 0 && c.rw_fraction + c.ro_fraction <= 1))
    o.fail("rw_fraction",
           "rw_fraction and ro_fraction must be >= 0 and add up to at most 1 "
           "(the rest are snapshot reads)");
  c.rw_reads = o.get_bool("rw_reads", c.rw_reads);
  c.think = o.get_time("think", c.think);
  c.warmup = o.get_time("warmup", c.warmup);
  c.snapshot_age = o.get_time("snapshot_age", c.snapshot_age);
  c.value_bytes = static_cast<std::uint32_t>(o.get_int_in("value_bytes", 0, 1 << 24, 4096));
  c.commit_wait = o.get_bool("commit_wait", true);
  c.safe_time_every = o.get_time("safe_time_every", c.safe_time_every, true);
  c.lease = o.get_time("lease", c.lease, true);
  c.paxos_heartbeat = o.get_time("paxos_heartbeat", c.paxos_heartbeat, true);
  c.election_timeout = o.get_time("election_timeout", c.election_timeout, true);
  if (c.lease <= 2 * c.paxos_heartbeat)
    o.fail(o.time_key("lease"), "a lease must outlast two heartbeats (paxos_heartbeat_ms), or leaders "
                      "lose it between renewals");
  if (c.election_timeout < 2 * c.paxos_heartbeat)
    o.fail(o.time_key("election_timeout"), "must be at least twice paxos_heartbeat_ms, or followers "
                                  "start elections against a healthy leader");
  c.retry_every = o.get_time("retry_every", c.retry_every, true);
  c.txn_timeout = o.get_time("txn_timeout", c.txn_timeout, true);

  auto obs = std::make_shared<Observer>();
  obs->agreement.resize(c.groups);
  sim::ModelInstance m;
  obs->clock = m.true_clock;
  for (std::uint32_t i = 0; i < c.servers(); ++i)
    m.server_names.push_back(fmt::format("z{}s{}", i % c.zones, i / c.zones));
  for (std::uint32_t k = 0; k < c.clients; ++k) {
    m.client_nodes.push_back(static_cast<sim::NodeId>(m.server_names.size()));
    m.server_names.push_back(fmt::format("tx{}", k));
  }
  for (std::uint32_t g = 0; g < std::min<std::uint32_t>(c.groups, 16); ++g)
    m.roles[fmt::format("leader{}", g)] = c.leader(g);
  const auto servers = c.servers();
  m.make_node = [c, obs, servers](sim::NodeId id) -> std::unique_ptr<sim::Protocol> {
    if (id < servers) return make_spanserver(c, obs);
    return make_client(c, obs, id - servers);
  };
  m.report = [c, obs] {
    const auto ext = sim::check::check_external_consistency(obs->history);
    const auto ser = sim::check::check_timestamp_serializable(obs->history);
    const sim::check::AgreementChecker* broken = nullptr;
    std::uint64_t slots = 0;
    for (const auto& a : obs->agreement) {
      slots += a.slots();
      if (!a.ok() && !broken) broken = &a;
    }
    std::uint64_t committed = 0, indeterminate = 0;
    for (const auto& t : obs->history) (t.indeterminate ? indeterminate : committed)++;
    json j;
    j["transactions"] = committed;
    j["indeterminate"] = indeterminate;
    j["aborts"] = obs->aborts;
    j["wounds"] = obs->wounds;
    j["given_up"] = obs->given_up;
    j["presumed_aborts"] = obs->presumed_aborts;
    j["lost_locks"] = obs->lost_locks;
    j["paxos"] = {{"elections", obs->paxos.elections},
                  {"leaderships", obs->leaderships},
                  {"slots", slots},
                  {"agreement", broken == nullptr}};
    if (broken) j["paxos"]["violation"] = broken->describe();
    j["committed_per_s"] = obs->committed_per_s;
    j["latency_ms"] = {{"read_write", latency(obs->rw_latency)},
                       {"read_only", latency(obs->ro_latency)},
                       {"snapshot_read", latency(obs->snapshot_latency)},
                       {"commit_wait_after_paxos", latency(obs->commit_wait)}};
    j["commit_wait"] = c.commit_wait;
    j["external_consistency"] = {{"ok", ext.ok}, {"checked", ext.checked}};
    if (!ext.ok) j["external_consistency"]["violation"] = ext.violation;
    j["serializable"] = {{"ok", ser.ok}, {"checked", ser.checked}};
    if (!ser.ok) j["serializable"]["violation"] = ser.violation;
    auto line = [](const char* name, const sim::Histogram& h) {
      return fmt::format("    {:<24} {:>8} {:>9.3f} {:>9.3f} {:>9.3f}\n", name, h.count(),
                         h.mean() / 1e6, static_cast<double>(h.quantile(0.5)) / 1e6,
                         static_cast<double>(h.quantile(0.99)) / 1e6);
    };
    std::string s = fmt::format(
        "  spanner     {} transactions ({} indeterminate), {} aborted attempts, commit wait {}\n",
        committed, indeterminate, obs->aborts, c.commit_wait ? "on" : "OFF");
    s += fmt::format("  paxos       {} log records decided, {} elections, {} leaderships\n",
                     slots, obs->paxos.elections, obs->leaderships);
    if (broken) s += "  agreement: " + broken->describe() + "\n";
    s += "  committed per second:";
    for (auto n : obs->committed_per_s) s += fmt::format(" {}", n);
    s += "\n";
    s += "    latency ms                  count      mean       p50       p99\n";
    s += line("read-write", obs->rw_latency);
    s += line("read-only", obs->ro_latency);
    s += line("snapshot read", obs->snapshot_latency);
    s += line("commit wait after Paxos", obs->commit_wait);
    s += "  external consistency: " +
         (ext.ok ? fmt::format("ok ({} transactions)", ext.checked) : ext.violation) + "\n";
    s += "  serializability (timestamp order): " +
         (ser.ok ? fmt::format("ok ({} transactions)", ser.checked) : ser.violation) + "\n";
    return sim::ModelInstance::Report{j.dump(), s, ext.ok && ser.ok && broken == nullptr};
  };
  return m;
}

}  // namespace distlab::models::spanner

// 3FS: shared helpers, the [model] options, and the checks and report after the run.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "chain/fs3/fs3.hpp"

namespace distlab::models::chain::fs3 {

const char* state_name(State s) {
  switch (s) {
    case State::serving: return "serving";
    case State::syncing: return "syncing";
    case State::waiting: return "waiting";
    case State::lastsrv: return "lastsrv";
    case State::offline: return "offline";
  }
  return "?";
}

std::vector<std::uint32_t> ChainInfo::writers() const {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < targets.size(); ++i)
    if (states[i] == State::serving || states[i] == State::syncing) out.push_back(targets[i]);
  return out;
}

std::vector<std::uint32_t> ChainInfo::readers() const {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < targets.size(); ++i)
    if (states[i] == State::serving) out.push_back(targets[i]);
  return out;
}

State ChainInfo::state_of(std::uint32_t target) const {
  for (std::size_t i = 0; i < targets.size(); ++i)
    if (targets[i] == target) return states[i];
  return State::offline;
}

Chunk Disks::get(std::uint32_t target, std::uint64_t chunk, bool preloaded) const {
  const auto& m = targets[target];
  auto it = m.find(chunk);
  if (it != m.end()) return it->second;
  Chunk c;
  if (preloaded) c.committed = 1;
  return c;
}

namespace {

// The 3FS read rule (no read returns a version that was not committed by the time it
// returned) and freshness (no read misses a version committed before it began).
std::string check_reads(const Observer& obs, bool preloaded, std::uint64_t& checked) {
  std::map<std::uint64_t, std::vector<std::pair<sim::Time, std::uint64_t>>> commits;
  for (const auto& [cv, vt] : obs.committed) commits[cv.first].emplace_back(vt.second, cv.second);
  for (auto& [c, v] : commits) {
    std::sort(v.begin(), v.end());
    for (std::size_t i = 1; i < v.size(); ++i) v[i].second = std::max(v[i].second, v[i - 1].second);
  }
  checked = 0;
  for (const auto& r : obs.reads) {
    ++checked;
    const bool initial = r.version == (preloaded ? 1u : 0u) && r.value == 0;
    if (!initial) {
      auto it = obs.committed.find({r.chunk, r.version});
      if (it == obs.committed.end() || it->second.first != r.value)
        return fmt::format("a read of chunk {} returned version {} (value {}), which was never "
                           "committed", r.chunk, r.version, r.value);
      if (it->second.second > r.returned)
        return fmt::format("a read of chunk {} returned version {} at {:.6f} s, before it was "
                           "committed at {:.6f} s", r.chunk, r.version,
                           sim::to_seconds(r.returned), sim::to_seconds(it->second.second));
    }
    auto c = commits.find(r.chunk);
    if (c == commits.end()) continue;
    auto after = std::lower_bound(c->second.begin(), c->second.end(),
                                  std::make_pair(r.invoked, std::uint64_t{0}));
    if (after == c->second.begin()) continue;
    const std::uint64_t newest = std::prev(after)->second;
    if (r.version < newest)
      return fmt::format("a read of chunk {} began at {:.6f} s and returned version {}, but "
                         "version {} was committed before it began", r.chunk,
                         sim::to_seconds(r.invoked), r.version, newest);
  }
  return "";
}

// No acknowledged write lost: each was committed, and at the end the chain still has it (every
// serving target, or the lastsrv one when the chain is down, holds that version or a later one).
std::string check_acked(const Observer& obs, const Config& c) {
  std::map<std::uint64_t, std::uint64_t> newest;
  for (const auto& a : obs.acked) {
    auto it = obs.committed.find({a.chunk, a.version});
    if (it == obs.committed.end() || it->second.first != a.value)
      return fmt::format("the write of {} to chunk {} (version {}) was acknowledged but never "
                         "committed", a.value, a.chunk, a.version);
    newest[a.chunk] = std::max(newest[a.chunk], a.version);
  }
  const Routing& r = *obs.routing;
  for (const auto& [chunk, version] : newest) {
    const ChainInfo& ch = r.chains[r.chain_of(chunk)];
    auto holders = ch.readers();
    if (holders.empty())
      for (std::size_t i = 0; i < ch.targets.size(); ++i)
        if (ch.states[i] == State::lastsrv) holders.push_back(ch.targets[i]);
    for (auto t : holders) {
      const Chunk k = obs.disks.get(t, chunk, c.preloaded);
      const auto acked_value = obs.committed.at({chunk, version}).first;
      if (k.committed == version && k.committed_value != acked_value)
        return fmt::format("chunk {}: target {} holds version {} with value {}, not the "
                           "acknowledged {}", chunk, t, version, k.committed_value, acked_value);
      if (k.committed < version)
        return fmt::format("chunk {}: version {} was acknowledged, but target {} ({}) ends at "
                           "version {}", chunk, version, t, state_name(ch.state_of(t)), k.committed);
    }
  }
  return "";
}

std::vector<double> shares(const std::vector<std::uint64_t>& bytes) {
  double total = 0;
  for (auto b : bytes) total += static_cast<double>(b);
  std::vector<double> out;
  for (auto b : bytes) out.push_back(total > 0 ? static_cast<double>(b) / total : 0);
  return out;
}

}  // namespace

sim::ModelInstance build(sim::Options& o, const std::string& variant) {
  Config c;
  c.read_pending = variant == "3fs-read-pending";
  c.nodes = static_cast<std::uint32_t>(o.get_int_in("nodes", 1, 10'000, c.nodes));
  c.disks = static_cast<std::uint32_t>(o.get_int_in("disks", 1, 1024, c.disks));
  c.targets_per_disk =
      static_cast<std::uint32_t>(o.get_int_in("targets_per_disk", 1, 1024, c.targets_per_disk));
  c.replicas = static_cast<std::uint32_t>(o.get_int_in("replicas", 1, 16, c.replicas));
  if (c.replicas > c.nodes) o.fail("replicas", fmt::format("must be at most nodes ({})", c.nodes));
  if ((static_cast<std::uint64_t>(c.nodes) * c.disks * c.targets_per_disk) % c.replicas != 0)
    o.fail("replicas", "must divide nodes x disks x targets_per_disk (every target in one chain)");
  c.balanced = o.get_choice("chain_table", {"balanced", "naive"}, "balanced") == "balanced";
  c.clients = static_cast<std::uint32_t>(o.get_int_in("clients", 0, 100'000, c.clients));
  c.outstanding = static_cast<std::uint32_t>(o.get_int_in("outstanding", 1, 10'000, c.outstanding));
  c.block_chunks =
      static_cast<std::uint32_t>(o.get_int_in("block_chunks", 1, 10'000, c.block_chunks));
  c.read_fraction = o.get_double("read_fraction", c.read_fraction);
  if (!(c.read_fraction >= 0 && c.read_fraction <= 1))
    o.fail("read_fraction", "must be between 0 and 1");
  c.chunk_bytes = static_cast<std::uint64_t>(o.get_int_in("chunk_kib", 1, 1 << 20, 4096)) * 1024;
  c.chunks = static_cast<std::uint64_t>(o.get_int_in("chunks", 1, 1'000'000'000, 1000));
  c.preloaded = o.get_bool("preloaded", c.preloaded);
  c.heartbeat = o.get_time("heartbeat", sim::sec(10), true);          // 3FS: 10 s
  c.offline_after = o.get_time("offline_after", sim::sec(60), true);  // 3FS: T = 60 s
  if (c.offline_after < 2 * c.heartbeat)
    o.fail(o.time_key("offline_after"), "must be at least two heartbeats");
  c.client_timeout = o.get_time("client_timeout", c.client_timeout, true);
  c.retry_after = o.get_time("retry_after", c.retry_after, true);
  c.measure_from = o.get_time("measure_from", 0);
  c.measure_until = o.get_time("measure_until", o.run_duration());
  if (c.measure_until <= c.measure_from)
    o.fail(o.time_key("measure_until"), fmt::format("must be later than {}", o.time_key("measure_from")));
  c.baseline_from = o.get_time("baseline_from", 0);
  c.baseline_until = o.get_time("baseline_until", 0);

  Shape shape{c.nodes, c.disks, c.targets_per_disk, c.replicas};
  const ChainTable table = c.balanced ? balanced_chain_table(shape) : naive_chain_table(shape);

  auto obs = std::make_shared<Observer>();
  auto routing = std::make_shared<Routing>();
  // Targets numbered by node and slot; chains in table order.
  for (std::uint32_t n = 0; n < c.nodes; ++n)
    for (std::uint32_t s = 0; s < shape.targets_per_node(); ++s)
      routing->targets.push_back({n, s % c.disks});
  routing->target_chain.assign(routing->targets.size(), 0);
  for (const auto& chain : table.chains) {
    ChainInfo ci;
    for (const auto& t : chain) {
      const std::uint32_t id = t.node * shape.targets_per_node() + t.slot;
      ci.targets.push_back(id);
      ci.states.push_back(State::serving);
      routing->target_chain[id] = static_cast<std::uint32_t>(routing->chains.size());
    }
    routing->chains.push_back(std::move(ci));
  }
  obs->routing = routing;
  obs->disks.targets.resize(routing->targets.size());
  obs->node_read_bytes.assign(c.nodes, 0);
  obs->node_read_bytes_base.assign(c.nodes, 0);

  sim::ModelInstance m;
  obs->clock = m.true_clock;
  std::vector<sim::NodeId> storage;
  for (std::uint32_t i = 0; i < c.nodes; ++i) {
    m.server_names.push_back(fmt::format("storage{}", i));
    storage.push_back(i);
  }
  m.ssds_needed.assign(c.nodes, c.disks);
  m.ssds_key = "disks";
  const sim::NodeId mgmtd = c.nodes;
  m.server_names.push_back("mgmtd");
  m.roles["mgmtd"] = mgmtd;
  for (std::uint32_t i = 0; i < c.clients; ++i) {
    m.client_nodes.push_back(static_cast<sim::NodeId>(m.server_names.size()));
    m.server_names.push_back(fmt::format("fsclient{}", i));
  }
  m.make_node = [c, obs, mgmtd, storage](sim::NodeId id) -> std::unique_ptr<sim::Protocol> {
    if (id < c.nodes) return make_storage(c, obs, mgmtd);
    if (id == mgmtd) return make_mgmtd(c, obs, storage);
    return make_client(c, obs, id - mgmtd - 1);
  };
  m.report = [c, obs, variant] {
    std::uint64_t checked = 0;
    const std::string read_bad = check_reads(*obs, c.preloaded, checked);
    const std::string ack_bad = check_acked(*obs, c);
    const double window_s =
        sim::to_seconds(std::min(c.measure_until, obs->last_reply) - c.measure_from);
    const double tib = 1024.0 * 1024 * 1024 * 1024;
    const double read_bps = window_s > 0 ? static_cast<double>(obs->window_read_bytes) / window_s : 0;
    nlohmann::ordered_json j;
    j["variant"] = variant;
    j["chain_table"] = c.balanced ? "balanced" : "naive";
    j["chains"] = obs->routing->chains.size();
    j["targets"] = obs->routing->targets.size();
    j["throughput"] = {{"window_s", window_s},
                       {"read_bytes_per_s", read_bps},
                       {"read_tib_per_s", read_bps / tib},
                       {"read_gib_per_s", read_bps / (tib / 1024)},
                       {"reads_per_s", window_s > 0 ? obs->window_reads / window_s : 0},
                       {"write_bytes_per_s",
                        window_s > 0 ? static_cast<double>(obs->window_write_bytes) / window_s : 0}};
    j["ops"] = {{"reads", obs->reads_done},       {"writes", obs->writes_done},
                {"not_committed", obs->not_committed}, {"stale_chain", obs->stale_chain},
                {"timeouts", obs->timeouts},      {"failed_ios", obs->failed_ios}};
    std::map<std::string, int> states;
    for (const auto& ch : obs->routing->chains)
      for (auto s : ch.states) ++states[state_name(s)];
    j["target_states"] = states;
    j["chain_changes"] = obs->chain_changes;
    j["syncs"] = obs->syncs;
    j["chunks_replaced"] = obs->chunks_replaced;
    const auto after = shares(obs->node_read_bytes);
    j["node_read_share"] = after;
    std::string redistribution;
    if (c.baseline_until > c.baseline_from) {
      const auto before = shares(obs->node_read_bytes_base);
      j["node_read_share_baseline"] = before;
      // The nodes that lost their reads (failed) and how the rest picked them up.
      double lost = 0, gain_min = 1, gain_max = 0;
      std::vector<double> gains;
      for (std::size_t i = 0; i < after.size(); ++i)
        if (after[i] < before[i] / 2) lost += before[i];
      int gainers = 0;
      for (std::size_t i = 0; i < after.size(); ++i) {
        if (after[i] < before[i] / 2) continue;
        const double g = lost > 0 ? (after[i] - before[i]) / lost : 0;
        gains.push_back(g);
        gain_min = std::min(gain_min, g);
        gain_max = std::max(gain_max, g);
        if (g > 0.05) ++gainers;
      }
      j["redistribution"] = {{"lost_share", lost}, {"gain_of_lost", gains},
                             {"max_gain", gain_max}, {"min_gain", gain_min},
                             {"nodes_taking_over", gainers}};
      redistribution = fmt::format(
          "  redistribution  the failed node's {:.1f}% of the reads went to {} nodes: each "
          "took {:.1f}% to {:.1f}% of it\n",
          lost * 100, gainers, gain_min * 100, gain_max * 100);
    }
    j["read_rule"] = {{"ok", read_bad.empty()}, {"reads", checked}};
    if (!read_bad.empty()) j["read_rule"]["violation"] = read_bad;
    j["acknowledged_writes_kept"] = {{"ok", ack_bad.empty()}, {"writes", obs->acked.size()}};
    if (!ack_bad.empty()) j["acknowledged_writes_kept"]["violation"] = ack_bad;
    std::string s = fmt::format(
        "  3fs         {} chains ({} table) over {} targets; {} reads, {} writes; read "
        "throughput {:.3f} TiB/s ({:.1f} GiB/s) over {:.2f} s\n",
        obs->routing->chains.size(), c.balanced ? "balanced" : "naive",
        obs->routing->targets.size(), obs->reads_done, obs->writes_done, read_bps / tib,
        read_bps / (tib / 1024), window_s);
    s += fmt::format(
        "  3fs         {} not-committed retries, {} stale chain versions, {} timeouts, {} chain "
        "changes, {} syncs ({} chunks replaced)\n",
        obs->not_committed, obs->stale_chain, obs->timeouts, obs->chain_changes, obs->syncs,
        obs->chunks_replaced);
    s += redistribution;
    const std::string skipped =
        obs->reads_done > checked
            ? fmt::format("; the {} reads after the first {} were not kept", obs->reads_done - checked,
                          checked)
            : "";
    s += "  read rule (committed versions only, none missed): " +
         (read_bad.empty() ? fmt::format("ok ({} reads{})", checked, skipped) : read_bad) + "\n";
    s += "  no acknowledged write lost: " +
         (ack_bad.empty() ? fmt::format("ok ({} writes)", obs->acked.size()) : ack_bad) + "\n";
    return sim::ModelInstance::Report{j.dump(), s, read_bad.empty() && ack_bad.empty()};
  };
  return m;
}

}  // namespace distlab::models::chain::fs3

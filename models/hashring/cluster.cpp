// The sharded cache cluster: `servers` cache servers (cache0, cache1, ...) and one backing
// store ("store"). Clients route each key with the placement strategy (client-side routing,
// as memcached clients do); a client whose request timed out retries against the store.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "hashring.hpp"

namespace distlab::models::hashring {

sim::ModelInstance build(sim::Options& o) {
  ClusterConfig c;
  PlacementConfig& pc = c.placement;
  pc.strategy = o.get_choice("variant", strategy_names(), "ring");
  const auto servers = static_cast<std::uint32_t>(o.get_int_in("servers", 1, 100'000, 10));
  pc.hash = parse_hash_fn(o.get_choice("hash", {"xxh3", "xxh64"}, "xxh3"));
  // By default the hash seed follows the run's seed, so --seed varies the placement as a
  // different set of server names would; hash_seed pins it.
  pc.seed = o.has("hash_seed") ? static_cast<std::uint64_t>(o.get_int_in("hash_seed", 0, INT64_MAX))
                               : sim::stream_seed(o.run_seed(), "hashring.hash", 0);
  // Every strategy's keys are read (and checked) whatever the variant, so --set
  // model.variant=... can switch strategies on the same file; each uses what applies to it.
  pc.vnodes = static_cast<std::uint32_t>(o.get_int_in("vnodes", 1, 100'000, 100));
  constexpr std::uint64_t kPointsMax = 1u << 25;                 // 32M ring points, 512 MiB
  const auto tsize = o.get_int_in("table_size", 0, 1 << 24, 0);  // 16M entries, 64 MiB
  if (tsize != 0 && !is_prime(static_cast<std::uint64_t>(tsize)))
    o.fail("table_size", fmt::format("must be prime (got {}; the next prime is {})", tsize,
                                     next_prime_above(static_cast<std::uint64_t>(tsize))));
  pc.table_size = tsize ? static_cast<std::uint64_t>(tsize) : next_prime_above(100ull * servers);
  c.maglev_small_table = pc.strategy == "maglev" && pc.table_size <= 100ull * servers;
  pc.epsilon = o.get_double("epsilon", 0.25);
  if (!(pc.epsilon > 0) || !std::isfinite(pc.epsilon))
    o.fail("epsilon",
           fmt::format("must be > 0 (got {}): capacity is ceil((1 + epsilon) m / n)", pc.epsilon));
  // Memory: 8 bytes of hash and 2 x 4 bytes of owner per key, and for bounded loads an
  // assignment table of up to 32 bytes per key.
  c.analysis_keys = static_cast<std::uint64_t>(
      o.get_int_in("analysis_keys", 0, pc.strategy == "bounded" ? 4'000'000 : 20'000'000, 100'000));
  c.bucket = o.get_time("bucket", sim::sec(1), true);
  if (o.run_duration() / c.bucket > 100'000)
    o.fail(o.time_key("bucket"),
           fmt::format("{:.9g} s of run in {:.9g} s buckets is more than 100,000 buckets of hit "
                       "ratio; make it larger",
                       sim::to_seconds(o.run_duration()), sim::to_seconds(c.bucket)));
  const auto capacity = static_cast<std::uint64_t>(o.get_int_in("capacity_keys", 0, INT64_MAX, 0));
  ServiceConfig cache_svc{static_cast<std::uint32_t>(o.get_int_in("cache_workers", 1, 1024, 4)),
                          o.get_time("cache_service", sim::us(2))};
  ServiceConfig store_svc{static_cast<std::uint32_t>(o.get_int_in("store_workers", 1, 1024, 8)),
                          o.get_time("store_service", sim::ms(1))};

  for (std::uint32_t i = 0; i < servers; ++i) c.names.push_back(fmt::format("cache{}", i));
  c.weights.assign(servers, 1.0);
  if (auto w = o.table("weights")) {
    if (pc.strategy != "ring" && pc.strategy != "rendezvous")
      o.fail("weights",
             fmt::format("the {} strategy has no weights; use ring or rendezvous", pc.strategy));
    for (const auto& name : w->keys()) {
      std::size_t id = 0;
      while (id < c.names.size() && c.names[id] != name) ++id;
      if (id == c.names.size())
        w->fail(name, fmt::format("unknown server \"{}\" (cache0 to cache{})", name, servers - 1));
      const double v = w->get_double(name);
      if (!(v > 0 && v <= 1000)) w->fail(name, "a weight must be > 0 and at most 1000");
      c.weights[id] = v;
    }
  }

  double weight_max = 1;
  for (double w : c.weights) weight_max = std::max(weight_max, w);
  if (pc.strategy == "ring" || pc.strategy == "bounded") {
    const double points = static_cast<double>(servers) * pc.vnodes * weight_max;
    if (points > kPointsMax)
      o.fail("vnodes", fmt::format("{} servers x {} points x weight {} is {:.3g} ring points; at "
                                   "most {} fit in memory",
                                   servers, pc.vnodes, weight_max, points, kPointsMax));
  }
  std::unique_ptr<Placement> p;
  try {
    p = make_placement(pc);
  } catch (const std::invalid_argument& e) {
    o.fail("variant", e.what());
  }
  sim::ModelInstance m;
  auto dir = std::make_shared<Directory>(c, std::move(p), m.true_clock);
  const auto store = static_cast<sim::NodeId>(servers);

  m.server_names = c.names;
  for (std::uint32_t i = 0; i < servers; ++i) m.member_servers.push_back(i);  // not the store
  m.server_names.push_back("store");
  m.roles = {{"store", store}};
  m.make_node = [=](sim::NodeId id) -> std::unique_ptr<sim::Protocol> {
    if (id == store) return make_store(store_svc);
    return make_cache_server(store, capacity, cache_svc, dir);
  };
  m.route = [dir, store](const sim::ClientRequest& req, sim::NodeId last, sim::Rng&) {
    if (last != sim::kNoNode) return store;  // the cache timed out: read/write the store
    const sim::NodeId owner = dir->owner(req.key);
    return owner == sim::kNoNode ? store : owner;
  };
  m.on_membership = [dir](const std::vector<sim::NodeId>& members, sim::Time at) {
    dir->set_members(members, at);
  };
  m.report = [dir] { return dir->report(); };
  return m;
}

}  // namespace distlab::models::hashring

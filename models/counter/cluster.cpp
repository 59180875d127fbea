// The counter model: per region, store nodes (store0-r0, ...), cache nodes, rollup servers, API
// nodes and clients, named <kind><index>-r<region>. Node id % regions is the region, which is
// where the engine's default placement puts them (see layout.hpp); with topology = "regions"
// the scenario must list `regions` regions.
#include <fmt/format.h>

#include "counter.hpp"

namespace distlab::models::counter {

sim::ModelInstance build(sim::Options& o) {
  Config c = read_config(o);
  sim::ModelInstance m;
  auto shared = std::make_shared<Shared>(Shared{c, Layout(c), nullptr, {}});
  auto layout = std::make_shared<const Layout>(c);
  shared->obs = std::make_shared<Observer>(c, layout, m.true_clock);
  for (const Namespace& n : c.namespaces)
    shared->zipf.push_back(
        n.zipf_s > 0 ? std::make_shared<const sim::ZipfTable>(n.counters, n.zipf_s) : nullptr);
  std::shared_ptr<const Shared> s = shared;
  for (sim::NodeId id = 0; id < s->layout.total(); ++id)
    m.server_names.push_back(s->layout.name(id));
  m.make_node = [s](sim::NodeId id) -> std::unique_ptr<sim::Protocol> {
    switch (s->layout.kind_of(id)) {
      case Kind::store:
        return make_store(s);
      case Kind::cache:
        return make_cache(s);
      case Kind::rollup:
        return make_rollup(s);
      case Kind::api:
        return make_api(s);
      case Kind::client:
        return make_client(s);
    }
    return nullptr;
  };
  m.report = [obs = s->obs] { return obs->report(); };
  return m;
}

}  // namespace distlab::models::counter

// Scenario loading: TOML text -> validated Scenario. Every section is read through Options,
// which tracks the keys it was asked for; finish() turns the rest into "unknown key" errors.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "distlab/sim/scenario.hpp"
#include "options_impl.hpp"

namespace distlab::sim {
namespace {

std::shared_ptr<Options::Impl> root_impl(std::shared_ptr<toml::table> root,
                                         const std::string& file) {
  auto impl = std::make_shared<Options::Impl>();
  impl->root = root;
  impl->tbl = root.get();
  impl->file = file;
  return impl;
}

// --set a.b.c=value: parse value as TOML, falling back to a bare string.
void apply_override(toml::table& root, const std::string& spec, const std::string& file) {
  const auto eq = spec.find('=');
  SourcePos where{"--set", 0, 0};
  if (eq == std::string::npos || eq == 0) throw ConfigError(where, spec, "expected key.path=value");
  const std::string path = spec.substr(0, eq);
  const std::string text = spec.substr(eq + 1);
  toml::table parsed;
  try {
    parsed = toml::parse("v = " + text);
  } catch (const toml::parse_error&) {
    parsed = toml::table{{"v", text}};
  }
  // Walk the path; a part may index an array of tables: fault[1].max_ms.
  toml::table* t = &root;
  std::size_t start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    std::string part =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    std::optional<std::size_t> index;
    if (const auto br = part.find('['); br != std::string::npos && part.back() == ']') {
      const std::string digits = part.substr(br + 1, part.size() - br - 2);
      if (digits.empty() || digits.size() > 6 ||
          digits.find_first_not_of("0123456789") != std::string::npos)
        throw ConfigError(where, path, fmt::format("bad index in '{}'", part));
      index = std::stoul(digits);
      part = part.substr(0, br);
    }
    if (part.empty()) throw ConfigError(where, path, "empty key in path");
    if (dot == std::string::npos && !index) {
      t->insert_or_assign(part, *parsed.get("v"));
      return;
    }
    if (dot == std::string::npos)
      throw ConfigError(where, path, "the path ends in an array element; name a key inside it");
    toml::node* next = t->get(part);
    if (index) {
      toml::array* arr = next ? next->as_array() : nullptr;
      if (!arr || *index >= arr->size() || !arr->get(*index)->as_table())
        throw ConfigError(
            where, path,
            fmt::format("there is no [[{}]] number {} (counting from 0)", part, *index));
      t = arr->get(*index)->as_table();
    } else {
      if (!next) {
        t->insert(part, toml::table{});
        next = t->get(part);
      }
      t = next->as_table();
      if (!t) throw ConfigError(where, path, fmt::format("'{}' is not a table", part));
    }
    start = dot + 1;
  }
}

void load_network(Options& o, NetworkConfig& n) {
  const auto topo = o.get_choice("topology", {"lan", "regions"}, "lan");
  n.topology = topo == "lan" ? NetworkConfig::Topology::lan : NetworkConfig::Topology::regions;
  const auto model = o.get_choice("model", {"flow", "lv08", "textbook", "fluid"}, "flow");
  n.model = model == "flow"       ? NetworkConfig::Model::flow
            : model == "lv08"     ? NetworkConfig::Model::lv08
            : model == "fluid"    ? NetworkConfig::Model::fluid
                                  : NetworkConfig::Model::textbook;
  n.latency = o.get_time("latency", n.latency);
  if (auto bw = o.get_bandwidth("bandwidth")) n.bandwidth_bps = *bw;
  if (auto bw = o.get_bandwidth("wan_bandwidth")) n.wan_bandwidth_bps = *bw;
  n.header_bytes = static_cast<std::uint32_t>(o.get_int_in("header_bytes", 0, 1 << 20, 0));
  n.flow_min_bytes = static_cast<std::uint64_t>(o.get_int_in("flow_min_bytes", 0, 1LL << 40, 0));
  if (n.model == NetworkConfig::Model::fluid && n.topology != NetworkConfig::Topology::lan)
    o.fail("model", "the fluid model covers topology = \"lan\" only (use flow for regions)");
  if (n.flow_min_bytes > 0 && n.model == NetworkConfig::Model::textbook)
    o.fail("flow_min_bytes", "applies to the flow, lv08 and fluid network models only");
  auto regions = o.tables("region");
  if (n.topology == NetworkConfig::Topology::regions) {
    if (regions.empty()) o.fail("region", "topology \"regions\" needs [[network.region]] tables");
    for (auto& r : regions) {
      RegionConfig rc;
      rc.name = r.get_string("name");
      for (const auto& prev : n.regions)
        if (prev.name == rc.name)
          r.fail("name", fmt::format("region \"{}\" is defined twice", rc.name));
      rc.latency = r.get_time("latency", n.latency);
      r.finish();
      n.regions.push_back(rc);
    }
    const auto m = o.get_matrix("inter_region_latency_ms");
    if (m.empty())
      o.fail("inter_region_latency_ms",
             "required for topology \"regions\": a one-way latency matrix in ms");
    if (m.size() != n.regions.size())
      o.fail("inter_region_latency_ms", fmt::format("matrix is {}x{} but there are {} regions",
                                                    m.size(), m.size(), n.regions.size()));
    for (std::size_t i = 0; i < m.size(); ++i) {
      std::vector<Time> row;
      for (std::size_t j = 0; j < m.size(); ++j) {
        if (!(m[i][j] >= 0)) o.fail("inter_region_latency_ms", "latencies must not be negative");
        if (m[i][j] > 1e12)
          o.fail("inter_region_latency_ms", fmt::format("{} ms is too large", m[i][j]));
        const Time t = static_cast<Time>(m[i][j] * 1e6 + 0.5);
        const Time floor = (n.regions[i].latency + n.regions[j].latency) / 2;
        if (i != j && t < floor)
          o.fail("inter_region_latency_ms",
                 fmt::format(
                     "{} -> {}: {} ms is less than the two regions' own latencies allow ({} ms)",
                     n.regions[i].name, n.regions[j].name, m[i][j], to_ms(floor)));
        row.push_back(t);
      }
      n.inter_region_latency.push_back(row);
    }
    if (auto p = o.table("placement")) {
      // node name -> region name; node names are checked when the run is prepared
      for (const auto& node : p->keys()) {
        const auto region = p->get_string(node);
        bool known = false;
        for (const auto& r : n.regions) known = known || r.name == region;
        if (!known) p->fail(node, fmt::format("unknown region \"{}\"", region));
        n.placement[node] = region;
        n.placement_pos[node] = p->pos(node);
      }
    }
  } else if (!regions.empty()) {
    o.fail("region", "[[network.region]] needs topology = \"regions\"");
  }
  o.finish();
}

}  // namespace
}  // namespace distlab::sim

namespace distlab::sim {
namespace {

Expectation load_expectation(Options& o) {
  Expectation e;
  e.key_path = o.path();
  e.pos = o.pos("metric");
  e.metric = o.get_string("metric");
  if (e.metric.empty()) o.fail("metric", "must name a value of results.json, e.g. \"summary.ok\"");
  {
    // The first part names a section of results.json; deeper parts are checked after the run.
    static const std::vector<std::string> sections = {"scenario", "summary", "counters", "network",
                                                      "nodes",    "checks",  "sim",      "model"};
    std::string first = e.metric.substr(0, e.metric.find_first_of(".["));
    if (std::find(sections.begin(), sections.end(), first) == sections.end())
      o.fail("metric", fmt::format("results.json has no section \"{}\"; sections: {}", first,
                                   fmt::join(sections, ", ")));
  }
  e.label = o.get_string("label", e.metric);
  e.source = o.get_string("source", "");
  auto finite = [&](const char* key) {
    const double v = o.get_double(key);
    if (!std::isfinite(v)) o.fail(key, "must be a finite number");
    return v;
  };
  if (o.has("published")) e.published = finite("published");
  if (o.has("at_most")) e.at_most = finite("at_most");
  if (o.has("at_least")) e.at_least = finite("at_least");
  if (e.published && *e.published == 0)
    o.fail("published", "a tolerance relative to 0 means nothing; use at_most and at_least");
  if (o.has("tolerance")) {
    if (!e.published) o.fail("tolerance", "tolerance applies to published; give published too");
    e.tolerance = o.get_double("tolerance");
    if (!(e.tolerance > 0)) o.fail("tolerance", "must be > 0 (a relative tolerance, 0.2 = 20%)");
  }
  if (!e.published && !e.at_most && !e.at_least)
    o.fail("metric", "an expectation needs published (with tolerance), at_most or at_least");
  if (e.at_most && e.at_least && *e.at_least > *e.at_most)
    o.fail("at_least", "must not be larger than at_most");
  o.finish();
  return e;
}

FaultSpec load_fault(Options& f) {
  FaultSpec s;
  s.key_path = f.path();
  s.pos = f.pos("kind");
  const auto kind = f.get_choice(
      "kind", {"crash", "restart", "pause", "partition", "heal", "loss", "duplicate", "delay",
               "clock_step", "clock_drift", "time_master_down", "join", "leave", "disk_slow",
               "disk_fail"});
  using K = FaultSpec::Kind;
  static const std::map<std::string, K> kinds = {{"crash", K::crash},
                                                 {"restart", K::restart},
                                                 {"pause", K::pause},
                                                 {"partition", K::partition},
                                                 {"heal", K::heal},
                                                 {"loss", K::loss},
                                                 {"duplicate", K::duplicate},
                                                 {"delay", K::delay},
                                                 {"clock_step", K::clock_step},
                                                 {"clock_drift", K::clock_drift},
                                                 {"time_master_down", K::time_master_down},
                                                 {"join", K::join},
                                                 {"leave", K::leave},
                                                 {"disk_slow", K::disk_slow},
                                                 {"disk_fail", K::disk_fail}};
  s.kind = kinds.at(kind);
  s.at = f.get_time("at", 0);
  auto need_nodes = [&](bool required) {
    s.nodes = f.get_strings("node");
    s.nodes_key = "node";
    if (s.nodes.empty()) {
      s.nodes = f.get_strings("nodes");
      if (!s.nodes.empty()) s.nodes_key = "nodes";
    }
    s.nodes_pos = f.pos(s.nodes_key);
    if (required && s.nodes.empty())
      f.fail(f.has("nodes") ? "nodes" : "node",
             fmt::format("a {} fault needs node = \"name\"", kind));
  };
  auto window = [&](const char* end_key) {
    if (auto u = f.find_time(end_key)) {
      if (*u <= s.at)
        f.fail(f.time_key(end_key), fmt::format("must be later than {}", f.time_key("at")));
      s.until = *u;
    }
    if (auto d = f.find_time("duration", true)) {
      if (s.until != kNever)
        f.fail(f.time_key("duration"),
               fmt::format("give {} or {}, not both", f.time_key(end_key), f.time_key("duration")));
      s.until = s.at + *d;
    }
  };
  switch (s.kind) {
    case K::crash:
      need_nodes(true);
      if (auto r = f.find_time("restart_at")) {
        if (*r <= s.at)
          f.fail(f.time_key("restart_at"), fmt::format("must be later than {}", f.time_key("at")));
        s.restart_at = *r;
      }
      break;
    case K::restart:
    case K::join:
      need_nodes(true);
      break;
    case K::leave:
      need_nodes(true);
      s.drain = f.get_time("drain", s.drain);
      break;
    case K::pause:
      need_nodes(true);
      window("resume_at");
      if (s.until == kNever) f.fail("resume_at_s", "a pause needs resume_at_s or duration_s");
      break;
    case K::partition:
      s.groups = f.get_string_groups("groups");
      s.nodes_key = "groups";
      s.nodes_pos = f.pos("groups");
      if (s.groups.size() < 2)
        f.fail("groups",
               "a partition needs at least two groups, e.g. groups = [[\"n0\"], [\"n1\", \"n2\"]]");
      for (const auto& g : s.groups)
        if (g.empty()) f.fail("groups", "a partition group must not be empty");
      s.one_way = f.get_bool("one_way", false);
      window("heal_at");
      break;
    case K::heal:
      break;
    case K::loss:
    case K::duplicate:
      s.probability = f.get_double("probability");
      if (!(s.probability >= 0 && s.probability <= 1))
        f.fail("probability", "must be between 0 and 1");
      need_nodes(false);
      window("until");
      break;
    case K::delay: {
      const auto d =
          f.get_choice("distribution", {"constant", "uniform", "exponential"}, "constant");
      need_nodes(false);
      window("until");
      if (d == "constant") {
        s.distribution = FaultSpec::Distribution::constant;
        auto d = f.find_time("delay");
        if (!d) f.fail("delay_ms", "a constant delay needs delay_ms");
        s.delay_a = *d;
      } else if (d == "uniform") {
        s.distribution = FaultSpec::Distribution::uniform;
        auto lo = f.find_time("min");
        auto hi = f.find_time("max");
        if (!lo) f.fail("min_ms", "a uniform delay needs min_ms and max_ms");
        if (!hi) f.fail("max_ms", "a uniform delay needs min_ms and max_ms");
        if (*hi < *lo)
          f.fail(f.time_key("max"), fmt::format("must not be less than {}", f.time_key("min")));
        s.delay_a = *lo;
        s.delay_b = *hi;
      } else {
        s.distribution = FaultSpec::Distribution::exponential;
        auto m = f.find_time("mean", true);
        if (!m) f.fail("mean_ms", "an exponential delay needs mean_ms");
        s.delay_a = *m;
      }
      break;
    }
    case K::clock_step: {
      need_nodes(true);
      const double step_ms = f.get_double("step_ms");
      if (std::isnan(step_ms)) f.fail("step_ms", "must be a number");
      if (!(std::fabs(step_ms) <= 1e12)) f.fail("step_ms", "is too large");
      s.clock_step = static_cast<Time>(step_ms * 1e6);
      break;
    }
    case K::clock_drift:
      need_nodes(true);
      s.drift_ppm = f.get_double("ppm");
      if (!(s.drift_ppm > -1e6 && s.drift_ppm < 1e6)) f.fail("ppm", "must be between -1e6 and 1e6");
      break;
    case K::disk_slow:
    case K::disk_fail:
      need_nodes(true);
      if (f.has("disk")) s.disk = static_cast<std::uint32_t>(f.get_int_in("disk", 0, 1023));
      if (s.kind == K::disk_slow) {
        s.slow_factor = f.get_double("factor", s.slow_factor);
        if (!(s.slow_factor >= 1 && s.slow_factor <= 1e6))
          f.fail("factor", "must be between 1 and 1e6 (how many times slower the disk gets)");
      }
      window("until");
      break;
    case K::time_master_down:
      s.regions = f.get_strings("regions");  // checked against the network when the run starts
      window("until");
      break;
  }
  f.finish();
  return s;
}

void load_clocks(Options& o, ClockConfig& c) {
  c.offset_max = o.get_time("offset_max", 0);
  c.drift_max_ppm = o.get_double("drift_max_ppm", 0);
  if (!(c.drift_max_ppm >= 0 && c.drift_max_ppm < 1e5))
    o.fail("drift_max_ppm", "must be between 0 and 100000");
  c.sync = o.get_bool("sync", false);
  c.sync_interval = o.get_time("sync_interval", c.sync_interval, true);
  c.sync_uncertainty = o.get_time("sync_uncertainty", c.sync_uncertainty);
  c.assumed_drift_ppm = o.get_double("assumed_drift_ppm", c.assumed_drift_ppm);
  if (!(c.assumed_drift_ppm >= 0 && c.assumed_drift_ppm < 1e5))
    o.fail("assumed_drift_ppm", "must be between 0 and 100000");
  if (c.offset_max > sec(3600)) o.fail(o.time_key("offset_max"), "must be at most an hour");
  o.finish();
}

void load_swarm(Options& o, SwarmConfig& c, Time duration) {
  c.enabled = true;
  c.pos = o.pos("faults");
  c.faults = static_cast<std::uint32_t>(o.get_int_in("faults", 0, 10'000, c.faults));
  if (o.has("kinds")) {
    c.kinds = o.get_strings("kinds");
    static const std::vector<std::string> known = {
        "crash", "partition", "pause", "loss", "duplicate", "delay", "clock_step", "clock_drift"};
    if (c.kinds.empty()) o.fail("kinds", "give at least one kind of fault");
    for (const auto& k : c.kinds)
      if (std::find(known.begin(), known.end(), k) == known.end())
        o.fail("kinds", fmt::format("unknown fault kind \"{}\" for a swarm; kinds: {}", k,
                                    fmt::join(known, ", ")));
  }
  c.start = o.get_time("start", duration / 10);
  c.end = o.get_time("end", duration * 7 / 10);
  if (c.end <= c.start)
    o.fail(o.time_key("end"), fmt::format("must be later than {}", o.time_key("start")));
  if (c.end > duration) o.fail(o.time_key("end"), "must be within the run (duration_s)");
  c.length_max = o.get_time("length_max", c.length_max, true);
  c.loss_max = o.get_double("loss_max", c.loss_max);
  if (!(c.loss_max > 0 && c.loss_max <= 1)) o.fail("loss_max", "must be in (0, 1]");
  c.delay_mean_max = o.get_time("delay_mean_max", c.delay_mean_max, true);
  c.drift_max_ppm = o.get_double("drift_max_ppm", c.drift_max_ppm);
  if (!(c.drift_max_ppm > 0 && c.drift_max_ppm < 1e5))
    o.fail("drift_max_ppm", "must be in (0, 100000)");
  c.step_max = o.get_time("step_max", c.step_max, true);
  o.finish();
}

void load_node_costs(Options& o, NodeCostConfig& c) {
  c.cpu_per_message = o.get_time("cpu_per_message", 0);
  c.disk_write_latency = o.get_time("disk_write_latency", c.disk_write_latency);
  if (auto bw = o.get_bandwidth("disk_write_bandwidth")) {
    if (!(*bw > 0)) o.fail("disk_write_bandwidth_gbps", "must be > 0");
    c.disk_write_bytes_per_s = *bw / 8;
  }
  if (c.cpu_per_message > sec(10)) o.fail(o.time_key("cpu_per_message"), "must be at most 10 s");
  if (c.disk_write_latency > sec(10))
    o.fail(o.time_key("disk_write_latency"), "must be at most 10 s");
  o.finish();
}

// [[hardware]]: a class of hosts (nodes = names or groups) starting from a named profile, with
// any number overridden.
HardwareSpec load_hardware(Options& o) {
  HardwareSpec h;
  h.key_path = o.path();
  h.pos = o.pos("nodes");
  h.nodes = o.get_strings("nodes");
  h.nodes_pos = o.pos("nodes");
  if (h.nodes.empty()) h.nodes = {"all"};
  if (o.has("profile")) {
    std::vector<std::string> names;
    for (const auto& p : hardware_profiles()) names.push_back(p.name);
    h.profile = o.get_choice("profile", names);
    for (const auto& p : hardware_profiles())
      if (p.name == h.profile) h.hw = p.hw;
  }
  HostHardware& hw = h.hw;
  if (auto bw = o.get_bandwidth("nic")) hw.nic_bps = *bw;
  if (auto c = o.find_time("cpu_per_message")) {
    if (*c > sec(10)) o.fail(o.time_key("cpu_per_message"), "must be at most 10 s");
    hw.cpu_per_message = *c;
  }
  SsdSpec ssd = hw.ssds.empty() ? SsdSpec{} : hw.ssds.front();
  const auto count = o.get_int_in("ssds", 0, 1024, static_cast<std::int64_t>(hw.ssds.size()));
  if (auto bw = o.get_bandwidth("ssd_read")) ssd.read_bytes_per_s = *bw / 8;
  if (auto bw = o.get_bandwidth("ssd_write")) ssd.write_bytes_per_s = *bw / 8;
  ssd.read_latency = o.get_time("ssd_read_latency", ssd.read_latency);
  ssd.write_latency = o.get_time("ssd_write_latency", ssd.write_latency);
  if (ssd.read_latency > sec(10)) o.fail(o.time_key("ssd_read_latency"), "must be at most 10 s");
  if (ssd.write_latency > sec(10))
    o.fail(o.time_key("ssd_write_latency"), "must be at most 10 s");
  ssd.queue_depth = static_cast<std::uint32_t>(
      o.get_int_in("ssd_queue_depth", 1, 65536, static_cast<std::int64_t>(ssd.queue_depth)));
  ssd.iops = o.get_double("ssd_iops", ssd.iops);
  if (!(ssd.iops >= 0 && ssd.iops <= 1e9))
    o.fail("ssd_iops", "must be between 0 (no limit) and 1e9");
  hw.ssds.assign(static_cast<std::size_t>(count), ssd);
  hw.rdma_timeout = o.get_time("rdma_timeout", hw.rdma_timeout, true);
  o.finish();
  return h;
}

WorkloadConfig load_workload(Options& w, Time duration, const NetworkConfig& net) {
  WorkloadConfig c;
  c.key_path = w.path();
  const auto kind = w.get_choice("kind", {"closed", "open"}, "closed");
  c.kind = kind == "closed" ? WorkloadConfig::Kind::closed : WorkloadConfig::Kind::open;
  c.clients = static_cast<std::uint32_t>(w.get_int_in("clients", 1, 100'000, 1));
  c.think_time = w.get_time("think_time", 0);
  if (c.kind == WorkloadConfig::Kind::open) {
    c.rate_per_s = w.get_double("rate_per_s");
    if (!(c.rate_per_s > 0 && c.rate_per_s <= 1e9))
      w.fail("rate_per_s", "must be greater than zero");
  } else if (w.has("rate_per_s")) {
    w.fail("rate_per_s",
           "only an open workload has a rate; a closed one has clients and think_time_ms");
  }
  if (auto mix = w.table("mix")) {
    const double r = mix->get_double("read", 0.0);
    const double wr = mix->get_double("write", 0.0);
    if (!std::isfinite(r)) mix->fail("read", "must be a finite number");
    if (!std::isfinite(wr)) mix->fail("write", "must be a finite number");
    if (r < 0 || wr < 0) mix->fail("", "fractions must not be negative");
    if (r + wr <= 0)
      mix->fail("", "mix needs read and/or write fractions that add up to more than 0");
    mix->finish();
    c.read_fraction = r / (r + wr);
  }
  if (auto keys = w.table("keys")) {
    c.key_count = static_cast<std::uint64_t>(keys->get_int_in("count", 1, 100'000'000, 100));
    const auto d = keys->get_choice("distribution", {"uniform", "zipf"}, "uniform");
    c.key_dist = d == "uniform" ? WorkloadConfig::KeyDist::uniform : WorkloadConfig::KeyDist::zipf;
    if (c.key_dist == WorkloadConfig::KeyDist::zipf) {
      c.zipf_s = keys->get_double("s", 0.99);
      if (!(c.zipf_s >= 0 && c.zipf_s <= 10)) keys->fail("s", "must be between 0 and 10");
    }
    keys->finish();
  }
  c.value_bytes = static_cast<std::uint32_t>(w.get_int_in("value_bytes", 0, 1 << 30, 100));
  c.start = w.get_time("start", 0);
  c.stop = w.get_time("stop", duration);
  if (c.stop <= c.start) {
    if (!w.find_time("stop"))
      w.fail(w.time_key("start"), "must be earlier than the end of the run (scenario.duration_s)");
    w.fail(w.time_key("stop"), fmt::format("must be later than {}", w.time_key("start")));
  }
  c.timeout = w.get_time("timeout", c.timeout, true);
  if (auto r = w.table("retry")) {
    c.retry.max_attempts = static_cast<std::uint32_t>(r->get_int_in("max_attempts", 1, 1000, 3));
    c.retry.backoff_base = r->get_time("backoff_base", c.retry.backoff_base);
    c.retry.backoff_max = r->get_time("backoff_max", c.retry.backoff_max);
    if (c.retry.backoff_max < c.retry.backoff_base)
      r->fail(r->time_key("backoff_max"),
              fmt::format("must not be less than {}", r->time_key("backoff_base")));
    const auto j = r->get_choice("jitter", {"none", "full", "equal"}, "full");
    c.retry.jitter = j == "none"   ? RetryConfig::Jitter::none
                     : j == "full" ? RetryConfig::Jitter::full
                                   : RetryConfig::Jitter::equal;
    r->finish();
  }
  if (auto b = w.table("circuit_breaker")) {
    c.breaker.enabled = b->get_bool("enabled", true);
    c.breaker.failure_threshold =
        static_cast<std::uint32_t>(b->get_int_in("failure_threshold", 1, 1'000'000, 5));
    c.breaker.open_for = b->get_time("open", c.breaker.open_for, true);
    c.breaker.half_open_probes =
        static_cast<std::uint32_t>(b->get_int_in("half_open_probes", 1, 1000, 1));
    b->finish();
  }
  if (w.has("region")) {
    c.region = w.get_string("region");
    if (net.topology != NetworkConfig::Topology::regions)
      w.fail("region", "a workload region needs [network] topology = \"regions\"");
    bool known = false;
    for (const auto& r : net.regions) known = known || r.name == *c.region;
    if (!known) w.fail("region", fmt::format("unknown region \"{}\"", *c.region));
  }
  w.finish();
  return c;
}

Scenario load(const std::string& text, const std::string& file,
              const std::vector<std::string>& overrides) {
  auto root = std::make_shared<toml::table>();
  try {
    *root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    throw ConfigError(SourcePos{file, src.begin.line, src.begin.column}, "",
                      std::string(e.description()));
  }
  for (const auto& ov : overrides) apply_override(*root, ov, file);
  Options top(root_impl(root, file));
  Scenario s;
  s.file = file;
  {
    auto sc = top.table("scenario");
    if (!sc) top.fail("scenario", "required table [scenario] is missing");
    s.title = sc->get_string("title", "");
    const auto seed = sc->get_int("seed", 1);
    if (seed < 0) sc->fail("seed", "must not be negative");
    s.seed = static_cast<std::uint64_t>(seed);
    auto d = sc->find_time("duration", true);
    if (!d) sc->fail("duration_s", "required key is missing (the simulated run time, > 0)");
    s.duration = *d;
    s.drain = sc->get_time("drain", s.drain);
    s.bucket = sc->get_time("bucket", s.bucket, true);
    // The time series keeps one bucket per bucket_s of the run (and drain) in memory.
    constexpr Time kBucketsMax = 1'000'000;
    if ((s.duration + s.drain) / s.bucket >= kBucketsMax)
      sc->fail(sc->time_key("bucket"),
               fmt::format("{:.9g} s of run and drain in {:.9g} s buckets is more than {} "
                           "time-series buckets; make {} larger",
                           to_seconds(s.duration + s.drain), to_seconds(s.bucket), kBucketsMax,
                           sc->time_key("bucket")));
    sc->finish();
  }
  if (auto n = top.table("network")) load_network(*n, s.network);
  if (auto c = top.table("clocks")) load_clocks(*c, s.clocks);
  if (auto n = top.table("node")) load_node_costs(*n, s.node);
  for (auto& h : top.tables("hardware")) s.hardware.push_back(load_hardware(h));
  {
    auto m = top.table("model");
    if (!m) top.fail("model", "required table [model] is missing (name = \"...\")");
    s.model_name = m->get_string("name");
    s.model_options = std::make_shared<Options>(*m);
  }
  for (auto& w : top.tables("workload"))
    s.workloads.push_back(load_workload(w, s.duration, s.network));
  for (auto& f : top.tables("fault")) s.faults.push_back(load_fault(f));
  if (auto c = top.table("check")) {
    s.check.linearizable = c->get_bool("linearizable", false);
    c->finish();
  }
  if (auto w = top.table("swarm")) load_swarm(*w, s.swarm, s.duration);
  for (auto& e : top.tables("expect")) s.expectations.push_back(load_expectation(e));
  top.finish();
  return s;
}

}  // namespace

Scenario load_scenario_string(const std::string& toml_text, const std::string& name,
                              const std::vector<std::string>& overrides) {
  return load(toml_text, name, overrides);
}

Scenario load_scenario_file(const std::string& path, const std::vector<std::string>& overrides) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw ConfigError(SourcePos{path, 0, 0}, "", "is a directory, not a scenario file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(SourcePos{path, 0, 0}, "", "cannot open the file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return load(ss.str(), path, overrides);
}

}  // namespace distlab::sim

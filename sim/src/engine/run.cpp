#include "distlab/sim/run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "distlab/sim/model.hpp"
#include "engine/names.hpp"
#include "engine/simgrid_driver.hpp"
#include "engine/swarm.hpp"
#include "engine/world.hpp"
#include "output/results.hpp"

namespace distlab::sim {
namespace {

ModelInstance build_model(const Scenario& s, std::uint64_t seed) {
  Options& mo = *s.model_options;
  mo.set_run_seed(seed);
  mo.set_run_duration(s.duration + s.drain);
  const ModelFactory* f = registry().find(s.model_name);
  if (!f) {
    std::vector<std::string> names;
    for (const auto& [n, _] : registry().all()) names.push_back(n);
    mo.fail("name", fmt::format("unknown model \"{}\"; known models: {}", s.model_name,
                                fmt::join(names, ", ")));
  }
  ModelInstance m = f->build(mo);
  mo.finish();
  DISTLAB_ASSERT(!m.server_names.empty(), "a model must have at least one server");
  DISTLAB_ASSERT(static_cast<bool>(m.make_node), "a model must have a node factory");
  return m;
}

void check_names(const Scenario& s, const ModelInstance& m) {
  std::size_t nodes = m.server_names.size();
  for (const auto& w : s.workloads) nodes += w.clients;
  for (const auto& f : s.faults) {
    if ((f.kind == FaultSpec::Kind::join || f.kind == FaultSpec::Kind::leave) && !m.on_membership)
      throw ConfigError(f.pos, f.key_path + ".kind",
                        fmt::format("model \"{}\" has no notion of membership, so it cannot take "
                                    "join or leave faults (use crash and restart)",
                                    s.model_name));
    if (f.kind == FaultSpec::Kind::time_master_down)
      for (const auto& r : f.regions) {
        bool known = s.network.regions.empty() && r == "lan";
        std::vector<std::string> names;
        for (const auto& reg : s.network.regions) {
          known = known || reg.name == r;
          names.push_back(reg.name);
        }
        if (names.empty()) names.push_back("lan");
        if (!known)
          throw ConfigError(
              f.pos, f.key_path + ".regions",
              fmt::format("unknown region \"{}\"; regions: {}", r, fmt::join(names, ", ")));
      }
    for (const auto& n : f.nodes) {
      const auto ids = engine::resolve_nodes(n, m, nodes, f);
      const bool group = n == "servers" || n == "all";  // expands to the members only
      if ((f.kind == FaultSpec::Kind::join || f.kind == FaultSpec::Kind::leave) && !group &&
          !m.member_servers.empty())
        for (NodeId id : ids)
          if (std::find(m.member_servers.begin(), m.member_servers.end(), id) ==
              m.member_servers.end())
            throw ConfigError(f.nodes_pos.line ? f.nodes_pos : f.pos,
                              f.key_path + "." + f.nodes_key,
                              fmt::format("\"{}\" does not take part in membership, so it cannot "
                                          "join or leave (crash and restart it instead)",
                                          m.server_names[id]));
    }
    for (const auto& g : f.groups)
      for (const auto& n : g) engine::resolve_nodes(n, m, nodes, f);
  }
  // [[hardware]]: names must resolve; a disk fault must name nodes that have that SSD.
  std::vector<std::size_t> ssds;
  for (const HostHardware* h : engine::hardware_of(s, m, nodes))
    ssds.push_back(h ? h->ssds.size() : 0);
  for (NodeId id = 0; id < m.ssds_needed.size() && id < m.server_names.size(); ++id)
    if (ssds[id] < m.ssds_needed[id])
      throw ConfigError(s.model_options->pos(m.ssds_key), "model." + m.ssds_key,
                        fmt::format("\"{}\" needs {} SSD{} but has {}: give it them with "
                                    "[[hardware]] (nodes = \"{}\", ssds = {}, or a profile)",
                                    m.server_names[id], m.ssds_needed[id],
                                    m.ssds_needed[id] == 1 ? "" : "s", ssds[id],
                                    m.server_names[id], m.ssds_needed[id]));
  for (const auto& f : s.faults) {
    if (f.kind != FaultSpec::Kind::disk_slow && f.kind != FaultSpec::Kind::disk_fail) continue;
    for (const auto& n : f.nodes)
      for (NodeId id : engine::resolve_nodes(n, m, nodes, f)) {
        const std::size_t need = f.disk ? *f.disk + 1 : 1;
        if (ssds[id] < need)
          throw ConfigError(f.disk ? f.pos : (f.nodes_pos.line ? f.nodes_pos : f.pos),
                            f.key_path + (f.disk ? ".disk" : "." + f.nodes_key),
                            fmt::format("node \"{}\" has {} SSD{} ([[hardware]] ssds){}",
                                        id < m.server_names.size() ? m.server_names[id] : n,
                                        ssds[id], ssds[id] == 1 ? "" : "s",
                                        f.disk ? fmt::format(", so no disk {}", *f.disk) : ""));
      }
  }
  engine::assign_regions(s, m, nodes);
}

void write_file(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".partial";
  std::ofstream f(tmp, std::ios::binary);
  f << content;
  f.close();
  if (!f) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw ConfigError(SourcePos{path, 0, 0}, "--out", "cannot write this file");
  }
  std::filesystem::rename(tmp, path);
}

// Removes the output directory again if this run created it and it is still empty (a run that
// fails before writing anything leaves nothing behind).
struct OutDirGuard {
  std::string dir;
  bool created = false;
  bool keep = false;
  ~OutDirGuard() {
    std::error_code ec;
    if (created && !keep && std::filesystem::is_empty(dir, ec)) std::filesystem::remove(dir, ec);
  }
};

}  // namespace

void validate_scenario(const Scenario& s) { check_names(s, build_model(s, s.seed)); }

RunResult run_scenario(const Scenario& file_scenario, const RunOptions& opt) {
  const std::uint64_t seed = opt.seed.value_or(file_scenario.seed);
  ModelInstance model = build_model(file_scenario, seed);
  // [swarm]: this seed's random faults join the file's.
  Scenario s = file_scenario;
  for (auto& f : engine::swarm_faults(s, model, seed)) s.faults.push_back(std::move(f));
  check_names(s, model);
  if (opt.trace && opt.out_dir.empty())
    throw ConfigError(SourcePos{}, "--trace", "--trace needs --out DIR to write the trace into");
  OutDirGuard guard{opt.out_dir};
  if (!opt.out_dir.empty()) {
    std::error_code ec;
    guard.created = !std::filesystem::exists(opt.out_dir, ec);
    std::filesystem::create_directories(opt.out_dir, ec);
    if (ec)
      throw ConfigError(SourcePos{opt.out_dir, 0, 0}, "--out",
                        "cannot create the directory: " + ec.message());
  }
  engine::Recorder rec(opt.trace ? opt.out_dir : "");
  engine::World world(s, seed, std::move(model), rec);
  engine::run_on_simgrid(world, opt.simgrid_args, opt.progress);
  engine::RunOutputs o = engine::make_outputs(world, s, seed);
  if (!opt.out_dir.empty()) {
    write_file(opt.out_dir + "/results.json", o.results_json);
    write_file(opt.out_dir + "/timeseries.csv", o.timeseries_csv);
    write_file(opt.out_dir + "/history.csv", o.history_csv);
    write_file(opt.out_dir + "/nodes.csv", o.nodes_csv);
  }
  rec.close_trace();
  guard.keep = true;
  RunResult r;
  r.results_json = std::move(o.results_json);
  r.summary = std::move(o.summary);
  r.checks_passed = o.checks_passed;
  r.events = world.events();
  for (const auto& op : rec.history()) r.operations_ok += op.outcome == Outcome::ok;
  return r;
}

}  // namespace distlab::sim

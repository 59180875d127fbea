// distlab: run, validate and list scenarios.
//
// Exit codes: 0 success, 1 a checker found a violation or an [[expect]] figure was missed,
// 2 bad input (scenario or arguments).
// CLI11 parses argv first (SimGrid's Engine would swallow --help); --cfg=... and --log=...
// arguments are passed on to SimGrid.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <sys/resource.h>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "distlab/sim/model.hpp"
#include "distlab/sim/run.hpp"
#include "distlab/sim/hw/hardware.hpp"
#include "distlab/sim/scenario.hpp"
#include "distlab/sim/version.hpp"
#include "models/registry.hpp"
#include "plugins.hpp"
#include "progress.hpp"
#include "swarm.hpp"

namespace fs = std::filesystem;
using namespace distlab;

namespace {

int report(const sim::ConfigError& e) {
  std::fprintf(stderr, "%s\n", e.what());
  return 2;
}

int cmd_run(const std::string& file, std::optional<std::uint64_t> seed,
            const std::vector<std::string>& sets, const std::string& out, bool trace, bool quiet,
            const std::vector<std::string>& simgrid_args) {
  sim::Scenario s = sim::load_scenario_file(file, sets);
  sim::RunOptions opt;
  opt.seed = seed;
  opt.out_dir = out;
  opt.trace = trace;
  opt.simgrid_args = simgrid_args;
  const std::uint64_t effective_seed = seed.value_or(s.seed);
  std::fprintf(stderr, "distlab %s: %s, seed %llu\n", sim::kVersion, file.c_str(),
               static_cast<unsigned long long>(effective_seed));
  cli::Progress progress(s.duration + s.drain);
  if (cli::Progress::wanted() && !quiet)
    opt.progress = [&](sim::Time t, std::uint64_t ev) { progress.update(t, ev); };
  const auto t0 = std::chrono::steady_clock::now();
  sim::RunResult r = sim::run_scenario(s, opt);
  progress.clear();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fputs(r.summary.c_str(), stdout);
  std::fflush(stdout);
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  const std::string ops =
      r.operations_ok > 0 && wall > 0
          ? fmt::format(", {:.0f} operations/s", static_cast<double>(r.operations_ok) / wall)
          : "";
  std::fprintf(stderr, "  wall %.3f s, %.0f events/s%s, peak memory %.1f MiB%s\n", wall,
               wall > 0 ? static_cast<double>(r.events) / wall : 0.0, ops.c_str(),
               ru.ru_maxrss / 1024.0,
               out.empty() ? "" : fmt::format(", results in {}/", out).c_str());
  return r.checks_passed ? 0 : 1;
}

int cmd_validate(const std::vector<std::string>& files, const std::vector<std::string>& sets) {
  int rc = 0;
  for (const auto& f : files) {
    try {
      sim::Scenario s = sim::load_scenario_file(f, sets);
      sim::validate_scenario(s);
      std::printf("%s: ok\n", f.c_str());
    } catch (const sim::ConfigError& e) {
      rc = report(e);
    }
  }
  return rc;
}

int cmd_list(const std::string& dir) {
  std::printf("models:\n");
  for (const auto& [name, f] : sim::registry().all()) {
    std::printf("  %-10s %s\n", name.c_str(), f.description.c_str());
    if (!f.variants.empty())
      std::printf("  %-10s variants: %s\n", "",
                  fmt::format("{}", fmt::join(f.variants, ", ")).c_str());
  }
  std::printf("hardware profiles ([[hardware]] profile = ...):\n");
  for (const auto& p : sim::hardware_profiles())
    std::printf("  %-12s %s\n", p.name.c_str(), p.description.c_str());
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return 0;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec))
    if (e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::printf("scenarios (%s):\n", dir.c_str());
  for (const auto& p : files) {
    std::string title;
    try {
      title = sim::load_scenario_file(p.string()).title;
    } catch (const sim::ConfigError& e) {
      title = "(invalid: " + std::string(e.what()) + ")";
    }
    std::printf("  %-40s %s\n", p.string().c_str(), title.c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  models::register_builtin(sim::registry());
  // SimGrid options pass through untouched.
  std::vector<std::string> simgrid_args;
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (i > 0 && (a.rfind("--cfg=", 0) == 0 || a.rfind("--log=", 0) == 0))
      simgrid_args.push_back(a);
    else
      rest.push_back(argv[i]);
  }

  CLI::App app{
      "distlab: a deterministic distributed-systems simulator and teaching lab.\n"
      "Exit codes: 0 ok, 1 a checker found a violation or an [[expect]] was missed, 2 bad input.\n"
      "SimGrid options (--cfg=..., --log=...) are passed to SimGrid."};
  app.set_version_flag("--version", sim::kVersion);
  app.require_subcommand(1);

  auto* run = app.add_subcommand("run", "run a scenario and print its summary");
  std::string file, out;
  std::optional<std::int64_t> seed;  // signed, so that "-1" is an error, not 2^64 - 1
  std::vector<std::string> sets;
  bool trace = false, quiet = false;
  run->add_option("scenario", file, "scenario file (TOML)")->required()->check(CLI::ExistingFile);
  run->add_option("--seed", seed, "seed (overrides [scenario] seed)")
      ->check([](const std::string& v) {
        return v.rfind('-', 0) == 0 ? std::string("the seed must be a non-negative integer")
                                    : std::string();
      });
  run->add_option("--set", sets, "override a scenario key, e.g. --set model.variant=single")
      ->type_name("KEY=VALUE")
      ->take_all()
      ->allow_extra_args(false);
  run->add_option("--out", out, "write results.json, timeseries.csv, history.csv, nodes.csv here");
  run->add_flag("--trace", trace, "also write trace.jsonl and trace.chrome.json into --out");
  run->add_flag("--quiet", quiet, "no progress line");

  std::vector<std::string> plugins;
  run->add_option("--plugin", plugins, "load models from a shared library (see README: plugins)")
      ->type_name("LIB.so")
      ->allow_extra_args(false);

  auto* validate = app.add_subcommand("validate", "check scenario files without running them");
  validate->add_option("--plugin", plugins, "load models from a shared library")
      ->type_name("LIB.so")
      ->allow_extra_args(false);
  std::vector<std::string> vfiles;
  std::vector<std::string> vsets;
  validate->add_option("files", vfiles, "scenario files")->required();
  validate->add_option("--set", vsets, "override a scenario key")->type_name("KEY=VALUE");

  auto* list = app.add_subcommand("list", "list models, variants and scenario files");
  std::string dir = "scenarios";
  list->add_option("--plugin", plugins, "load models from a shared library")
      ->type_name("LIB.so")
      ->allow_extra_args(false);
  list->add_option("--dir", dir, "where to look for scenario files")->capture_default_str();

  auto* swarm = app.add_subcommand(
      "swarm", "run a scenario over many seeds in parallel and report the seeds whose checks fail");
  cli::SwarmOptions so;
  swarm->add_option("scenario", so.file, "scenario file (TOML), usually with a [swarm] table")
      ->required()
      ->check(CLI::ExistingFile);
  swarm->add_option("--seeds", so.seeds, "how many seeds")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1'000'000u));
  swarm->add_option("--first-seed", so.first_seed, "the first seed")->capture_default_str();
  swarm->add_option("--jobs", so.jobs, "parallel runs (default: one per core)");
  swarm->add_option("--set", so.sets, "override a scenario key")->type_name("KEY=VALUE");
  swarm->add_flag("--expect-violation", so.expect_violation,
                  "succeed only if some seed fails its checks (for a deliberately broken model)");
  swarm->add_option("--plugin", plugins, "load models from a shared library")
      ->type_name("LIB.so")
      ->allow_extra_args(false);

  try {
    app.parse(static_cast<int>(rest.size()), rest.data());
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    for (const auto& p : plugins) cli::load_plugin(p, sim::registry());
    if (*run) {
      std::optional<std::uint64_t> s;
      if (seed) s = static_cast<std::uint64_t>(*seed);
      return cmd_run(file, s, sets, out, trace, quiet, simgrid_args);
    }
    if (*validate) return cmd_validate(vfiles, vsets);
    if (*swarm) {
      so.plugins = plugins;
      return cli::run_swarm(so);
    }
    if (*list) return cmd_list(dir);
  } catch (const sim::ConfigError& e) {
    return report(e);
  }
  return 0;
}

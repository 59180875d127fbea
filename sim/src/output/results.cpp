#include "output/results.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iterator>

#include "distlab/sim/histogram.hpp"
#include "distlab/sim/version.hpp"
#include "engine/swarm.hpp"
#include "output/expect.hpp"

namespace distlab::sim::engine {
namespace {
using json = nlohmann::ordered_json;

// Milliseconds rounded to the nanosecond, so JSON numbers stay short and exact.
double ms_of(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

json latency_json(const Histogram& h) {
  return {{"count", h.count()},
          {"mean", ms_of(static_cast<std::int64_t>(h.mean()))},
          {"p50", ms_of(h.quantile(0.50))},
          {"p90", ms_of(h.quantile(0.90))},
          {"p99", ms_of(h.quantile(0.99))},
          {"p999", ms_of(h.quantile(0.999))},
          {"max", ms_of(h.max())}};
}

struct Bucket {
  std::uint64_t ok = 0, fail = 0, unknown = 0, read_ok = 0, write_ok = 0;
  Histogram latency;
};

}  // namespace

RunOutputs make_outputs(World& w, const Scenario& s, std::uint64_t seed) {
  RunOutputs out;
  const History& h = w.recorder().history();
  Histogram all, reads, writes;
  std::uint64_t ok = 0, fail = 0, unknown = 0;
  const auto nbuckets = static_cast<std::size_t>((s.duration + s.drain + s.bucket - 1) / s.bucket);
  std::vector<Bucket> buckets(nbuckets);
  std::string hist_csv = "op,client,kind,key,value,invoke_ns,complete_ns,outcome,attempts\n";
  for (const Operation& op : h) {
    hist_csv += fmt::format("{},{},{},{},{},{},{},{},{}\n", op.id, op.client, to_string(op.kind),
                            op.key, op.value, op.invoke,
                            op.complete == kNever ? std::string() : std::to_string(op.complete),
                            to_string(op.outcome), op.attempts);
    const Time at = op.outcome == Outcome::unknown ? op.invoke : op.complete;
    Bucket& b =
        buckets[std::min<std::size_t>(static_cast<std::size_t>(at / s.bucket), nbuckets - 1)];
    switch (op.outcome) {
      case Outcome::ok: {
        ++ok;
        ++b.ok;
        const Time lat = op.complete - op.invoke;
        all.record(lat);
        b.latency.record(lat);
        if (op.kind == OpKind::read) {
          reads.record(lat);
          ++b.read_ok;
        } else {
          writes.record(lat);
          ++b.write_ok;
        }
        break;
      }
      case Outcome::fail:
        ++fail;
        ++b.fail;
        break;
      case Outcome::unknown:
        ++unknown;
        ++b.unknown;
        break;
    }
  }
  const double secs = to_seconds(s.duration);

  json j;
  j["distlab_version"] = kVersion;
  j["scenario"] = {{"file", s.file},
                   {"title", s.title},
                   {"seed", seed},
                   {"duration_s", to_seconds(s.duration)},
                   {"model", s.model_name}};
  j["summary"] = {{"ops", h.size()},
                  {"ok", ok},
                  {"fail", fail},
                  {"unknown", unknown},
                  {"throughput_ops_per_s", static_cast<double>(ok) / secs},
                  {"latency_ms", latency_json(all)},
                  {"read_latency_ms", latency_json(reads)},
                  {"write_latency_ms", latency_json(writes)}};
  json client = json::object();
  for (const auto& [k, v] : w.recorder().counters()) client[k] = v;
  j["counters"] = client;

  Counters total;
  json nodes = json::array();
  std::string nodes_csv = "node,role,region,sent,delivered,dropped,duplicated,bytes_sent\n";
  for (NodeId id = 0; id < w.node_count(); ++id) {
    NodeState& n = w.node(id);
    const Counters& c = n.counters;
    total.sent += c.sent;
    total.delivered += c.delivered;
    total.dropped += c.dropped;
    total.duplicated += c.duplicated;
    total.bytes_sent += c.bytes_sent;
    nodes_csv +=
        fmt::format("{},{},{},{},{},{},{},{}\n", n.name, n.client ? "client" : "server",
                    w.region_of(id), c.sent, c.delivered, c.dropped, c.duplicated, c.bytes_sent);
    if (n.client && w.node_count() > 64) continue;  // keep results.json readable at scale
    json nj = {{"name", n.name},
               {"role", n.client ? "client" : "server"},
               {"region", w.region_of(id)},
               {"sent", c.sent},
               {"delivered", c.delivered},
               {"dropped", c.dropped},
               {"duplicated", c.duplicated},
               {"bytes_sent", c.bytes_sent},
               {"storage_writes", n.storage.writes}};
    if (!n.metrics.values.empty()) nj["metrics"] = n.metrics.values;
    nodes.push_back(nj);
  }
  j["network"] = {{"sent", total.sent},
                  {"delivered", total.delivered},
                  {"dropped", total.dropped},
                  {"duplicated", total.duplicated},
                  {"bytes_sent", total.bytes_sent}};
  j["nodes"] = nodes;

  json checks = json::object();
  std::string check_line = "not enabled ([check] linearizable = true)";
  if (s.check.linearizable) {
    const auto r = check::check_linearizable(h);
    json cj = {{"verdict", to_string(r.verdict)},
               {"ops", r.ops_checked},
               {"keys", r.keys},
               {"states", r.states_explored}};
    if (r.violation) cj["violation"] = r.describe_violation();
    checks["linearizable"] = cj;
    out.checks_passed = r.verdict == check::Verdict::linearizable;
    check_line = r.summary();
    if (r.violation) check_line += "\n" + r.describe_violation();
  }
  j["checks"] = checks;
  // Every fault (the file's and a swarm's) with its window, for plots (distlab.plot shades
  // them): end_s is the restart, heal or end time, null for an instant or permanent fault.
  json faults = json::array();
  for (const FaultSpec& f : s.faults) {
    static constexpr const char* names[] = {
        "crash", "restart", "pause", "partition", "heal", "loss", "duplicate", "delay",
        "clock_step", "clock_drift", "time_master_down", "join", "leave", "disk_slow", "disk_fail"};
    static_assert(std::size(names) == static_cast<std::size_t>(FaultSpec::Kind::disk_fail) + 1);
    const Time end = f.kind == FaultSpec::Kind::crash ? f.restart_at : f.until;
    json fj = {{"kind", names[static_cast<int>(f.kind)]},
               {"at_s", to_seconds(f.at)},
               {"end_s", end == kNever ? json(nullptr) : json(to_seconds(end))}};
    if (!f.nodes.empty()) fj["nodes"] = f.nodes;
    if (!f.groups.empty()) fj["groups"] = f.groups;
    faults.push_back(fj);
  }
  j["faults"] = faults;
  json swarm = json::array();
  for (const FaultSpec& f : s.faults)
    if (f.key_path.rfind("swarm fault", 0) == 0) swarm.push_back(describe_fault(f));
  if (s.swarm.enabled) j["swarm_faults"] = swarm;
  j["sim"] = {{"events", w.events()}, {"end_s", to_seconds(s.duration + s.drain)}};
  std::string model_summary;
  if (w.model().report) {
    const ModelInstance::Report r = w.model().report();
    j["model"] = r.json.empty() ? json::object() : json::parse(r.json);
    model_summary = r.summary;
    out.checks_passed = out.checks_passed && r.passed;
  }
  const ExpectOutcome expect = evaluate_expectations(s, j);
  if (!s.expectations.empty()) j["expectations"] = expect.json;
  out.checks_passed = out.checks_passed && expect.passed;

  std::string ts = "t_s,ok,fail,unknown,read_ok,write_ok,ops_per_s,latency_p50_ms,latency_p99_ms\n";
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    const Bucket& b = buckets[i];
    ts += fmt::format("{},{},{},{},{},{},{},{},{}\n", to_seconds(static_cast<Time>(i) * s.bucket),
                      b.ok, b.fail, b.unknown, b.read_ok, b.write_ok,
                      static_cast<double>(b.ok) / to_seconds(s.bucket),
                      ms_of(b.latency.quantile(0.5)), ms_of(b.latency.quantile(0.99)));
  }

  std::string sum;
  sum += fmt::format("{}\n", s.title.empty() ? s.file : s.title);
  sum += fmt::format("  model {}  seed {}  simulated {:.3f} s (+{:.3f} s drain)  events {}\n",
                     s.model_name, seed, to_seconds(s.duration), to_seconds(s.drain), w.events());
  sum += fmt::format(
      "  operations  {} ok, {} failed, {} unknown (timed out)   throughput {:.1f} ops/s\n", ok,
      fail, unknown, static_cast<double>(ok) / secs);
  sum += "  latency ms       count      p50      p90      p99    p99.9      max\n";
  auto row = [&](const char* name, const Histogram& hh) {
    sum += fmt::format("    {:<10} {:>9} {:>8.3f} {:>8.3f} {:>8.3f} {:>8.3f} {:>8.3f}\n", name,
                       hh.count(), ms_of(hh.quantile(0.5)), ms_of(hh.quantile(0.9)),
                       ms_of(hh.quantile(0.99)), ms_of(hh.quantile(0.999)), ms_of(hh.max()));
  };
  row("all", all);
  row("read", reads);
  row("write", writes);
  sum += fmt::format("  messages    {} sent, {} delivered, {} dropped, {} duplicated\n", total.sent,
                     total.delivered, total.dropped, total.duplicated);
  if (!w.recorder().counters().empty()) {
    sum += "  counters   ";
    for (const auto& [k, v] : w.recorder().counters()) sum += fmt::format(" {}={}", k, v);
    sum += "\n";
  }
  if (s.swarm.enabled) {
    sum += fmt::format("  swarm       {} random faults from seed {}\n", swarm.size(), seed);
    for (const auto& d : swarm) sum += fmt::format("              {}\n", d.get<std::string>());
  }
  sum += fmt::format("  linearizability: {}\n", check_line);
  sum += model_summary;
  sum += expect.summary;

  out.results_json = j.dump(2) + "\n";
  out.summary = sum;
  out.timeseries_csv = ts;
  out.history_csv = hist_csv;
  out.nodes_csv = nodes_csv;
  return out;
}

}  // namespace distlab::sim::engine

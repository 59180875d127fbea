// The model's figures (results.json "model" and the summary) and the checker: eventually
// consistent and accurate counters must read exactly the true count once the load has stopped
// and the accept window has passed, with nothing counted twice.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdlib>

#include "observer.hpp"

namespace distlab::models::counter {

using json = nlohmann::ordered_json;

struct ReportWriter {
  const Observer& o;
  const Config& c = o.c_;

  static double ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

  json latency(const sim::Histogram& h) const {
    return {{"count", h.count()},
            {"p50", ms(h.quantile(0.5))},
            {"p90", ms(h.quantile(0.9))},
            {"p99", ms(h.quantile(0.99))},
            {"p999", ms(h.quantile(0.999))},
            {"max", ms(h.max())}};
  }

  // Read error totals and per-bucket series.
  std::pair<json, json> error_json(const std::vector<Observer::ErrorBucket>& buckets) const {
    std::uint64_t reads = 0;
    double abs_sum = 0;
    std::int64_t abs_max = 0, signed_sum = 0;
    json series = json::array();
    for (std::size_t b = 0; b < buckets.size(); ++b) {
      const auto& e = buckets[b];
      reads += e.reads;
      abs_sum += e.abs_sum;
      abs_max = std::max(abs_max, e.abs_max);
      signed_sum += e.signed_sum;
      series.push_back(
          {{"t_s", sim::to_seconds(static_cast<sim::Time>(b) * c.bucket)},
           {"reads", e.reads},
           {"mean_abs", e.reads ? e.abs_sum / static_cast<double>(e.reads) : 0.0},
           {"mean_signed",
            e.reads ? static_cast<double>(e.signed_sum) / static_cast<double>(e.reads) : 0.0},
           {"max_abs", e.abs_max}});
    }
    json total = {
        {"reads", reads},
        {"mean_abs", reads ? abs_sum / static_cast<double>(reads) : 0.0},
        {"mean_signed", reads ? static_cast<double>(signed_sum) / static_cast<double>(reads) : 0.0},
        {"max_abs", abs_max}};
    return {total, series};
  }

  bool has_type(CounterType t) const {
    for (const Namespace& n : c.namespaces)
      if (n.type == t) return true;
    return false;
  }

  struct Check {
    std::uint64_t checked = 0, exact = 0, over = 0, under = 0, missing = 0, stale_first = 0;
    std::int64_t excess = 0;  // sum of (read - true) over every checked counter
    std::vector<std::string> examples;
  };

  // The verification reads of one counter type against the final truth.
  Check verification(CounterType type) const {
    Check k;
    for (std::uint32_t ns = 0; ns < c.namespaces.size(); ++ns) {
      if (c.namespaces[ns].type != type) continue;
      const auto& p = o.ns_[ns];
      for (std::uint32_t r = 0; r < c.regions; ++r)
        for (std::uint64_t i = 0; i < c.namespaces[ns].counters; ++i) {
          const CounterKey key = counter_key(ns, i);
          const std::int64_t truth = o.truth(r, key);
          ++k.checked;
          if (p.verified_flag[0][r][i] && p.verified[0][r][i] != truth) ++k.stale_first;
          if (!p.verified_flag[1][r][i]) {
            ++k.missing;
            if (k.examples.size() < 3)
              k.examples.push_back(
                  fmt::format("{} counter {} in region r{}: no answer to the final read",
                              c.namespaces[ns].name, i, r));
            continue;
          }
          const std::int64_t v = p.verified[1][r][i];
          k.excess += v - truth;
          if (v == truth) {
            ++k.exact;
            continue;
          }
          ++(v > truth ? k.over : k.under);
          if (k.examples.size() < 3)
            k.examples.push_back(fmt::format("{} counter {} in region r{}: read {}, true count {}",
                                             c.namespaces[ns].name, i, r, v, truth));
        }
    }
    return k;
  }

  json check_json(const Check& k) const {
    return {{"checked", k.checked},
            {"exact", k.exact},
            {"over", k.over},
            {"under", k.under},
            {"missing", k.missing},
            {"excess", k.excess},
            {"stale_at_first_read", k.stale_first},
            {"examples", k.examples}};
  }

  sim::ModelInstance::Report write() const {
    json j;
    j["variant"] = !c.idempotent      ? "no-idempotency"
                   : !c.accept_window ? "no-accept-window"
                                      : "netflix";
    j["regions"] = c.regions;
    const double load_s = sim::to_seconds(c.load);
    std::string s = fmt::format(
        "  counter     {} region(s), variant {}; accept_limit {:g} s, coalesce {:g} s\n", c.regions,
        j["variant"].get<std::string>(), sim::to_seconds(c.accept_limit),
        sim::to_seconds(c.coalesce));
    s += "    requests (load)         count    req/s   p50 ms   p99 ms  p99.9 ms  failed  read "
         "|err| mean    max\n";

    // Per counter type: latency, throughput, read error.
    json types = json::object();
    std::uint64_t total = 0;
    for (int t = 0; t < Observer::kTypes; ++t) {
      const auto type = static_cast<CounterType>(t);
      if (!has_type(type)) continue;
      json jt;
      sim::Histogram all;
      std::uint64_t failed = 0;
      json ops = json::object();
      for (int op = 0; op < kOpKinds; ++op) {
        const auto& h = o.latency_[t][op];
        all.merge(h);
        failed += o.failed_[t][op];
        if (h.count() || o.failed_[t][op]) {
          ops[to_string(static_cast<OpKind>(op))] = latency(h);
          ops[to_string(static_cast<OpKind>(op))]["failed"] = o.failed_[t][op];
        }
      }
      total += all.count();
      jt["requests"] = all.count();
      jt["throughput_per_s"] = static_cast<double>(all.count()) / load_s;
      jt["latency_ms"] = latency(all);
      jt["ops"] = ops;
      jt["failed"] = failed;
      const auto [error, series] = error_json(o.error_[t]);
      jt["read_error"] = error;
      jt["error_over_time"] = series;
      if (type == CounterType::best_effort && c.regions > 1) {
        const auto [g, gs] = error_json(o.best_effort_vs_global_);
        jt["read_error_vs_global"] = g;
        jt["error_vs_global_over_time"] = gs;
      }
      const double mean_abs = error["mean_abs"].get<double>();
      const std::int64_t abs_max = error["max_abs"].get<std::int64_t>();
      s += fmt::format(
          "    {:<20} {:>10} {:>8.0f} {:>8.3f} {:>8.3f} {:>9.3f} {:>7} {:>14.3f} {:>6}\n",
          to_string(type), all.count(), static_cast<double>(all.count()) / load_s,
          ms(all.quantile(0.5)), ms(all.quantile(0.99)), ms(all.quantile(0.999)), failed, mean_abs,
          abs_max);
      if (jt.contains("read_error_vs_global"))
        s += fmt::format(
            "      best effort against the global count (all regions' increments): "
            "mean |err| {:.3f}, max {}\n",
            jt["read_error_vs_global"]["mean_abs"].get<double>(),
            jt["read_error_vs_global"]["max_abs"].get<std::int64_t>());
      types[to_string(type)] = jt;
    }
    j["types"] = types;
    j["totals"] = {{"requests", total},
                   {"throughput_per_s", static_cast<double>(total) / load_s},
                   {"latency_ms", latency(o.latency_all_)}};

    // Over-counting.
    j["overcount"] = {{"best_effort_duplicates_applied", o.duplicates_applied_},
                      {"best_effort_duplicate_excess", o.duplicate_excess_},
                      {"store_duplicate_keys_absorbed", o.load.duplicate_keys}};
    if (has_type(CounterType::best_effort))
      s += fmt::format(
          "  over-count  best effort: {} increments applied more than once (+{}); store: {} "
          "retried/duplicated events absorbed by their idempotency key\n",
          o.duplicates_applied_, o.duplicate_excess_, o.load.duplicate_keys);
    else
      s += fmt::format(
          "  over-count  store: {} retried/duplicated events absorbed by their "
          "idempotency key\n",
          o.load.duplicate_keys);

    // Convergence of the cached rollups (eventual and accurate namespaces). A counter-region
    // that converged only after the verification's first read was stale until accessed (a
    // region where nobody touched the counter since its last write, a crashed rollup queue).
    sim::Histogram lag, lag_elsewhere;  // in the region of the last write / in the others
    std::uint64_t written = 0, converged = 0, on_access = 0;
    for (std::uint32_t ns = 0; ns < c.namespaces.size(); ++ns) {
      if (c.namespaces[ns].type == CounterType::best_effort) continue;
      const auto& p = o.ns_[ns];
      for (std::uint64_t i = 0; i < c.namespaces[ns].counters; ++i) {
        if (p.last_accept[i] == kBeginning) continue;
        for (std::uint32_t r = 0; r < c.regions; ++r) {
          ++written;
          if (p.cached_at[r][i] == kBeginning || p.cached[r][i] != p.global[i]) continue;
          ++converged;
          if (c.verify && p.cached_at[r][i] >= c.verify_first) {
            ++on_access;
            continue;
          }
          (r == p.last_region[i] ? lag : lag_elsewhere)
              .record(std::max<sim::Time>(p.cached_at[r][i] - p.last_accept[i], 0));
        }
      }
    }
    const double bound = sim::to_seconds(c.accept_limit + c.coalesce);
    if (written) {
      j["convergence"] = {{"counter_regions", written},
                          {"converged", converged},
                          {"converged_by_themselves", lag.count() + lag_elsewhere.count()},
                          {"converged_after_verification_read", on_access},
                          {"lag_s_p50", ms(lag.quantile(0.5)) / 1e3},
                          {"lag_s_p99", ms(lag.quantile(0.99)) / 1e3},
                          {"lag_s_max", ms(lag.max()) / 1e3},
                          {"elsewhere_lag_s_p50", ms(lag_elsewhere.quantile(0.5)) / 1e3},
                          {"elsewhere_lag_s_max", ms(lag_elsewhere.max()) / 1e3},
                          {"bound_s", bound}};
      auto lag_text = [](const sim::Histogram& h) {
        return h.count() ? fmt::format("p50 {:.2f} s, max {:.2f} s", ms(h.quantile(0.5)) / 1e3,
                                       ms(h.max()) / 1e3)
                         : std::string("none yet");
      };
      s += fmt::format(
          "  convergence cached rollups exact in {} of {} written counter-regions; lag after the "
          "last write, in its region: {} (accept_limit + coalesce = {:g} s)\n",
          converged, written, lag_text(lag), bound);
      if (c.regions > 1)
        s += fmt::format(
            "              in the other regions: {} ({} counter-regions; their "
            "rollups run when a local read or write triggers them)\n",
            lag_text(lag_elsewhere), lag_elsewhere.count());
      s += fmt::format(
          "              {} converged only after the verification's first read "
          "triggered a rollup (stale until accessed)\n",
          on_access);
    }

    // Loads.
    const Load& l = o.load;
    j["store"] = {{"event_writes", l.event_writes},
                  {"rejected_too_old", l.rejected},
                  {"replications", l.replications},
                  {"replication_resends", l.replication_resends},
                  {"reads", l.store_reads},
                  {"replica_reads", l.replica_reads},
                  {"events_read", l.events_read},
                  {"partitions_read", l.partitions_read},
                  {"checkpoint_writes", l.checkpoint_writes},
                  {"events_per_replica_max", l.store_events_max},
                  {"writes_per_s", static_cast<double>(l.event_writes) / load_s}};
    j["rollup"] = {{"triggers", l.triggers},
                   {"coalesced", l.coalesced},
                   {"dropped_queue_full", l.dropped},
                   {"rolled", l.rolled},
                   {"batches", l.batches},
                   {"events_aggregated", l.events_aggregated},
                   {"requeued", l.requeued},
                   {"lost_in_crash", l.lost_in_crash},
                   {"batch_timeouts", l.batch_timeouts},
                   {"queue_max", l.queue_max}};
    json per_ns = json::object();
    std::string per_ns_text;
    for (std::uint32_t ns = 0; ns < c.namespaces.size(); ++ns) {
      const auto& r = o.rollups_[ns];
      if (c.namespaces[ns].type == CounterType::best_effort) continue;
      const double per_rollup =
          r.rolled ? static_cast<double>(r.events) / static_cast<double>(r.rolled) : 0.0;
      per_ns[c.namespaces[ns].name] = {{"triggers", r.triggers},
                                       {"coalesced", r.coalesced},
                                       {"rolled", r.rolled},
                                       {"events_aggregated", r.events},
                                       {"events_per_rollup", per_rollup}};
      per_ns_text += fmt::format("{}{}: {} triggers, {} coalesced, {} rollups, {:.1f} events each",
                                 per_ns_text.empty() ? "" : "; ", c.namespaces[ns].name, r.triggers,
                                 r.coalesced, r.rolled, per_rollup);
    }
    j["rollup"]["namespaces_before_verification"] = per_ns;
    j["cache"] = {{"incr", l.cache_incr},
                  {"get", l.cache_get},
                  {"hits", l.cache_hits},
                  {"set", l.cache_set},
                  {"delete", l.cache_delete}};
    j["clients"] = {{"attempts", l.attempts}, {"retries", l.retries},
                    {"hedges", l.hedges},     {"timeouts", l.timeouts},
                    {"gave_up", l.gave_up},   {"rejected", l.rejected_replies}};
    s += fmt::format(
        "  store       {} event writes ({:.0f}/s), {} rejected as too old, {} replications "
        "({} resent), {} reads ({} events, {} partitions), {} checkpoints\n",
        l.event_writes, static_cast<double>(l.event_writes) / load_s, l.rejected, l.replications,
        l.replication_resends, l.store_reads, l.events_read, l.partitions_read,
        l.checkpoint_writes);
    s += fmt::format(
        "  rollup      {} triggers, {} coalesced, {} dropped (queue full), {} rollups in {} "
        "batches ({} events), {} requeued, {} lost in crashes, deepest queue {}\n",
        l.triggers, l.coalesced, l.dropped, l.rolled, l.batches, l.events_aggregated, l.requeued,
        l.lost_in_crash, l.queue_max);
    if (per_ns.size() > 1)
      s += "              before the verification reads: " + per_ns_text + "\n";
    s += fmt::format(
        "  clients     {} attempts, {} retries, {} hedges, {} timeouts, {} gave up, {} rejected\n",
        l.attempts, l.retries, l.hedges, l.timeouts, l.gave_up, l.rejected_replies);

    // The checker.
    bool passed = true;
    if (c.verify) {
      json checks = json::object();
      std::string verdict;
      for (auto type : {CounterType::eventual, CounterType::accurate, CounterType::best_effort}) {
        if (!has_type(type)) continue;
        const Check k = verification(type);
        checks[to_string(type)] = check_json(k);
        const bool ok = k.exact == k.checked;
        if (type == CounterType::best_effort) {
          s += fmt::format(
              "  best effort final reads: {} of {} counter-regions exact, {} over, {} under "
              "(sum of read - true: {:+}); not checked: best effort promises nothing\n",
              k.exact, k.checked, k.over, k.under, k.excess);
          continue;
        }
        passed = passed && ok;
        s += fmt::format(
            "  check {:<9} {}: {} of {} counter-regions read the true count after the accept "
            "window ({} over, {} under, {} unanswered; {} were stale at the first read)\n",
            to_string(type), ok ? "ok" : "VIOLATION", k.exact, k.checked, k.over, k.under,
            k.missing, k.stale_first);
        for (const auto& e : k.examples) s += "              " + e + "\n";
      }
      checks["ok"] = passed;
      j["check"] = checks;
    } else {
      j["check"] = {{"ok", true}, {"note", "verify = false: not run"}};
      s += "  check       not run (verify = false)\n";
    }
    return {j.dump(), s, passed};
  }
};

sim::ModelInstance::Report Observer::report() const { return ReportWriter{*this}.write(); }

}  // namespace distlab::models::counter
